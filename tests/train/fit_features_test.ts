import assert from "node:assert/strict";
import { initBackend } from "noisy-digits/runtime";
import type { Features } from "noisy-digits/networks";
import { accuracyOnFeatures, fitOnFeatures, predictOnFeatures } from "noisy-digits/train";
import { createRandom } from "noisy-digits/util";
import { softmaxHead } from "../support/models.ts";

await initBackend();

/** Feature maps of shape [1, 1, 4]: class k lights up feature k % 4 (classes 0-3 only). */
function features(count: number, seed: number, labelled = true): Features {
  const rng = createRandom(seed), dim = 4;
  const values = new Float32Array(count * dim), labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 4;
    for (let j = 0; j < dim; j++) values[i * dim + j] = (j === labels[i] ? 2 : 0) + 0.1 * rng.next();
  }
  return { count, dim, shape: [1, 1, dim], values, labels: labelled ? labels : null, seconds: 0 };
}

Deno.test("fitOnFeatures trains a head on features, one history row per epoch, validation included", async () => {
  const model = softmaxHead([1, 1, 4], 1);
  const run = await fitOnFeatures(model, features(64, 1), {
    epochs: 30,
    learningRate: 0.05,
    validation: features(32, 2),
  });
  assert.equal(run.history.epoch.length, 30);
  assert.equal(run.history.valAccuracy.length, 30);
  assert.ok(run.history.loss[29] < run.history.loss[0], "the loss falls");
  assert.ok(run.seconds > 0);
  assert.equal(accuracyOnFeatures(model, features(32, 3)), 1);
  assert.deepEqual([...predictOnFeatures(model, features(8, 4, false))], [0, 1, 2, 3, 0, 1, 2, 3]);
  model.dispose();
});

Deno.test("fitOnFeatures and accuracyOnFeatures refuse features without labels", async () => {
  const model = softmaxHead([1, 1, 4], 2);
  await assert.rejects(() => fitOnFeatures(model, features(8, 1, false), { epochs: 1 }), /without labels/);
  assert.throws(() => accuracyOnFeatures(model, features(8, 1, false)), /without labels/);
  model.dispose();
});

Deno.test("fitOnFeatures is reproducible: the same seed trains the same head, another seed another", async () => {
  const run = async (seed: number) => {
    const model = softmaxHead([1, 1, 4], 5);
    const { history } = await fitOnFeatures(model, features(40, 4), { epochs: 3, batchSize: 8, seed });
    model.dispose();
    return history.loss;
  };
  const a = await run(1), b = await run(1), c = await run(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("fitOnFeatures trains with the optimizer it is given (the report's SGD and Adadelta at 1e-4)", async () => {
  const frozen = softmaxHead([1, 1, 4], 3);
  const before = frozen.getWeights().map((w) => [...w.dataSync()]);
  const still = await fitOnFeatures(frozen, features(64, 1), {
    epochs: 3,
    optimizer: { name: "sgd", learningRate: 0 },
  });
  assert.deepEqual(frozen.getWeights().map((w) => [...w.dataSync()]), before, "SGD at rate 0 changes nothing");
  assert.deepEqual(still.history.lr, [0, 0, 0]);
  const slow = softmaxHead([1, 1, 4], 3);
  const run = await fitOnFeatures(slow, features(64, 1), {
    epochs: 2,
    optimizer: { name: "adadelta", learningRate: 1e-4 },
  });
  assert.deepEqual(run.history.lr, [1e-4, 1e-4]);
  assert.notDeepEqual(slow.getWeights().map((w) => [...w.dataSync()]), before, "Adadelta moves the weights");
  frozen.dispose();
  slow.dispose();
});
