import assert from "node:assert/strict";
import { splitRows, weightedSum } from "../../lib/train/parallel.ts"; // internal: the pool's arithmetic
import { initBackend } from "noisy-digits/runtime";
import { createRandom } from "noisy-digits/util";

Deno.test("weightedSum gives the size-weighted mean of the replicas' gradients, for two parts and for more", () => {
  const a = Float32Array.of(1, -2, 0.5), b = Float32Array.of(3, 4, -0.5), c = Float32Array.of(10, 0, 1);
  assert.deepEqual(Array.from(weightedSum([a, b], [0.25, 0.75])), [2.5, 2.5, -0.25]);
  assert.deepEqual(Array.from(weightedSum([a, b, c], [0.5, 0.25, 0.25])), [3.75, 0, 0.375]);
  assert.throws(() => weightedSum([a, Float32Array.of(1, 2)], [0.5, 0.5]), /parts of 2 and 3 values/);
});

Deno.test("splitRows covers every row once, in nearly equal contiguous ranges", () => {
  assert.deepEqual(splitRows(64, 2), [[0, 32], [32, 64]]);
  assert.deepEqual(splitRows(7, 3), [[0, 2], [2, 4], [4, 7]]);
});

Deno.test("a pool step applies, bit for bit, the batch gradient its flat path returns (BatchNorm, Adam)", async () => {
  const t = await initBackend({ backend: "wasm" });
  const { createWorkerPool } = await import("../../lib/train/parallel.ts"); // internal: the pool itself
  const { applyFlatGradients } = await import("../../lib/train/step.ts"); // internal: the flat path
  const build = () => {
    const m = t.sequential();
    m.add(
      t.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1], seed: 1 } as never),
    );
    m.add(t.layers.batchNormalization({}));
    m.add(t.layers.flatten());
    m.add(t.layers.dense({ units: 10, activation: "softmax" }));
    return m;
  };
  const rnd = createRandom(4);
  // 11 rows: the replicas take 5 and 6, so their shares differ.
  const x = t.tensor4d(Float32Array.from({ length: 11 * 784 }, () => rnd.next()), [11, 28, 28, 1]);
  const y = t.oneHot(t.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3], "int32"), 10);
  const a = build(), b = build();
  b.setWeights(a.getWeights());
  const adamA = t.train.adam(0.01), adamB = t.train.adam(0.01);
  const pool = await createWorkerPool(a, 1);
  try {
    for (let step = 0; step < 3; step++) {
      await pool.step(a, adamA, x, y);
      const g = await pool.gradients(b, x, y);
      applyFlatGradients(b, adamB, g.grads);
    }
  } finally {
    pool.terminate();
  }
  const wb = b.getWeights();
  a.getWeights().forEach((w, i) => {
    assert.deepEqual(Array.from(w.dataSync()), Array.from(wb[i].dataSync()), `weight ${i} (${w.shape})`);
  });
  t.dispose([x, y]);
  [adamA, adamB].forEach((o) => o.dispose());
});

Deno.test("applyFlatGradients refuses a flat gradient longer than the trainable weights, and leaves them as they were", async () => {
  const t = await initBackend({ backend: "wasm" });
  const { applyFlatGradients } = await import("../../lib/train/step.ts"); // internal: the flat path
  const m = t.sequential();
  m.add(t.layers.dense({ units: 2, inputShape: [3] }));
  const before = m.getWeights().map((w) => Array.from(w.dataSync()));
  const sgd = t.train.sgd(1), tensors = t.memory().numTensors;
  assert.throws(
    () => applyFlatGradients(m, sgd, new Float32Array(9)),
    /9 gradient values for 8 trainable weights/,
  );
  assert.equal(t.memory().numTensors, tensors, "no tensor left behind");
  assert.deepEqual(m.getWeights().map((w) => Array.from(w.dataSync())), before);
  sgd.dispose();
});
