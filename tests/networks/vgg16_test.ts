import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, tf } from "noisy-digits/runtime";
import {
  cachedFeatures,
  extractFeatures,
  loadVggWeights,
  VGG16_BASE_PARAMS,
  vgg16Base,
  vgg16Head,
} from "noisy-digits/networks";
import { IMAGENET_BGR_MEANS, toVggInput } from "../../lib/networks/vgg16.ts"; // internal: this test reaches behind the face on purpose
import { weightsFingerprint } from "../../lib/networks/features.ts"; // internal: this test reaches behind the face on purpose
import { createDataset, fingerprint } from "noisy-digits/data";

await initBackend();

// Built once for all tests: building the 14.7M-parameter base takes seconds.
const base = vgg16Base({ seed: 1 });

/** Writes `model` as a tfjs layers-model (`model.json` + one shard) in `dir`, as tfjs' `model.save` lays it out. */
async function saveNetwork(model: tf.LayersModel, dir: string): Promise<string> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData;
    const parts = Array.isArray(data) ? data : [data!];
    const bytes = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
    let off = 0;
    for (const p of parts) {
      bytes.set(new Uint8Array(p), off);
      off += p.byteLength;
    }
    await Deno.writeFile(join(dir, "weights.bin"), bytes);
    const json = {
      modelTopology: artifacts.modelTopology,
      format: "layers-model",
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
    };
    await Deno.writeTextFile(join(dir, "model.json"), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  return join(dir, "model.json");
}

function noisyDataset(count: number, seed = 1): ReturnType<typeof createDataset> {
  let s = seed;
  const pixels = Float32Array.from({ length: count * 784 }, () => ((s = (s * 16807) % 2147483647) / 2147483647));
  return createDataset(pixels, { name: `noise${seed}`, labels: Uint8Array.from({ length: count }, (_, i) => i % 10) });
}

Deno.test("vgg16: base has Keras' 13 convolutions in 5 blocks and 14,714,688 parameters at 32x32x3", () => {
  assert.equal(base.countParams(), VGG16_BASE_PARAMS);
  assert.equal(VGG16_BASE_PARAMS, 14_714_688);
  assert.deepEqual(base.outputs[0].shape, [null, 1, 1, 512]);
  const convs = base.layers.filter((l) => l.name.includes("_conv"));
  const pools = base.layers.filter((l) => l.name.endsWith("_pool"));
  assert.equal(convs.length, 13);
  assert.equal(pools.length, 5);
  assert.equal(base.layers[0].name, "block1_conv1");
  assert.equal(base.layers.at(-1)!.name, "block5_pool");
  assert.equal(base.trainable, false);
});

Deno.test("vgg16: the report's head (Flatten, Dropout .125, Dense 100, Dropout .5, Dense 10 softmax)", () => {
  const head = vgg16Head();
  assert.deepEqual(head.layers.map((l) => l.getClassName()), ["Flatten", "Dropout", "Dense", "Dropout", "Dense"]);
  assert.equal(head.countParams(), 512 * 100 + 100 + 100 * 10 + 10);
  const config = head.layers.map((l) => l.getConfig());
  assert.equal(config[1].rate, 0.125);
  assert.equal(config[2].activation, "linear");
  assert.equal(config[3].rate, 0.5);
  assert.equal(config[4].activation, "softmax");
  assert.equal(head.layers[4].name, "predictions");
  const y = head.predict(tf.ones([2, 1, 1, 512])) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 10]);
  tf.dispose([y, ...head.weights.map((w) => w.read())]);
});

Deno.test("vgg16: toVggInput pads 2 px each side, repeats the channel, applies caffe preprocessing", () => {
  const ds = noisyDataset(2);
  const x = toVggInput(ds, { start: 1, count: 1 });
  assert.deepEqual(x.shape, [1, 32, 32, 3]);
  const v = x.dataSync();
  const at = (r: number, c: number, ch: number) => v[(r * 32 + c) * 3 + ch];
  for (let ch = 0; ch < 3; ch++) {
    assert.ok(Math.abs(at(0, 0, ch) - (0.5 * 255 - IMAGENET_BGR_MEANS[ch])) < 1e-3);
    // Pixel (r, c) of image 1 sits at (r + 2, c + 2).
    const p = ds.pixels[784 + 5 * 28 + 7];
    assert.ok(Math.abs(at(7, 9, ch) - (p * 255 - IMAGENET_BGR_MEANS[ch])) < 1e-3);
  }
  const raw = toVggInput(ds, { preprocess: "none", padValue: 0 });
  assert.equal(raw.dataSync()[(2 * 32 + 2) * 3 + 1], ds.pixels[0]);
  assert.equal(raw.dataSync()[0], 0);
  const unscaled = toVggInput(ds, { preprocess: "caffe-unscaled" }).dataSync();
  assert.ok(Math.abs(unscaled[(2 * 32 + 2) * 3 + 2] - (ds.pixels[0] - IMAGENET_BGR_MEANS[2])) < 1e-4);
  const resized = toVggInput(ds, { mode: "resize", preprocess: "none" });
  assert.deepEqual(resized.shape, [2, 32, 32, 3]);
  tf.dispose([x, raw, resized]);
});

