import assert from "node:assert/strict";
import { splitRows, splitValues, weightedSum } from "../../lib/train/parallel.ts"; // internal: the pool's arithmetic
import { type AdamUpdateAttrs, adamValues } from "../../lib/runtime/kernels/adam.ts"; // internal: Adam's arithmetic
import type { AdamStep } from "../../lib/train/optimizers.ts"; // internal: one step of the fused Adam
import { initBackend, type tf } from "noisy-digits/runtime";
import { createRandom } from "noisy-digits/util";

/** A small CNN (convolution, BatchNorm, dense) whose weights start the same at every build (seeded initialisers). */
function smallCnn(t: typeof tf) {
  const m = t.sequential();
  const seeded = (seed: number) => t.initializers.glorotUniform({ seed });
  m.add(
    t.layers.conv2d({
      filters: 4,
      kernelSize: 3,
      activation: "relu",
      inputShape: [28, 28, 1],
      kernelInitializer: seeded(1),
    }),
  );
  m.add(t.layers.batchNormalization({}));
  m.add(t.layers.flatten());
  m.add(t.layers.dense({ units: 10, activation: "softmax", kernelInitializer: seeded(2) }));
  return m;
}

/** `n` seeded random 28 x 28 images. */
function images(t: typeof tf, n: number, seed: number): tf.Tensor4D {
  const rnd = createRandom(seed);
  return t.tensor4d(Float32Array.from({ length: n * 784 }, () => rnd.next()), [n, 28, 28, 1]);
}

/** One-hot labels 0, 1, 2, ... (mod 10) of `n` rows, `classes` wide. */
function labels(t: typeof tf, n: number, classes = 10): tf.Tensor2D {
  return t.tidy(() =>
    t.oneHot(t.tensor1d(Array.from({ length: n }, (_, i) => i % 10), "int32"), classes) as tf.Tensor2D
  );
}

Deno.test("weightedSum gives the size-weighted mean of the replicas' gradients, for two parts and for more", () => {
  const a = Float32Array.of(1, -2, 0.5), b = Float32Array.of(3, 4, -0.5), c = Float32Array.of(10, 0, 1);
  assert.deepEqual(Array.from(weightedSum([a, b], [0.25, 0.75])), [2.5, 2.5, -0.25]);
  assert.deepEqual(Array.from(weightedSum([a, b, c], [0.5, 0.25, 0.25])), [3.75, 0, 0.375]);
  assert.throws(() => weightedSum([a, Float32Array.of(1, 2)], [0.5, 0.5]), /parts of 2 and 3 values/);
  // Parts that nearly cancel: summed in double and rounded once, not rounded after each part.
  const big = Float32Array.of(1e8), tiny = Float32Array.of(1);
  assert.deepEqual(Array.from(weightedSum([big, tiny, big], [1, 1, -1])), [1]);
});

Deno.test("splitRows covers every row once, in nearly equal contiguous ranges", () => {
  assert.deepEqual(splitRows(64, 2), [[0, 32], [32, 64]]);
  assert.deepEqual(splitRows(7, 3), [[0, 2], [2, 4], [4, 7]]);
});

Deno.test("splitValues cuts variables into contiguous ranges of near-equal value counts, at variable boundaries", () => {
  assert.deepEqual(splitValues([10, 10, 10, 10], 2), [[0, 2], [2, 4]]);
  // One variable larger than all the others together: the cut goes next to it.
  assert.deepEqual(splitValues([1, 2, 3, 100, 4], 2), [[0, 3], [3, 5]]);
  assert.deepEqual(splitValues([5, 5, 5, 5, 5, 5], 3), [[0, 2], [2, 4], [4, 6]]);
  // More ranges than variables: some ranges are empty, none is out of order.
  assert.deepEqual(splitValues([7], 2), [[0, 0], [0, 1]]);
});

