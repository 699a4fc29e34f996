import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, tf } from "noisy-digits/runtime";
import { countParams, fourConvCnn, pixelPowers } from "noisy-digits/networks";
import { loadNetwork, saveNetwork } from "noisy-digits/train";
import { createWorkerPool } from "../../lib/train/parallel.ts"; // internal: this test reaches behind the face on purpose

await initBackend();

Deno.test("PixelPowers: one channel per exponent, x^e, no weights", () => {
  const layer = pixelPowers({ exponents: [1, 2, 16] });
  const x = tf.tensor4d([0.5, 0.99, 0, 1], [1, 2, 2, 1]);
  const y = layer.apply(x) as tf.Tensor;
  assert.deepEqual(y.shape, [1, 2, 2, 3]);
  const v = Array.from(y.dataSync());
  const want = [0.5, 0.25, 0.5 ** 16, 0.99, 0.99 ** 2, 0.99 ** 16, 0, 0, 0, 1, 1, 1];
  want.forEach((w, i) => assert.ok(Math.abs(v[i] - w) < 1e-6, `value ${i}: ${v[i]} vs ${w}`));
  assert.equal(layer.countParams(), 0);
  tf.dispose([x, y]);
});

Deno.test("PixelPowers refuses exponents that are not positive numbers", () => {
  assert.throws(() => pixelPowers({ exponents: [] }), /exponents must be positive/);
  assert.throws(() => pixelPowers({ exponents: [1, -2] }), /exponents must be positive/);
});

Deno.test("fourConvCnn with input powers: a wider first convolution, and it saves, loads and runs in workers", async () => {
  const model = fourConvCnn({ seed: 2, inputPowers: [1, 16] });
  // Only the first convolution grows: 3x3 kernels over 2 input channels instead of 1.
  assert.equal(countParams(model).total - 273_686, 3 * 3 * 64);
  const dir = await Deno.makeTempDir();
  try {
    await saveNetwork(model, join(dir, "m"));
    const back = await loadNetwork(join(dir, "m"));
    assert.equal(back.layers[0].getClassName(), "PixelPowers");
    const x = tf.randomUniform([4, 28, 28, 1]);
    const a = (model.predict(x) as tf.Tensor).dataSync(), b = (back.predict(x) as tf.Tensor).dataSync();
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6));
    // A worker rebuilds the model from its topology: the layer must be registered there too.
    const pool = await createWorkerPool(model, 1);
    try {
      const probs = await pool.predict(model, x.dataSync() as Float32Array, 4);
      probs.forEach((v, i) => assert.ok(Math.abs(v - a[i]) < 1e-5));
    } finally {
      pool.terminate();
    }
    tf.dispose([x]);
    back.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
    model.dispose();
  }
});
