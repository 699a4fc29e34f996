import assert from "node:assert/strict";
import { initBackend, type tf } from "noisy-digits/runtime";
import { createOptimizer, getLearningRate, type OptimizerSpec, setLearningRate } from "../../lib/train/optimizers.ts"; // internal: this test reaches behind the face on purpose

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

const start = [[0.5, -1.2, 3, 0, 2.5, -0.25], [0.1, -0.3]];

/**
 * `steps` updates of `spec` on `backend`, on a loss with gradients of varied signs and sizes (sin² of the first
 * variable, the square of the second); when `change` is given the rate is set to `change.rate` before step
 * `change.at`, and `state`, when given, sets the optimizer's weights first. Returns the variables' values and the
 * optimizer's weights.
 */
async function runOn(
  backend: "cpu" | "wasm",
  spec: OptimizerSpec,
  steps: number,
  change?: { at: number; rate: number },
  state?: (t: typeof tf) => Parameters<tf.Optimizer["setWeights"]>[0],
) {
  const tf = await initBackend({ backend });
  const vars = start.map((v, i) => tf.variable(tf.tensor(v), true, `${spec.name}_test_${backend}_${i}`));
  const opt = createOptimizer(spec);
  if (state) await opt.setWeights(state(tf));
  for (let step = 0; step < steps; step++) {
    if (step === change?.at) setLearningRate(opt, change.rate);
    opt.minimize(() => tf.add(tf.sum(tf.square(tf.sin(vars[0]))), tf.sum(tf.mul(vars[1], vars[1]))) as tf.Scalar);
  }
  const values = vars.map((v) => Array.from(v.dataSync()));
  const weights = await Promise.all((await opt.getWeights()).map((w) => w.tensor.data()));
  opt.dispose();
  tf.dispose(vars);
  return { values, state: weights.map((w) => Array.from(w)) };
}

/** {@linkcode runOn} on the cpu backend (the reference) and on wasm (the fused kernel). */
async function cpuAgainstFused(
  spec: OptimizerSpec,
  steps: number,
  change: { at: number; rate: number },
  state?: (t: typeof tf) => Parameters<tf.Optimizer["setWeights"]>[0],
) {
  return { ref: await runOn("cpu", spec, steps, change, state), got: await runOn("wasm", spec, steps, change, state) };
}

/** Asserts that the fused run's values and optimizer weights follow tfjs' within float error. */
function assertFollows({ ref, got }: Awaited<ReturnType<typeof cpuAgainstFused>>) {
  const near = (a: number[], b: number[], what: string) =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 * (1 + Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));
  ref.values.forEach((r, i) => near(got.values[i], r, `value ${i}`));
  assert.equal(got.state.length, ref.state.length);
  ref.state.forEach((r, i) => near(got.state[i], r, `optimizer weight ${i}`));
}

Deno.test("Adam's fused update on wasm follows tfjs' Adam on cpu step by step, moments and rate changes included", async () => {
  // Five steps; the rate changes after the second.
  assertFollows(await cpuAgainstFused({ name: "adam", learningRate: 0.05 }, 5, { at: 2, rate: 0.01 }));
});

Deno.test("Adadelta's fused update on wasm follows its tensor-operation update on cpu, accumulators included", async () => {
  // Six steps at Adadelta's original rate (1.0, so that the values move), the rate lowered after the third. The two
  // accumulators start apart, so that swapping them would be noticed.
  const accumulators = (t: typeof tf) => [
    { name: "iter", tensor: t.scalar(0) },
    ...start.map((v, i) => ({ name: `${i}/accum_grad`, tensor: t.fill([v.length], 0.2 * (i + 1)) })),
    ...start.map((v, i) => ({ name: `${i}/accum_var`, tensor: t.fill([v.length], 0.05) })),
  ];
  const spec = { name: "adadelta", learningRate: 1, rho: 0.9, epsilon: 1e-6 } as const;
  const runs = await cpuAgainstFused(spec, 6, { at: 3, rate: 0.5 }, accumulators);
  assertFollows(runs);
  assert.ok(runs.ref.values[0].some((v, i) => Math.abs(v - start[0][i]) > 1e-3), "the values moved");
});

/**
 * Keras' Adadelta worked by hand in float64 on the harness' loss (gradient sin 2x for the first variable, 2x for the
 * second), from zero accumulators: `a' = rho a + (1 - rho) g²`, `u = sqrt(d + eps) / sqrt(a' + eps) g`,
 * `d' = rho d + (1 - rho) u²`, `x' = x - lr u`. Returns the values and the accumulators in tfjs' weight order.
 */
function kerasAdadeltaByHand(steps: number, lr: number, rho: number, eps: number) {
  const x = start.map((v) => [...v]);
  const a = start.map((v) => v.map(() => 0));
  const d = start.map((v) => v.map(() => 0));
  for (let step = 0; step < steps; step++) {
    x.forEach((v, k) =>
      v.forEach((xi, i) => {
        const g = k === 0 ? Math.sin(2 * xi) : 2 * xi;
        a[k][i] = rho * a[k][i] + (1 - rho) * g * g;
        const u = (Math.sqrt(d[k][i] + eps) / Math.sqrt(a[k][i] + eps)) * g;
        d[k][i] = rho * d[k][i] + (1 - rho) * u * u;
        v[i] = xi - lr * u;
      })
    );
  }
  return { values: x, state: [[steps], ...a, ...d] };
}

Deno.test("Adadelta follows Keras' formula worked by hand, on cpu and on wasm, not tfjs' plain-gradient step", async () => {
  // The report's settings but Zeiler's rate 1.0, so that four steps move the values well beyond float error. From
  // zeros Keras' first step is about sqrt(eps / (1 - rho)) = 1.4e-3 per weight; tfjs' own formula would step by the
  // gradient itself (up to 1 here), so the test tells the two apart by orders of magnitude.
  const [lr, rho, eps, steps] = [1, 0.95, 1e-7, 4];
  const want = kerasAdadeltaByHand(steps, lr, rho, eps);
  for (const backend of ["cpu", "wasm"] as const) {
    const got = await runOn(backend, { name: "adadelta", learningRate: lr, rho, epsilon: eps }, steps);
    const near = (values: number[], ref: number[], what: string) =>
      ref.forEach((r, i) =>
        assert.ok(
          Math.abs(values[i] - r) <= 1e-5 * Math.abs(r) + 1e-9,
          `${backend} ${what}[${i}]: ${values[i]} vs ${r}`,
        )
      );
    got.values.forEach((v, k) => near(v, want.values[k], `value ${k}`));
    assert.equal(got.state.length, want.state.length, `${backend}: iterations and two accumulators per variable`);
    got.state.forEach((w, k) => near(w, want.state[k], `optimizer weight ${k}`));
  }
});

Deno.test("an optimizer refuses to update a variable with another variable's state (moments matched by position)", async () => {
  const t = await initBackend({ backend: "wasm" });
  const adam = createOptimizer({ name: "adam" });
  const a = t.variable(t.zeros([2])), b = t.variable(t.zeros([3]));
  adam.applyGradients({ [a.name]: t.ones([2]) });
  assert.throws(() => adam.applyGradients({ [b.name]: t.ones([3]) }), /optimizer state 0 .* has shape 2, .* 3/);
  adam.dispose();
  t.dispose([a, b]);
});
