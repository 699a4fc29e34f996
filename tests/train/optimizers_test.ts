import assert from "node:assert/strict";
import { initBackend, type tf } from "noisy-digits/runtime";
import { createOptimizer, getLearningRate, setLearningRate } from "../../lib/train/optimizers.ts"; // internal: this test reaches behind the face on purpose

await initBackend();

Deno.test("createOptimizer builds each kind with Keras' defaults", () => {
  const adam = createOptimizer({ name: "adam" });
  assert.equal(adam.getClassName(), "Adam");
  assert.equal(getLearningRate(adam), 1e-3);
  const adadelta = createOptimizer({ name: "adadelta" });
  assert.equal(adadelta.getClassName(), "Adadelta");
  assert.equal(getLearningRate(adadelta), 1e-3);
  assert.equal(createOptimizer({ name: "sgd" }).getClassName(), "SGD");
  assert.equal(getLearningRate(createOptimizer({ name: "sgd" })), 0.01);
  const momentum = createOptimizer({ name: "sgd", learningRate: 0.1, momentum: 0.9 });
  assert.equal(momentum.getClassName(), "Momentum");
  assert.equal(getLearningRate(momentum), 0.1);
  [adam, adadelta, momentum].forEach((o) => o.dispose());
});

Deno.test("setLearningRate changes the rate the next update uses, for every kind", () => {
  for (const name of ["adam", "adadelta", "sgd"] as const) {
    const o = createOptimizer({ name });
    setLearningRate(o, 5e-4);
    assert.equal(getLearningRate(o), 5e-4, name);
    o.dispose();
  }
});

Deno.test("Adam's fused update on wasm follows tfjs' Adam on cpu step by step, moments and rate changes included", async () => {
  const start = [[0.5, -1.2, 3, 0, 2.5, -0.25], [0.1, -0.3]];
  /** Five steps of a loss with gradients of varied signs and sizes; the rate changes after the second. */
  const run = async (backend: "cpu" | "wasm") => {
    const tf = await initBackend({ backend });
    const vars = start.map((v, i) => tf.variable(tf.tensor(v), true, `adam_test_${backend}_${i}`));
    const opt = createOptimizer({ name: "adam", learningRate: 0.05 });
    for (let step = 0; step < 5; step++) {
      if (step === 2) setLearningRate(opt, 0.01);
      opt.minimize(() => tf.add(tf.sum(tf.square(tf.sin(vars[0]))), tf.sum(tf.mul(vars[1], vars[1]))) as tf.Scalar);
    }
    const values = vars.map((v) => Array.from(v.dataSync()));
    const moments = opt.getWeights();
    const state = await Promise.all((await moments).map((w) => w.tensor.data()));
    opt.dispose();
    tf.dispose(vars);
    return { values, state: state.map((s) => Array.from(s)) };
  };
  const ref = await run("cpu"), got = await run("wasm");
  const near = (a: number[], b: number[], what: string) =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 * (1 + Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));
  ref.values.forEach((r, i) => near(got.values[i], r, `value ${i}`));
  assert.equal(got.state.length, ref.state.length);
  ref.state.forEach((r, i) => near(got.state[i], r, `optimizer weight ${i}`));
});

Deno.test("Adadelta's fused update on wasm follows tfjs' Adadelta on cpu step by step, accumulators included", async () => {
  const start = [[0.5, -1.2, 3, 0, 2.5, -0.25], [0.1, -0.3]];
  /** Six steps at Adadelta's original rate (1.0, so that the values move), the rate lowered after the third. */
  const run = async (backend: "cpu" | "wasm") => {
    const tf = await initBackend({ backend });
    const vars = start.map((v, i) => tf.variable(tf.tensor(v), true, `adadelta_test_${backend}_${i}`));
    const opt = createOptimizer({ name: "adadelta", learningRate: 1, rho: 0.9, epsilon: 1e-6 });
    for (let step = 0; step < 6; step++) {
      if (step === 3) setLearningRate(opt, 0.5);
      opt.minimize(() => tf.add(tf.sum(tf.square(tf.sin(vars[0]))), tf.sum(tf.mul(vars[1], vars[1]))) as tf.Scalar);
    }
    const values = vars.map((v) => Array.from(v.dataSync()));
    const state = await Promise.all((await opt.getWeights()).map((w) => w.tensor.data()));
    opt.dispose();
    tf.dispose(vars);
    return { values, state: state.map((s) => Array.from(s)) };
  };
  const ref = await run("cpu"), got = await run("wasm");
  const near = (a: number[], b: number[], what: string) =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 * (1 + Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));
  ref.values.forEach((r, i) => near(got.values[i], r, `value ${i}`));
  assert.ok(ref.values[0].some((v, i) => Math.abs(v - start[0][i]) > 1e-3), "the values moved");
  assert.equal(got.state.length, ref.state.length);
  ref.state.forEach((r, i) => near(got.state[i], r, `optimizer weight ${i}`));
});
