import assert from "node:assert/strict";
import { createRandom, deriveSeed, proportionalCounts, SEED_STRIDE, shuffleInPlace } from "noisy-digits/util";

Deno.test("createRandom: the same seed gives the same draws, another seed others, all in [0, 1)", () => {
  const a = createRandom(42), b = createRandom(42), c = createRandom(43);
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(Array.from({ length: 100 }, () => b.next()), xs);
  assert.notDeepEqual(Array.from({ length: 100 }, () => c.next()), xs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(Array.from({ length: 100 }, () => a.int(7)).every((k) => Number.isInteger(k) && k >= 0 && k < 7));
});

Deno.test("shuffleInPlace permutes, reproducibly for a seed", () => {
  const a = shuffleInPlace(Int32Array.from({ length: 50 }, (_, i) => i), createRandom(1));
  const b = shuffleInPlace(Int32Array.from({ length: 50 }, (_, i) => i), createRandom(1));
  assert.deepEqual(a, b);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual([...a], Array.from({ length: 50 }, (_, i) => i));
});

Deno.test("proportionalCounts sums to the total exactly (largest remainders) and refuses empty weights", () => {
  assert.deepEqual(proportionalCounts([1, 1, 1], 10), [4, 3, 3]);
  assert.equal(proportionalCounts([0.3, 0.2, 0.5], 7).reduce((a, b) => a + b, 0), 7);
  assert.throws(() => proportionalCounts([0, 0], 3), /positive/);
});

Deno.test("deriveSeed gives the seeds the training code always used (base * stride + index)", () => {
  // fit's shuffle of epoch 2 of a run seeded 3, and its augmentation draw of step 5 in that epoch
  assert.equal(deriveSeed(3, 2, SEED_STRIDE.large), 3 * 100003 + 2);
  assert.equal(deriveSeed(3, deriveSeed(2, 5, SEED_STRIDE.large), SEED_STRIDE.small), 3 * 7919 + 2 * 100003 + 5);
  // the noise of a batch (epoch 1, step 4) and the border noise of test-time view 2 seeded 1
  assert.equal(deriveSeed(1, 4, SEED_STRIDE.xlarge), 1_000_003 + 4);
  assert.equal(deriveSeed(2, 1, SEED_STRIDE.small), 1 + 7919 * 2);
  assert.deepEqual(SEED_STRIDE, { small: 7919, medium: 10_007, large: 100_003, xlarge: 1_000_003 });
});
