import assert from "node:assert/strict";
import { initBackend } from "noisy-digits/runtime";
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
