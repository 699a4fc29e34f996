import assert from "node:assert/strict";
import { initBackend, tf } from "noisy-digits/runtime";
import {
  countParams,
  denoisingAutoencoder,
  denseNet,
  embeddings,
  fourConvCnn,
  summary,
  threeBlockCnn,
} from "noisy-digits/networks";
import { lastHiddenLayer } from "../../lib/networks/embeddings.ts"; // internal: this test reaches behind the face on purpose
import { denoise, fitDenoiser, predictProba, withFreshNoise } from "noisy-digits/train";
import { createDataset, PIXELS } from "noisy-digits/data";
import { createRandom } from "noisy-digits/util";

await initBackend();

/** Clean "digits": class c is a bright vertical bar at column 4 + 2c (a few rows long). */
function bars(n: number) {
  const pixels = new Float32Array(n * PIXELS), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    for (let r = 6; r < 22; r++) pixels[i * PIXELS + r * 28 + 4 + 2 * labels[i]] = 1;
  }
  return createDataset(pixels, { name: "bars", labels });
}

Deno.test("fourConvCnn: denseUnits widens only the hidden dense layer", () => {
  const base = countParams(fourConvCnn()).total, wide = countParams(fourConvCnn({ denseUnits: 200 })).total;
  assert.equal(base, 273_686);
  // 128 -> 200 and 200 -> 10 instead of 128 -> 100 and 100 -> 10.
  assert.equal(wide - base, 100 * 128 + 100 + 100 * 10);
});

Deno.test("threeBlockCnn: three conv blocks, the last one on 7x7 maps, then average pooling and softmax", () => {
  const model = threeBlockCnn({ seed: 1, inputPowers: [1, 16] });
  assert.equal(countParams(model).total, 647_626);
  const text = summary(model);
  // Two poolings only: the third block's convolutions read 7x7 maps, 192 channels wide.
  assert.match(text, /conv2d_5 \(Conv2D\)\s+\(None, 7, 7, 192\)\s+331,968/);
  assert.equal(model.layers.filter((l) => l.getClassName() === "MaxPooling2D").length, 2);
  const narrow = threeBlockCnn({ widths: [32, 64, 128] });
  assert.deepEqual(narrow.outputs[0].shape, [null, 10]);
  // Without pixel powers the first convolution reads one channel: 3x3x1x32 + 32 weights.
  assert.equal(narrow.layers[0].countParams(), 3 * 3 * 32 + 32);
  const out = model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
  for (const s of (out.sum(1) as tf.Tensor).dataSync()) assert.ok(Math.abs(s - 1) < 1e-5);
  tf.dispose([out]);
  model.dispose();
  narrow.dispose();
});

Deno.test("denseNet: flatten, hidden relu layers, softmax over 10 classes", () => {
  const model = denseNet({ hidden: [512, 256], seed: 1 });
  assert.equal(countParams(model).total, 535_818);
  const out = model.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor;
  assert.deepEqual(out.shape, [3, 10]);
  const sums = (out.sum(1) as tf.Tensor).dataSync();
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
  out.dispose();
});

Deno.test("embeddings: the last hidden layer's activations, one row per image", () => {
  const model = fourConvCnn({ seed: 2 });
  assert.equal(lastHiddenLayer(model), "dense");
  const ds = bars(30);
  const before = tf.memory().numTensors;
  const m = embeddings(model, ds, { batchSize: 8 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(m.rows, 30);
  assert.equal(m.cols, 100);
  // Same input -> same features: images 0 and 10 are both class 0 bars.
  assert.deepEqual(Array.from(m.data.subarray(0, 100)), Array.from(m.data.subarray(1000, 1100)));
  assert.notDeepEqual(Array.from(m.data.subarray(0, 100)), Array.from(m.data.subarray(100, 200)));
});

Deno.test("denoiser: learns to remove the noise from max(digit, u) images", async () => {
  const clean = bars(64);
  const model = denoisingAutoencoder({ filters: [8, 8], seed: 3 });
  const history = await fitDenoiser(model, clean, {
    epochs: 12,
    batchSize: 16,
    learningRate: 1e-2,
    progress: "silent",
  });
  assert.ok(history.loss.at(-1)! < history.loss[0] * 0.7, `loss ${history.loss.map((l) => l.toFixed(3))}`);
  // Fresh noisy versions of the same digits: the denoised images are much closer to the clean ones.
  const x = tf.tensor4d(clean.pixels, [64, 28, 28, 1]);
  const noisy = withFreshNoise(x, 99);
  const noisyDs = createDataset(noisy.dataSync() as Float32Array, { name: "noisy", labels: clean.labels! });
  const cleaned = denoise(model, noisyDs);
  assert.deepEqual(Array.from(cleaned.labels!), Array.from(clean.labels!));
  const mse = (a: Float32Array) => a.reduce((s, v, i) => s + (v - clean.pixels[i]) ** 2, 0) / a.length;
  assert.ok(mse(cleaned.pixels) < mse(noisyDs.pixels) / 3, `mse ${mse(cleaned.pixels)} vs ${mse(noisyDs.pixels)}`);
  tf.dispose([x, noisy]);
});

Deno.test("predictProba on worker replicas gives the main-thread probabilities", async () => {
  const model = fourConvCnn({ seed: 4 });
  const rng = createRandom(5);
  const ds = createDataset(Float32Array.from({ length: 40 * PIXELS }, () => rng.next()), { name: "random" });
  const single = await predictProba(model, ds);
  const parallel = await predictProba(model, ds, { workers: 1, batchSize: 8 });
  assert.equal(parallel.length, single.length);
  for (let i = 0; i < single.length; i++) assert.ok(Math.abs(parallel[i] - single[i]) < 1e-5);
});

Deno.test("averageProbabilities averages row by row and refuses mismatched lengths", async () => {
  const { averageProbabilities } = await import("../../lib/train/predict.ts"); // internal: this test reaches behind the face on purpose
  const a = Float32Array.from([1, 0, 0.5, 0.5]), b = Float32Array.from([0, 1, 0.5, 0.5]);
  assert.deepEqual(Array.from(averageProbabilities([a, b])), [0.5, 0.5, 0.5, 0.5]);
  assert.throws(() => averageProbabilities([a, Float32Array.from([1])]), /lengths/);
  assert.throws(() => averageProbabilities([]), /nothing/);
});

Deno.test("withLabels attaches a solution and refuses a wrong count", async () => {
  const { withLabels } = await import("noisy-digits/data");
  const ds = createDataset(new Float32Array(3 * PIXELS), { name: "test" });
  assert.deepEqual(Array.from(withLabels(ds, Uint8Array.from([1, 2, 3])).labels!), [1, 2, 3]);
  assert.throws(() => withLabels(ds, Uint8Array.from([1])), /3 images but 1 labels/);
});
