import assert from "node:assert/strict";
import { initBackend, tf } from "noisy-digits/runtime";
import { createAugmenter, DIGIT_AUGMENTATION, REPORT_AUGMENTATION } from "noisy-digits/train";
import { affineRow, drawParams, isIdentity, transformBatch } from "../../lib/train/augment.ts"; // internal: this test reaches behind the face on purpose
import { createDataset } from "noisy-digits/data";
import { augmentedDigits } from "noisy-digits/plots";
import { describeParams } from "../../lib/plots/augmented.ts"; // internal: this test reaches behind the face on purpose

await initBackend();

/** A batch whose pixel (n, y, x) holds a distinct value: easy to trace where pixels went. */
function ramp(n = 2, size = 28): tf.Tensor4D {
  const values = Float32Array.from({ length: n * size * size }, (_, i) => ((i % (size * size)) + 1) / (size * size));
  return tf.tensor4d(values, [n, size, size, 1]);
}

function pixel(data: ArrayLike<number>, n: number, y: number, x: number, size = 28): number {
  return data[n * size * size + y * size + x];
}

Deno.test("augment: all ranges 0 is the identity", () => {
  const x = ramp();
  const aug = createAugmenter({ seed: 3 });
  const y = aug(x, 0);
  assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  assert.ok(isIdentity({}));
  assert.ok(!isIdentity(DIGIT_AUGMENTATION));
  tf.dispose([x, y]);
});

Deno.test("augment: same seed and step give the same batch, other step or seed differs", () => {
  const x = ramp(4);
  const opts = { ...REPORT_AUGMENTATION, zoomRange: 0.1 };
  const a = createAugmenter({ ...opts, seed: 1 })(x, 5);
  const b = createAugmenter({ ...opts, seed: 1 })(x, 5);
  const c = createAugmenter({ ...opts, seed: 1 })(x, 6);
  const d = createAugmenter({ ...opts, seed: 2 })(x, 5);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(d.dataSync()));
  // The noise fill is seeded too.
  const n1 = createAugmenter({ ...DIGIT_AUGMENTATION, seed: 9 })(x, 2);
  const n2 = createAugmenter({ ...DIGIT_AUGMENTATION, seed: 9 })(x, 2);
  assert.deepEqual(Array.from(n1.dataSync()), Array.from(n2.dataSync()));
  tf.dispose([x, a, b, c, d, n1, n2]);
});

Deno.test("augment: a shift of 3 px right and 2 px down moves every pixel by exactly that", () => {
  const x = ramp(1);
  const y = transformBatch(x, [{ shiftX: 3, shiftY: 2 }], { fillMode: "constant", fillValue: -1 });
  const src = x.dataSync(), out = y.dataSync();
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const expected = r >= 2 && c >= 3 ? pixel(src, 0, r - 2, c - 3) : -1;
      assert.ok(Math.abs(pixel(out, 0, r, c) - expected) < 1e-6, `(${r}, ${c})`);
    }
  }
  tf.dispose([x, y]);
});

Deno.test("augment: horizontal flip mirrors each row", () => {
  const x = ramp(1);
  const y = transformBatch(x, [{ flip: true }]);
  const src = x.dataSync(), out = y.dataSync();
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) assert.equal(pixel(out, 0, r, c), pixel(src, 0, r, 27 - c));
  }
  tf.dispose([x, y]);
});

Deno.test("augment: a 90° rotation about the centre keeps the centre and turns a row into a column", () => {
  const row = affineRow({ rotation: 90 }, 28, 28);
  // Maps the centre to itself.
  const cx = 13.5;
  assert.ok(Math.abs(row[0] * cx + row[1] * cx + row[2] - cx) < 1e-9);
  assert.ok(Math.abs(row[3] * cx + row[4] * cx + row[5] - cx) < 1e-9);
  const x = tf.tidy(() => tf.zeros([1, 28, 28, 1]).add(tf.oneHot([3 * 28 + 13], 28 * 28).reshape([1, 28, 28, 1])));
  const y = transformBatch(x as tf.Tensor4D, [{ rotation: 90 }], { interpolation: "nearest", fillMode: "constant" });
  const out = Array.from(y.dataSync());
  assert.equal(out.reduce((s, v) => s + v, 0), 1);
  // The lit pixel lay 10.5 rows above the centre, on its column; it now lies 10.5 columns to one side, on its row.
  const at = out.findIndex((v) => v === 1);
  const r = Math.floor(at / 28), c = at % 28;
  assert.ok(Math.abs(r - 13.5) <= 0.5 && Math.abs(Math.abs(c - 13.5) - 10.5) <= 0.5, `lit at (${r}, ${c})`);
  tf.dispose([x, y]);
});

