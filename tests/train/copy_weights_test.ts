import assert from "node:assert/strict";

Deno.test("copyWeights works between models with different frozen layers", async () => {
  const { initBackend } = await import("noisy-digits/runtime");
  const { simpleCnn } = await import("noisy-digits/networks");
  const { copyWeights } = await import("noisy-digits/train");
  await initBackend();
  const a = simpleCnn({ seed: 1 }), b = simpleCnn({ seed: 2 });
  a.layers[0].trainable = false;
  copyWeights(a, b);
  const wa = a.layers[0].getWeights()[0].dataSync(), wb = b.layers[0].getWeights()[0].dataSync();
  assert.deepEqual(Array.from(wb), Array.from(wa));
});
