import assert from "node:assert/strict";
import { createDataset, PIXELS } from "../lib/data/dataset.ts";
import { initBackend, tf } from "../lib/runtime/backend.ts";
import { fit } from "../lib/train/fit.ts";
import { FullBatchOptimizer, fullBatchOptimizer } from "../lib/train/full_batch.ts";
import { createRandom } from "../lib/util/random.ts";

await initBackend();

Deno.test("FullBatchOptimizer applies nothing until the batch's last slice, then the size-weighted mean", () => {
  const v = tf.variable(tf.tensor1d([1, 1]), true, "fb_v");
  // 1,200 images in slices of 500, 500 and 200; plain SGD at lr 1 makes the update the mean gradient itself.
  const opt = new FullBatchOptimizer(tf.train.sgd(1), 1200, 500);
  assert.equal(opt.slices, 3);
  opt.applyGradients({ fb_v: tf.tensor1d([1.2, 0]) });
  opt.applyGradients({ fb_v: tf.tensor1d([0, 2.4]) });
  assert.deepEqual([...v.dataSync()], [1, 1]);
  opt.applyGradients([{ name: "fb_v", tensor: tf.tensor1d([6, 6]) }]);
  // mean = (1.2 * 500 + 0 * 500 + 6 * 200) / 1200 = 1.5 and (0 + 2.4 * 500 + 6 * 200) / 1200 = 2
  const [a, b] = v.dataSync();
  assert.ok(Math.abs(a - (1 - 1.5)) < 1e-6 && Math.abs(b - (1 - 2)) < 1e-6, `${a}, ${b}`);
  assert.equal(opt.updates, 1);
  opt.dispose();
  v.dispose();
});

Deno.test("fit with a FullBatchOptimizer matches one batch of every image, and the schedule reaches the inner rate", async () => {
  const n = 120, rnd = createRandom(3);
  const px = Float32Array.from({ length: n * PIXELS }, () => rnd.next());
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const train = createDataset(px, { labels, name: "toy" });
  const build = () => {
    const m = tf.sequential();
    m.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    m.add(
      tf.layers.dense({
        units: 10,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    );
    return m;
  };
  const whole = build(), sliced = build();
  await fit(whole, train, {
    epochs: 2,
    batchSize: n,
    optimizer: { name: "sgd", learningRate: 0.5 },
    progress: "silent",
  });
  const opt = fullBatchOptimizer({ name: "sgd", learningRate: 0.1 }, n, 50);
  assert.equal(opt.sliceSize, 40); // three equal slices of at most 50
  await fit(sliced, train, {
    epochs: 2,
    batchSize: opt.sliceSize,
    optimizer: opt,
    schedule: () => 0.5,
    progress: "silent",
  });
  assert.equal(opt.learningRate, 0.5);
  assert.equal(opt.updates, 2);
  const [w1, w2] = [whole, sliced].map((m) => m.getWeights()[0].dataSync() as Float32Array);
  const diff = w1.reduce((d: number, x: number, i: number) => Math.max(d, Math.abs(x - w2[i])), 0);
  assert.ok(diff < 1e-5, `largest weight difference ${diff}`);
  opt.dispose();
  whole.dispose();
  sliced.dispose();
});
