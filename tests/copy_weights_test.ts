import assert from "node:assert/strict";

Deno.test("copyWeights works between models with different frozen layers", async () => {
  const { initBackend } = await import("../lib/runtime/backend.ts");
  const { simpleCnn } = await import("../lib/networks/cnn.ts");
  const { copyWeights } = await import("../lib/train/io.ts");
  await initBackend();
  const a = simpleCnn({ seed: 1 }), b = simpleCnn({ seed: 2 });
  a.layers[0].trainable = false;
  copyWeights(a, b);
  const wa = a.layers[0].getWeights()[0].dataSync(), wb = b.layers[0].getWeights()[0].dataSync();
  assert.deepEqual(Array.from(wb), Array.from(wa));
});