Deno.test("adamValues sums any number of gradient parts in double precision before one Adam update", () => {
  const a: AdamUpdateAttrs = {
    learningRate: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    correction1: 1 - 0.9 ** 3,
    correction2: 1 - 0.999 ** 3,
  };
  const rnd = createRandom(9), n = 257;
  const arr = () => Float32Array.from({ length: n }, () => rnd.next() - 0.5);
  const [x, m, v, g, h] = [arr(), arr(), arr().map(Math.abs), arr(), arr()];
  const out = () => [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const two = out(), three = out();
  adamValues(a, [x, m, v], [g, h], [0.25, 0.75], two);
  adamValues(a, [x, m, v], [g, h, new Float32Array(n)], [0.25, 0.75, 0.5], three);
  assert.deepEqual(three, two, "a part of zeros changes nothing, whatever the path");
  // The formula by hand for one value, against the two-part path.
  const gi = g[5] * 0.25 + h[5] * 0.75, mi = 0.9 * m[5] + 0.1 * gi, vi = 0.999 * v[5] + (1 - 0.999) * gi * gi;
  const xi = x[5] - (a.learningRate / a.correction1) * mi / (Math.sqrt(vi / a.correction2) + 1e-7);
  assert.ok(Math.abs(two[0][5] - xi) < 1e-6, `${two[0][5]} against ${xi}`);
  assert.equal(two[1][5], Math.fround(mi));
  // In place: outputs that are the inputs give the same values.
  const [x2, m2, v2] = [x, m, v].map((t) => t.slice());
  adamValues(a, [x2, m2, v2], [g, h], [0.25, 0.75], [x2, m2, v2]);
  assert.deepEqual([x2, m2, v2], two);
  assert.throws(() => adamValues(a, [x, m, v], [g], [0.5, 0.5], out()), /1 parts, 2 shares/);
});

Deno.test("a pool step with the project's Adam shares the update out and follows the one-thread update", async () => {
  const t = await initBackend({ backend: "wasm" });
  const { createWorkerPool } = await import("../../lib/train/parallel.ts"); // internal: the pool itself
  const { applyFlatGradients } = await import("../../lib/train/step.ts"); // internal: the flat path
  const { createOptimizer } = await import("../../lib/train/optimizers.ts"); // internal: the fused Adam
  const build = () => smallCnn(t);
  const rnd = createRandom(5);
  const x = t.tensor4d(Float32Array.from({ length: 11 * 784 }, () => rnd.next()), [11, 28, 28, 1]);
  const y = t.oneHot(t.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3], "int32"), 10);
  // The shared-out update sums the gradients in double precision, the flat path in single: one step from the same
  // weights gives the same values to rounding. (Over several steps the two could part: where a gradient is near
  // zero, Adam's step is near the learning rate whatever its size, and a rounding can switch a ReLU.)
  const close = (p: tf.Tensor, q: tf.Tensor, what: string) => {
    const [u, w] = [p.dataSync() as Float32Array, q.dataSync() as Float32Array];
    u.forEach((value, k) => assert.ok(Math.abs(value - w[k]) < 1e-6, `${what}[${k}]: ${value} against ${w[k]}`));
  };
  // One worker (two parts, the fast path) and two workers (three parts, 11 rows as 3 + 4 + 4).
  for (const workers of [1, 2]) {
    const a = build(), b = build();
    const adamA = createOptimizer({ name: "adam", learningRate: 0.01 });
    const adamB = createOptimizer({ name: "adam", learningRate: 0.01 });
    // `b`'s gradients come from a pool of their own, so that `a`'s pool sees nothing but its steps: from the second
    // on, its workers are sent only the weights they lack.
    const pool = await createWorkerPool(a, workers), other = await createWorkerPool(b, workers);
    const trainable = a.trainableWeights.reduce((s, w) => s + w.read().size, 0);
    try {
      for (let step = 0; step < 4; step++) {
        b.setWeights(a.getWeights());
        const tensors = t.memory().numTensors;
        const r = await pool.step(a, adamA, x, y);
        // After the first step (which makes the moments), a step leaves no tensor behind.
        if (step > 0) assert.equal(t.memory().numTensors, tensors, "tensors left behind by a step");
        assert.equal(r.updated?.length, workers + 1, "every replica has a share of the update");
        assert.equal(r.updated!.reduce((s, n) => s + n, 0), trainable);
        assert.ok(r.updated!.every((n) => n > 0), `shares ${r.updated}`);
        const g = await other.gradients(b, x, y);
        applyFlatGradients(b, adamB, g.grads);
        const wb = b.getWeights();
        a.getWeights().forEach((w, i) => close(w, wb[i], `step ${step}, weight ${i}`));
        const [sa, sb] = [await adamA.getWeights(), await adamB.getWeights()];
        assert.equal(sa.length, sb.length);
        sa.forEach((s, i) => close(s.tensor, sb[i].tensor, `step ${step}, ${s.name}`));
        t.dispose([...sa, ...sb].filter((s) => s.name === "iter").map((s) => s.tensor)); // tfjs makes it per call
      }
    } finally {
      pool.terminate();
      other.terminate();
    }
    [adamA, adamB].forEach((o) => o.dispose());
  }
  t.dispose([x, y]);
});

