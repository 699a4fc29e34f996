import assert from "node:assert/strict";
import { initBackend, tf } from "noisy-digits/runtime";
import {
  CLEAN_DIGIT_GEOMETRY,
  describeGeometry,
  digitAugmentationPlan,
  freshNoiseTransform,
  NO_GEOMETRY,
} from "noisy-digits/train";
import { createDataset, generateData, loadTrain, PIXELS, subset } from "noisy-digits/data";
import { createRandom } from "noisy-digits/util";

await initBackend();

function cleanBatch(n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  // A bright vertical bar in the middle of a black image.
  const values = new Float32Array(n * PIXELS);
  for (let i = 0; i < n; i++) for (let r = 4; r < 24; r++) values[i * PIXELS + r * 28 + 14] = 1;
  return {
    x: tf.tensor4d(values, [n, 28, 28, 1]),
    y: tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 10), "int32"), 10) as tf.Tensor2D,
  };
}

Deno.test("fresh noise without geometry is max(digit, uniform noise), new noise every epoch", () => {
  const { x, y } = cleanBatch(16);
  const hook = freshNoiseTransform({ seed: 5 });
  const ctx = (epoch: number) => ({ epoch, step: 3, random: createRandom(1) });
  const a = hook({ x, y }, ctx(0)), again = hook({ x, y }, ctx(0)), b = hook({ x, y }, ctx(1));
  const clean = x.dataSync(), out = a.x.dataSync();
  let background = 0, backgroundSum = 0;
  for (let i = 0; i < out.length; i++) {
    assert.ok(out[i] >= clean[i] && out[i] <= 1, `pixel ${i}: ${out[i]} vs clean ${clean[i]}`);
    if (clean[i] === 1) assert.equal(out[i], 1);
    else (background++, backgroundSum += out[i]);
  }
  // The background is Uniform[0, 1]: mean 0.5 (±0.01 over ~12,000 pixels).
  assert.ok(Math.abs(backgroundSum / background - 0.5) < 0.01, `background mean ${backgroundSum / background}`);
  assert.deepEqual(Array.from(again.x.dataSync()), Array.from(out));
  assert.notDeepEqual(Array.from(b.x.dataSync()), Array.from(out));
  assert.equal(a.y, y);
  tf.dispose([x, y, a.x, again.x, b.x]);
});

Deno.test("fresh noise moves the clean digit before drawing the background", () => {
  const { x, y } = cleanBatch(32);
  const before = tf.memory().numTensors;
  const moved = freshNoiseTransform({ ...CLEAN_DIGIT_GEOMETRY, seed: 2 })({ x, y }, {
    epoch: 0,
    step: 0,
    random: createRandom(1),
  });
  assert.equal(tf.memory().numTensors, before + 1, "only the output tensor is new");
  const out = moved.x.dataSync();
  // The bar's column 14 stays saturated in far fewer images once digits are shifted and rotated.
  let untouched = 0;
  for (let i = 0; i < 32; i++) {
    let full = true;
    for (let r = 4; r < 24; r++) if (out[i * PIXELS + r * 28 + 14] < 0.999) full = false;
    if (full) untouched++;
  }
  assert.ok(untouched < 8, `${untouched} of 32 images kept the bar in place`);
  tf.dispose([x, y, moved.x]);
});

Deno.test("digitAugmentationPlan falls back to noisy-image augmentation without clean originals", async () => {
  const rng = createRandom(9);
  const pixels = Float32Array.from({ length: 20 * PIXELS }, () => rng.next());
  const labelled = createDataset(pixels, {
    name: "not from the synthesis",
    labels: Uint8Array.from({ length: 20 }, (_, i) => i % 10),
  });
  const plan = await digitAugmentationPlan(labelled, [0, 2, 4, 6, 8, 10], { count: 4 });
  assert.equal(plan.kind, "noisy");
  assert.equal(plan.train.count, 4);
  assert.deepEqual(Array.from(plan.train.labels!), [0, 2, 4, 6]);
  assert.match(plan.description, /no clean originals/);
});

Deno.test("digitAugmentationPlan: a geometry that does not move digits gives fresh noise only, or the images as they are", async () => {
  const rng = createRandom(4);
  const labelled = createDataset(Float32Array.from({ length: 6 * PIXELS }, () => rng.next()), {
    name: "not from the synthesis",
    labels: Uint8Array.from({ length: 6 }, (_, i) => i),
  });
  const plan = await digitAugmentationPlan(labelled, [0, 1, 2], { geometry: NO_GEOMETRY });
  assert.equal(plan.kind, "noisy");
  assert.match(plan.description, /used as they are/);
  const x = tf.tensor4d(plan.train.pixels, [3, 28, 28, 1]), y = tf.zeros([3, 10]) as tf.Tensor2D;
  const out = plan.transform({ x, y }, { epoch: 0, step: 0, random: createRandom(1) });
  assert.equal(out.x, x, "the batch is passed through untouched");
  tf.dispose([x, y]);
  const moved = await digitAugmentationPlan(labelled, [0, 1, 2], { geometry: { rotationRange: 5, zoomRange: 0.05 } });
  assert.match(moved.description, /rotation 5°, zoom 5 %, noise fill/);
  assert.equal(moved.augment.interpolation, "nearest", "noisy images keep nearest sampling");
  assert.equal(moved.augment.widthShiftRange, 0);
});

Deno.test("digitAugmentationPlan uses recovered originals by default, the noisy images with useOriginals: false", async () => {
  const dir = await Deno.makeTempDir();
  const synthesis = { trainCount: 40, testCount: 10, seed: 3 };
  try {
    await generateData({ ...synthesis, dir, progress: "silent" });
    const labelled = await loadTrain({ dataDir: dir, cache: false });
    const rows = [1, 5, 9, 13];
    const withOriginals = await digitAugmentationPlan(labelled, rows, { synthesis });
    assert.equal(withOriginals.kind, "fresh-noise");
    const noisyOnly = await digitAugmentationPlan(labelled, rows, { synthesis, useOriginals: false });
    assert.equal(noisyOnly.kind, "noisy");
    assert.match(noisyOnly.description, /competition files only/);
    assert.deepEqual(noisyOnly.train.pixels, subset(labelled, rows, "rows").pixels, "the noisy rows themselves");
    assert.notDeepEqual(withOriginals.train.pixels, noisyOnly.train.pixels);
    assert.deepEqual(Array.from(noisyOnly.train.labels!), Array.from(withOriginals.train.labels!));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("describeGeometry names each movement, or none", () => {
  assert.equal(describeGeometry(NO_GEOMETRY), "not moved");
  assert.equal(describeGeometry(CLEAN_DIGIT_GEOMETRY), "rotation 10°, shift 10 %, zoom 10 %");
});
