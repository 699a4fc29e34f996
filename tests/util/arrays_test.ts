import assert from "node:assert/strict";
import { runningTotals, weightedSum64 } from "../../lib/util/arrays.ts"; // internal: arithmetic the layers share

Deno.test("runningTotals gives where each part starts in a flat array, and the total last", () => {
  assert.deepEqual(runningTotals([3, 1, 2]), [0, 3, 4, 6]);
  assert.deepEqual(runningTotals([]), [0]);
});

Deno.test("weightedSum64 sums the parts in double precision and refuses parts of other lengths", () => {
  assert.deepEqual(Array.from(weightedSum64([[1, 2], [3, 4], [5, 6]], [0.5, 0.25, 0.25])), [2.5, 3.5]);
  assert.deepEqual(Array.from(weightedSum64([[1e8], [1], [1e8]], [1, 1, -1])), [1]);
  assert.throws(() => weightedSum64([[1, 2], [3]], [1, 1]), /parts of 1 and 2 values/);
  assert.throws(() => weightedSum64([[1]], [1, 1]), /1 parts, 2 shares/);
});