Deno.test("vgg16: weights saved to a local tfjs model file load back into the base (same outputs)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const x = toVggInput(noisyDataset(2));
    const before = base.predict(x) as tf.Tensor;
    const path = await saveNetwork(base, dir);
    // Overwrite the first and last convolutions, check outputs change, then load the file back.
    const saved = base.getWeights().map((w) => w.clone());
    const first = base.getLayer("block1_conv1"), last = base.getLayer("block5_conv3");
    first.setWeights(first.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.1, "float32", 3)));
    last.setWeights(last.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.1, "float32", 4)));
    const changed = base.predict(x) as tf.Tensor;
    assert.ok(tf.max(tf.abs(tf.sub(changed, before))).dataSync()[0] > 1e-3);
    const report = await loadVggWeights(base, path);
    assert.equal(report.layers.length, 13);
    assert.deepEqual(report.unused, []);
    const after = base.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(after.dataSync()), Array.from(before.dataSync()));
    const now = base.getWeights();
    saved.forEach((w, i) => assert.equal(fingerprint(w.dataSync()), fingerprint(now[i].dataSync())));
    tf.dispose([x, before, changed, after, ...saved]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vgg16: loading reports a shape mismatch or a missing weight by layer name, and lists unused weights", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const small = tf.sequential();
    small.add(tf.layers.conv2d({ inputShape: [8, 8, 3], name: "block1_conv1", filters: 4, kernelSize: 3 }));
    small.add(tf.layers.flatten({ name: "flatten" }));
    small.add(tf.layers.dense({ name: "fc1", units: 2 }));
    const path = await saveNetwork(small, dir);
    await assert.rejects(
      () => loadVggWeights(base, path),
      /shape mismatch for block1_conv1\/kernel.*\[3,3,3,4\].*\[3,3,3,64\]/,
    );
    const target = tf.sequential();
    target.add(tf.layers.conv2d({ inputShape: [8, 8, 3], name: "block1_conv1", filters: 4, kernelSize: 3 }));
    target.add(tf.layers.conv2d({ name: "block1_conv2", filters: 4, kernelSize: 3 }));
    await assert.rejects(() => loadVggWeights(target, path), /no weight "block1_conv2\/kernel"/);
    const only = tf.sequential();
    only.add(tf.layers.conv2d({ inputShape: [8, 8, 3], name: "block1_conv1", filters: 4, kernelSize: 3 }));
    const report = await loadVggWeights(only, path);
    assert.deepEqual(report.layers, ["block1_conv1"]);
    assert.deepEqual(report.unused.sort(), ["fc1/bias", "fc1/kernel"]);
    await assert.rejects(() => loadVggWeights(only, join(dir, "absent.json")), /cannot read tfjs model file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vgg16: features are cached on disk per (weights, data set) and re-read identically", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ds = noisyDataset(3, 5);
    const before = tf.memory().numTensors;
    const direct = await extractFeatures(base, ds, { batchSize: 2, progress: false });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(direct.dim, 512);
    assert.equal(direct.values.length, 3 * 512);
    const first = await cachedFeatures(base, ds, { dir, batchSize: 2, progress: false });
    assert.equal(first.cached, false);
    assert.deepEqual(Array.from(first.values), Array.from(direct.values));
    const second = await cachedFeatures(base, ds, { dir, progress: false });
    assert.equal(second.cached, true);
    assert.deepEqual(Array.from(second.values), Array.from(direct.values));
    assert.deepEqual(second.labels, ds.labels);
    // Another data set or other input options are other entries.
    assert.equal((await cachedFeatures(base, noisyDataset(3, 6), { dir, progress: false })).cached, false);
    assert.equal((await cachedFeatures(base, ds, { dir, progress: false, preprocess: "none" })).cached, false);
    assert.equal((await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.name.endsWith(".ndc")).length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("features: the weights fingerprint follows the weight values", () => {
  const small = (seed: number) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [4], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
    return m;
  };
  const a = small(1), b = small(1), c = small(2);
  assert.equal(weightsFingerprint(a), weightsFingerprint(b));
  assert.notEqual(weightsFingerprint(a), weightsFingerprint(c));
  const kernel = a.layers[0].getWeights();
  a.layers[0].setWeights([tf.add(kernel[0], 1e-3), kernel[1]]);
  assert.notEqual(weightsFingerprint(a), weightsFingerprint(b));
  assert.equal(fingerprint(new Uint8Array([1, 2, 3, 4, 5])), fingerprint(new Uint8Array([1, 2, 3, 4, 5])));
  assert.notEqual(fingerprint(new Uint8Array([1, 2, 3, 4, 5])), fingerprint(new Uint8Array([1, 2, 3, 4, 6])));
});

Deno.test("vgg16: toVggInput resize mode reads column-major data upright", () => {
  const rows = noisyDataset(1);
  const cols = createDataset(new Float32Array(784), { pixelOrder: "column-major" });
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) cols.pixels[c * 28 + r] = rows.pixels[r * 28 + c];
  const a = toVggInput(rows, { mode: "resize" }), b = toVggInput(cols, { mode: "resize" });
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  tf.dispose([a, b]);
});