Deno.test("augment: fill modes constant, nearest and noise", () => {
  const x = tf.fill([1, 28, 28, 1], 0.5) as tf.Tensor4D;
  const shift = [{ shiftX: 5 }];
  const constant = transformBatch(x, shift, { fillMode: "constant", fillValue: 0.25 }).dataSync();
  const nearest = transformBatch(x, shift, { fillMode: "nearest" }).dataSync();
  const noise = transformBatch(x, shift, { fillMode: "noise", noiseSeed: 1 }).dataSync();
  const brought: number[] = [];
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const i = r * 28 + c;
      if (c < 5) {
        assert.equal(constant[i], 0.25);
        assert.equal(nearest[i], 0.5);
        brought.push(noise[i]);
      } else {
        assert.equal(constant[i], 0.5);
        assert.ok(Math.abs(noise[i] - 0.5) < 1e-6);
      }
    }
  }
  // The 140 new pixels are uniform noise in [0, 1]: spread out, mean near 0.5.
  assert.ok(brought.every((v) => v >= 0 && v <= 1));
  const mean = brought.reduce((s, v) => s + v, 0) / brought.length;
  assert.ok(Math.abs(mean - 0.5) < 0.08, `mean ${mean}`);
  assert.ok(Math.max(...brought) - Math.min(...brought) > 0.8);
  x.dispose();
});

Deno.test("augment: drawn parameters stay within the ranges and flips are about half", () => {
  const params = drawParams({ ...REPORT_AUGMENTATION, zoomRange: 0.1, seed: 5 }, 2000, 0);
  assert.ok(params.every((p) => Math.abs(p.rotation!) <= 15 && Math.abs(p.shiftX!) <= 0.2 * 28));
  assert.ok(params.every((p) => Math.abs(p.shiftY!) <= 0.2 * 28 && Math.abs(p.zoomX! - 1) <= 0.1));
  const flips = params.filter((p) => p.flip).length;
  assert.ok(flips > 900 && flips < 1100, `${flips} flips`);
  assert.ok(drawParams(DIGIT_AUGMENTATION, 100, 0).every((p) => !p.flip));
});

Deno.test("augment: no tensor leaks, input left intact", () => {
  const x = ramp(8);
  const augments = [createAugmenter(REPORT_AUGMENTATION), createAugmenter(DIGIT_AUGMENTATION)];
  const before = tf.memory().numTensors;
  for (const augment of augments) {
    for (let step = 0; step < 3; step++) augment(x, step).dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  assert.ok(!x.isDisposed);
  assert.throws(() => transformBatch(x, [{}]), /1 parameter sets for 8 images/);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("augmentedDigits: one row per digit (original + versions), mirrored versions captioned in red", async () => {
  const ds = createDataset(Float32Array.from({ length: 3 * 784 }, (_, i) => (i % 97) / 97), {
    labels: Uint8Array.from([1, 2, 3]),
  });
  const before = tf.memory().numTensors;
  const fig = await augmentedDigits(ds, { ...REPORT_AUGMENTATION, seed: 4 }, { versions: 4 });
  assert.equal(tf.memory().numTensors, before);
  const svg = fig.svg;
  assert.equal(svg.match(/<image/g)?.length, 3 * 5);
  assert.equal(svg.match(/\(original\)/g)?.length, 3);
  const flips = drawParams({ ...REPORT_AUGMENTATION, seed: 4 }, 12, 0).filter((p) => p.flip).length;
  assert.equal(svg.match(/ flip</g)?.length ?? 0, flips);
  assert.equal(describeParams({}), "same");
  assert.equal(describeParams({ rotation: -12.2, shiftX: 3, shiftY: -1, flip: true }), "-12° (3,-1) flip");
});

Deno.test("asFitTransform augments images, keeps targets, and varies draws per epoch", async () => {
  const { asFitTransform, createAugmenter } = await import("noisy-digits/train");
  const { createRandom } = await import("noisy-digits/util");
  const tf = await initBackend();
  const hook = asFitTransform(createAugmenter({ widthShiftRange: 0.2, fillMode: "constant", seed: 1 }));
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 3) as import("@tensorflow/tfjs").Tensor4D;
  const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4], "int32"), 10) as import("@tensorflow/tfjs").Tensor2D;
  const a = hook({ x, y }, { epoch: 0, step: 0, random: createRandom(1) });
  const b = hook({ x, y }, { epoch: 1, step: 0, random: createRandom(1) });
  assert.equal(a.y, y);
  assert.deepEqual(a.x.shape, [4, 28, 28, 1]);
  assert.notDeepEqual(Array.from(a.x.dataSync()), Array.from(b.x.dataSync()));
  tf.dispose([x, y, a.x, b.x]);
});