Deno.test("a pool step applies, bit for bit, the batch gradient its flat path returns (BatchNorm, Adam)", async () => {
  const t = await initBackend({ backend: "wasm" });
  const { createWorkerPool } = await import("../../lib/train/parallel.ts"); // internal: the pool itself
  const { applyFlatGradients } = await import("../../lib/train/step.ts"); // internal: the flat path
  const build = () => smallCnn(t);
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

Deno.test("a pool step that fails on the main thread waits for its workers, so the next step finds them free", async () => {
  const t = await initBackend({ backend: "wasm" });
  const { createWorkerPool } = await import("../../lib/train/parallel.ts"); // internal: the pool itself
  const { createOptimizer } = await import("../../lib/train/optimizers.ts"); // internal: the fused Adam
  const model = smallCnn(t), adam = createOptimizer({ name: "adam" });
  const x = images(t, 8, 6), y = labels(t, 8), wrong = labels(t, 8, 11); // 11 classes against 10 outputs
  const pool = await createWorkerPool(model, 1);
  try {
    await assert.rejects(() => pool.step(model, adam, x, wrong));
    const r = await pool.step(model, adam, x, y);
    assert.ok(Number.isFinite(r.loss), `the next step trains: loss ${r.loss}`);
  } finally {
    pool.terminate();
  }
  t.dispose([x, y, wrong]);
  adam.dispose();
});

Deno.test("after a failed pool step the next steps train as, bit for bit, a pool whose steps never failed", async () => {
  const t = await initBackend({ backend: "wasm" });
  const { createWorkerPool } = await import("../../lib/train/parallel.ts"); // internal: the pool itself
  const { createOptimizer } = await import("../../lib/train/optimizers.ts"); // internal: the fused Adam
  const x = images(t, 9, 7), y = labels(t, 9), wrong = labels(t, 9, 11); // 11 classes against 10 outputs
  for (const workers of [1, 2]) {
    const a = smallCnn(t), b = smallCnn(t);
    const adamA = createOptimizer({ name: "adam", learningRate: 0.01 });
    const adamB = createOptimizer({ name: "adam", learningRate: 0.01 });
    const poolA = await createWorkerPool(a, workers), poolB = await createWorkerPool(b, workers);
    try {
      // `a` fails before its second step on every replica (labels of the wrong width), before its third on the main
      // thread alone, whose workers then wait for it until it gives the step up, and before its fourth halfway through
      // the update; otherwise it takes the steps `b` takes, and every step trains on the same weights.
      for (let step = 0; step < 5; step++) {
        if (step === 1) await assert.rejects(() => poolA.step(a, adamA, x, wrong));
        if (step === 2) {
          const apply = a.apply;
          a.apply = () => {
            throw new Error("the main thread fails");
          };
          const failed = assert.rejects(() => poolA.step(a, adamA, x, y), /the main thread fails/);
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise((_, reject) => timer = setTimeout(() => reject(new Error("step hangs")), 30_000));
          await Promise.race([failed, late]).finally(() => clearTimeout(timer));
          a.apply = apply;
        }
        if (step === 3) {
          // The main thread fails on its own share of the update after the workers have done theirs (a moment it
          // cannot read), so the workers hold new values of their variables that the main thread never took.
          const fused = adamA as unknown as { begin(names: string[]): AdamStep };
          const begin = fused.begin, unreadable = t.zeros([1], "int32");
          fused.begin = (names) => {
            const s = begin.call(fused, names);
            return { ...s, moments: s.moments.map(([m, v], j) => [j === 0 ? unreadable as tf.Variable : m, v]) };
          };
          await assert.rejects(() => poolA.step(a, adamA, x, y));
          fused.begin = begin;
          unreadable.dispose();
        }
        await poolA.step(a, adamA, x, y);
        await poolB.step(b, adamB, x, y);
        // The trained weights (the failed step's forward pass did move `a`'s BatchNorm statistics).
        const wb = b.trainableWeights.map((w) => w.read());
        a.trainableWeights.map((w) => w.read()).forEach((w, i) =>
          assert.deepEqual(w.dataSync(), wb[i].dataSync(), `${workers} worker(s), step ${step}, weight ${i}`)
        );
      }
    } finally {
      poolA.terminate();
      poolB.terminate();
    }
    [adamA, adamB].forEach((o) => o.dispose());
  }
  t.dispose([x, y, wrong]);
});

Deno.test("a pool takes one call at a time: a second call before the first settles is refused, not left hanging", async () => {
  const t = await initBackend({ backend: "wasm" });
  const { createWorkerPool } = await import("../../lib/train/parallel.ts"); // internal: the pool itself
  const { createOptimizer } = await import("../../lib/train/optimizers.ts"); // internal: the fused Adam
  const model = smallCnn(t), adam = createOptimizer({ name: "adam" });
  const x = images(t, 8, 8), y = labels(t, 8);
  const pool = await createWorkerPool(model, 1);
  try {
    const first = pool.step(model, adam, x, y);
    await assert.rejects(() => pool.step(model, adam, x, y), /worker pool busy/);
    await assert.rejects(() => pool.predict(model, new Float32Array(4 * 784), 4), /worker pool busy/);
    assert.ok(Number.isFinite((await first).loss), "the first step trains");
    const r = await pool.step(model, adam, x, y);
    assert.ok(Number.isFinite(r.loss), `the next step trains: loss ${r.loss}`);
  } finally {
    pool.terminate();
  }
  t.dispose([x, y]);
  adam.dispose();
});
