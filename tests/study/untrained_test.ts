import assert from "node:assert/strict";
import {
  budgetLabel,
  chanceOf,
  constantPrediction,
  curveLeftChance,
  isUntrained,
  majorityShare,
  untrainedReason,
  updatesOf,
} from "noisy-digits/study";

Deno.test("majorityShare and chanceOf: the accuracy of the best constant answer", () => {
  assert.equal(majorityShare([1, 1, 2, 3]), 0.5);
  assert.deepEqual(chanceOf([7, 7, 7, 2]), { images: 4, majorityShare: 0.75 });
  assert.throws(() => majorityShare([]), /no labels/);
});

Deno.test("curveLeftChance: the best point's Wilson interval must clear the majority share", () => {
  const chance = { images: 3000, majorityShare: 0.1127 };
  assert.equal(curveLeftChance([0.1, 0.1127], chance).left, false);
  assert.equal(curveLeftChance([0.1, 0.123], chance).left, false, "1 point above, inside the noise of 3,000");
  assert.equal(curveLeftChance([0.1, 0.14], chance).left, true);
  assert.equal(curveLeftChance([0.1, 0.125], { images: 50000, majorityShare: 0.1127 }).left, true);
  assert.equal(curveLeftChance([NaN], chance).left, false);
  assert.throws(() => curveLeftChance([0.5], { images: 0, majorityShare: 0.1 }), /images > 0/);
});

Deno.test("curveLeftChance on one point: a small holdout needs a larger margin (notebook 09's single accuracies)", () => {
  const left = (accuracy: number, images: number) => curveLeftChance([accuracy], { images, majorityShare: 0.113 }).left;
  assert.ok(!left(0.11, 500) && !left(0.13, 500) && left(0.15, 500));
  assert.ok(left(0.13, 5000) && !left(0.1, 50_000));
});

Deno.test("constantPrediction finds a model that answers one digit, and only such a model", () => {
  assert.deepEqual(constantPrediction(new Uint8Array(3000).fill(1)), { label: 1, share: 1 });
  const almost = new Uint8Array(1000).fill(4);
  almost[0] = 2;
  assert.deepEqual(constantPrediction(almost), { label: 4, share: 0.999 });
  const varied = Uint8Array.from({ length: 1000 }, (_, i) => i % 10);
  assert.equal(constantPrediction(varied), null);
  assert.equal(constantPrediction([]), null);
});

Deno.test("updatesOf counts batches per epoch, the last one partial", () => {
  assert.equal(updatesOf(5000, 12000, 4096), 15000);
  assert.equal(updatesOf(100, 9000, 128), 7100);
  assert.equal(updatesOf(3000, 9000, 9000), 3000);
  assert.equal(updatesOf(6, 12000, 4096), 18);
  assert.throws(() => updatesOf(1, 100, 0), /batchSize > 0/);
});

Deno.test("budgetLabel names an untrained run for what it is", () => {
  const one = new Uint8Array(3000).fill(1);
  assert.equal(
    budgetLabel({ updates: 18, reportUpdates: 15000, predicted: one }),
    "18 of ~15,000 updates: untrained, predicts one digit (1)",
  );
  const varied = Uint8Array.from({ length: 3000 }, (_, i) => i % 10);
  const chance = { images: 3000, majorityShare: 0.1127 };
  assert.equal(
    budgetLabel({ updates: 5, reportUpdates: 6000, predicted: varied, curve: { values: [0.1, 0.11], chance } }),
    "5 of ~6,000 updates: untrained, its curve has not left chance",
  );
  assert.equal(
    budgetLabel({ updates: 180, reportUpdates: 6000, predicted: varied, curve: { values: [0.3, 0.6], chance } }),
    "180 of ~6,000 updates",
  );
  // A curve that has left chance is not enough when the run stopped under 1 % of the report's updates (notebook 07's
  // report-method row: 18 of ~15,000 updates, 15 % training accuracy against an 11 % majority share).
  assert.equal(
    budgetLabel({ updates: 18, reportUpdates: 15000, predicted: varied, curve: { values: [0.1, 0.154], chance } }),
    "18 of ~15,000 updates: untrained, stopped at 0.12 % of the report's updates",
  );
  assert.equal(
    budgetLabel({ updates: 59, reportUpdates: 6000, predicted: varied, curve: { values: [0.3, 0.6], chance } }),
    "59 of ~6,000 updates: untrained, stopped at 0.98 % of the report's updates",
  );
});

Deno.test("untrainedReason: one digit for everything, a curve inside chance or under 1 % of the updates; a learning run passes", () => {
  const chance = { images: 3000, majorityShare: 0.1127 };
  const varied = Uint8Array.from({ length: 3000 }, (_, i) => i % 10);
  assert.equal(untrainedReason({ predicted: new Uint8Array(3000).fill(4) }), "predicts one digit (4)");
  assert.equal(
    untrainedReason({ predicted: varied, curve: { values: [0.115], chance } }),
    "its curve has not left chance",
  );
  assert.equal(untrainedReason({ predicted: varied, curve: { values: [0.6], chance } }), null);
  assert.equal(untrainedReason({ curve: { values: [0.6], chance } }), null);
  assert.equal(isUntrained({ curve: { values: [0.12], chance } }), true, "one point above chance, inside its noise");
  assert.equal(isUntrained({ predicted: varied }), false);
  assert.equal(
    isUntrained({ predicted: varied, budget: { updates: 60, reportUpdates: 6000 } }),
    false,
    "1 % is enough",
  );
  assert.equal(isUntrained({ predicted: varied, budget: { updates: 59, reportUpdates: 6000 } }), true);
  // budgetLabel applies the same rule: its label carries the reason.
  assert.equal(
    budgetLabel({ updates: 5, reportUpdates: 6000, predicted: varied, curve: { values: [0.115], chance } }),
    `5 of ~6,000 updates: untrained, ${untrainedReason({ predicted: varied, curve: { values: [0.115], chance } })}`,
  );
});
