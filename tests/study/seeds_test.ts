import assert from "node:assert/strict";
import { SEED_COUNTS, seedRunName, seedsFor, seedSpread, seedTable } from "noisy-digits/study";
import { verdictOfSeeds } from "noisy-digits/metrics";

Deno.test("seedsFor: 3 seeds under full from the run's own seed, fewer elsewhere", () => {
  assert.deepEqual(seedsFor("full", 3), [3, 4, 5]);
  assert.deepEqual(seedsFor("quick", 7), [7, 8]);
  assert.deepEqual(seedsFor("smoke", 11), [11, 12]);
  assert.ok(SEED_COUNTS.full >= 3, "the issue's minimum for the headline rows");
  assert.equal(seedRunName("best-cnn", 7, 7), "best-cnn");
  assert.equal(seedRunName("best-cnn", 8, 7), "best-cnn-seed8");
});

Deno.test("seedSpread feeds verdictOfSeeds: a single run inside the baseline's spread has no direction", () => {
  const baseline = [0.951, 0.955, 0.953];
  const spread = seedSpread(baseline);
  assert.ok(Math.abs(spread.sd - 0.002) < 1e-12);
  assert.equal(spread.seeds, 3);
  const v = verdictOfSeeds({
    a: { name: "variant", accuracies: [0.956] },
    b: { name: "baseline", accuracies: baseline },
  }, {
    spread,
  });
  assert.equal(v.outcome, "within noise");
  assert.throws(() => seedSpread([0.95]), /at least 2 seeds/);
});

Deno.test("seedTable shows mean ± sd and the t interval, and leaves the spread empty for one seed", () => {
  const t = seedTable([
    { name: "4-conv CNN", accuracies: [0.951, 0.955, 0.953] },
    { name: "final", accuracies: [0.96] },
  ]);
  assert.match(t.text, /4-conv CNN\s+3\s+95\.30 %\s+0\.20 points\s+94\.80 to 95\.80 %/);
  assert.match(t.text, /final\s+1\s+96\.00 %\s+96\.00 %/);
});
