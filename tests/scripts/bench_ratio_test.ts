/**
 * The training bench's ratios (`scripts/bench/_ratios.ts`): the value over all turns, each round's ratio, and a
 * target's verdict that counts the turns, so that one disturbed turn shows as such and a ratio just under its target
 * is not read as met.
 *
 * @module
 */

import assert from "node:assert/strict";
import { atLeast, pairedRatio, sideBySide, sumTurns } from "../../scripts/bench/_ratios.ts";

Deno.test("pairedRatio gives the ratio over all turns and each round's ratio in order", () => {
  const r = pairedRatio({ rate: 885.7, turns: [820, 900, 910, 920] }, { rate: 500, turns: [500, 480, 520, 500] });
  assert.equal(r.value, 1.77);
  assert.equal(r.turns, "turn ratios: 1.64 / 1.88 / 1.75 / 1.84");
  assert.equal(r.target, undefined);
});

Deno.test("pairedRatio's verdict reads the whole ratio and counts the turns at or above the target", () => {
  const a = { rate: 885.7, turns: [820, 900, 910, 920] }, b = { rate: 500, turns: [500, 500, 500, 500] };
  assert.equal(pairedRatio(a, b, 1.8).target, ">= 1.8 (missed; 3 of 4 turns at or above)");
  assert.equal(pairedRatio(a, b, 1.6).target, ">= 1.6 (met; 4 of 4 turns at or above)");
  assert.equal(pairedRatio(a, b, 1.9).target, ">= 1.9 (missed; 0 of 4 turns at or above)");
});

Deno.test("pairedRatio misses a target its rounded value would print as met", () => {
  // 860.4 / 574 = 1.4990: printed 1.5, under a target of 1.5.
  const r = pairedRatio({ rate: 860.4 }, { rate: 574 }, 1.5);
  assert.equal(r.value, 1.5);
  assert.equal(r.target, ">= 1.5 (missed)");
});

Deno.test("pairedRatio pairs turns only when both figures have as many of them", () => {
  const four = { rate: 500, turns: [500, 500, 500, 500] };
  const none = { rate: 500, turns: [] as number[] }, untimed = { rate: 500 };
  for (
    const [a, b] of [
      [{ rate: 900 }, four],
      [{ rate: 900, turns: [900, 900, 900] }, four],
      [{ rate: 900, turns: [900, 900, 900, 900] }, untimed],
      [{ rate: 900, turns: [] }, none],
    ]
  ) {
    const r = pairedRatio(a, b, 1.8);
    assert.equal(r.turns, undefined);
    assert.equal(r.target, ">= 1.8 (met)");
  }
  // A turn in which the other figure timed no step has no ratio and meets nothing.
  const r = pairedRatio({ rate: 900, turns: [900, 900] }, { rate: 450, turns: [450, 0] }, 1.8);
  assert.equal(r.turns, "turn ratios: 2.00 / -");
  assert.equal(r.target, ">= 1.8 (met; 1 of 2 turns at or above)");
});

Deno.test("atLeast meets a target at or above it and shows the target as asked", () => {
  assert.equal(atLeast(250, 250), ">= 250 (met)");
  assert.equal(atLeast(249.9, 250), ">= 250 (missed)");
  // A share of the peak against the moonshot, shown as a percentage: 69.3 % misses 70 %.
  assert.equal(atLeast(0.693, 0.7, "70 %"), ">= 70 % (missed)");
  assert.equal(atLeast(0.75, 0.7, "70 %", "; by the direct algorithm"), ">= 70 % (met; by the direct algorithm)");
});

Deno.test("sideBySide adds the processes' images/s, over all turns and turn by turn", () => {
  // Batches of 40 and 24: 10 steps in 500 ms is 800 and 480 images/s, 8 in 500 ms 640.
  const turns = [[{ steps: 10, ms: 500 }, { steps: 8, ms: 500 }], [{ steps: 10, ms: 500 }, { steps: 10, ms: 500 }]];
  const f = sideBySide(turns, [40, 24]);
  assert.deepEqual(f.turns, [1280, 1120]);
  // Over all turns: 18 steps of 40 in 1000 ms (720 images/s) and 20 of 24 in 1000 (480).
  assert.equal(f.rate, 1200);
  assert.deepEqual(sumTurns(turns[0]), { steps: 18, ms: 1000 });
});

Deno.test("sideBySide leaves a turn in which any process timed no step without a rate", () => {
  const none = { steps: 0, ms: 0 };
  const f = sideBySide([[{ steps: 10, ms: 500 }, none, { steps: 9, ms: 500 }], [
    { steps: 10, ms: 500 },
    { steps: 9, ms: 500 },
    none,
  ]], [32, 32]);
  assert.equal(f.turns![0], 1280);
  assert.ok(Number.isNaN(f.turns![1]) && Number.isNaN(f.turns![2]));
  const r = pairedRatio(f, { rate: 640, turns: [640, 640, 640] }, 1.8);
  assert.equal(r.turns, "turn ratios: 2.00 / - / -");
  assert.equal(r.target, ">= 1.8 (met; 1 of 3 turns at or above)");
});
