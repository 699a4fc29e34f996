import assert from "node:assert/strict";
import { splitRows, weightedSum } from "../../lib/train/parallel.ts"; // internal: the pool's arithmetic

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
