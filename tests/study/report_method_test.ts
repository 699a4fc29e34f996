import assert from "node:assert/strict";
import { runsPlot } from "noisy-digits/plots";
import { epochsToReach, reportStageEpochs } from "noisy-digits/study";
import { concatHistories, fullBatchAdadeltaStages, warmupStepAdadeltaSchedule } from "../../lib/study/report_method.ts"; // internal: this test reaches behind the face on purpose
import { emptyHistory, type History } from "noisy-digits/train";

Deno.test("section 6.3's budget keeps the report's 5,000 : 1,000 epochs at 0.01 and at the lower rate", () => {
  assert.deepEqual(fullBatchAdadeltaStages(6), { atRate: 5, atLowerRate: 1 });
  assert.deepEqual(fullBatchAdadeltaStages(5), { atRate: 4, atLowerRate: 1 });
  assert.deepEqual(fullBatchAdadeltaStages(1), { atRate: 1, atLowerRate: 1 }, "both stages run even on one epoch");
  assert.deepEqual(fullBatchAdadeltaStages(6000), { atRate: 5000, atLowerRate: 1000 });
  assert.throws(() => fullBatchAdadeltaStages(0), RangeError);
});

Deno.test("section 7's schedule compressed to 6 epochs warms up in the first epoch, never at 0, then steps down", () => {
  const lr = warmupStepAdadeltaSchedule(6);
  const at = (epoch: number, step = 0) => lr({ epoch, step, stepsPerEpoch: 3, epochs: 6 });
  assert.ok(at(0, 0) > 0 && at(0, 0) < at(0, 2));
  assert.deepEqual([at(0, 2), at(1), at(3, 2), at(4), at(5)], [0.01, 0.01, 0.01, 0.005, 0.001]);
  const full = warmupStepAdadeltaSchedule(5000); // the report's own: warm-up over 200 epochs, 0.005 from 3,000, 0.001 from 4,000
  const one = (epoch: number) => full({ epoch, step: 0, stepsPerEpoch: 1, epochs: 5000 });
  assert.deepEqual([one(199), one(2999), one(3000), one(4000)], [0.01, 0.01, 0.005, 0.001]);
});

const CHANCE = { images: 3000, majorityShare: 0.1127 };

Deno.test("epochsToReach extends the line through the curve's second half, and declines a flat or falling one", () => {
  const r = epochsToReach([0.2, 0.3, 0.4, 0.5], 0.9, CHANCE);
  assert.ok(r.estimable && Math.abs(r.perEpoch - 0.1) < 1e-12 && Math.abs(r.moreEpochs - 4) < 1e-9, JSON.stringify(r));
  // Only the second half counts: a fast start does not make a slow end look fast.
  const slow = epochsToReach([0.1, 0.5, 0.6, 0.62, 0.64, 0.66], 0.86, CHANCE);
  assert.ok(slow.estimable && Math.abs(slow.moreEpochs - 10) < 1e-6, JSON.stringify(slow));
  const refused = (curve: number[]) => {
    const e = epochsToReach(curve, 0.9, CHANCE);
    assert.ok(!e.estimable, `${curve} should give no estimate: ${JSON.stringify(e)}`);
    return e.reason;
  };
  assert.match(refused([0.3, 0.2, 0.1]), /does not rise/);
  assert.match(refused([0.5]), /fewer than two/);
  assert.match(refused([NaN, NaN]), /fewer than two/);
  const there = epochsToReach([0.95, 0.94], 0.9, CHANCE);
  assert.ok(there.estimable && there.moreEpochs === 0, "already there");
});

Deno.test("epochsToReach refuses a curve that has not left chance, however steep its end", () => {
  // The published run's 6.3.1 row: the constant answer switching from one digit to another looks like a pace.
  const flat = epochsToReach([0.0987, 0.1003, 0.1127], 0.921, CHANCE);
  assert.ok(!flat.estimable);
  assert.match(flat.reason, /11\.27 % on 3,000 images .* not above the 11\.27 % .*has not left chance/);
  // just above chance on 3,000 images is still chance: the interval of 12.3 % reaches down to 11.2 %
  assert.ok(!epochsToReach([0.1, 0.11, 0.123], 0.921, CHANCE).estimable);
  // the same curve measured on 50,000 images has left chance, and rises by more than its noise
  assert.ok(epochsToReach([0.1, 0.11, 0.123], 0.921, { images: 50000, majorityShare: 0.1127 }).estimable);
});

Deno.test("epochsToReach refuses a gain inside the noise of one accuracy", () => {
  const small = epochsToReach([0.8, 0.801, 0.802, 0.803], 0.9, CHANCE); // 0.1 point over its second half
  assert.ok(!small.estimable);
  assert.match(small.reason, /gains 0\.10 points, inside the noise of one accuracy on 3,000 images \(±1\.4\d points\)/);
});

function history(epochs: number, validation: boolean): History {
  const h = emptyHistory();
  for (let e = 1; e <= epochs; e++) {
    h.epoch.push(e);
    h.loss.push(2 / e);
    h.accuracy.push(1 - 0.5 / e);
    h.valLoss.push(validation ? 2.1 / e : NaN);
    h.valAccuracy.push(validation ? 1 - 0.6 / e : NaN);
    h.lr.push(0.01);
    h.seconds.push(30);
  }
  return h;
}

Deno.test("runsPlot draws every run in its own colour, training solid and validation dashed, against minutes", () => {
  const fig = runsPlot({ "our recipe": history(5, true), "report's Adadelta": history(5, false) }, {
    title: "same budget",
    name: "budget",
  });
  assert.equal(fig.name, "budget");
  const runLabel = fig.svg.includes('class="run-profile"') ? 1 : 0; // the strip of a quick or smoke run's figure
  assert.equal((fig.svg.match(/<svg/g) ?? []).length - runLabel, 3, "a wrapper and two charts");
  assert.match(fig.svg, /our recipe/);
  assert.match(fig.svg, /report&#39;s Adadelta|report's Adadelta/);
  assert.match(fig.svg, /training time \(min\)/);
  assert.ok((fig.svg.match(/stroke-dasharray="5,3"/g) ?? []).length >= 2, "validation dashed in both charts");
  assert.ok((fig.svg.match(/stroke="#d62728"/g) ?? []).length >= 2, "the second run's colour in both charts");
  assert.throws(() => runsPlot({}), RangeError);
});

Deno.test("runsPlot marks a target accuracy with a labelled rule on the accuracy chart only", () => {
  const runs = { "our recipe": history(3, true) };
  const plain = runsPlot(runs).svg;
  const marked = runsPlot(runs, { target: { value: 0.87, label: "report: 87 %" } }).svg;
  assert.doesNotMatch(plain, /report: 87 %/);
  assert.equal((marked.match(/report: 87 %/g) ?? []).length, 1);
  assert.equal((marked.match(/stroke-dasharray="2,3"/g) ?? []).length, 1, "one rule");
});

Deno.test("concatHistories numbers the second run's epochs on and keeps every column", () => {
  const both = concatHistories(history(2, true), history(1, false));
  assert.deepEqual(both.epoch, [1, 2, 3]);
  assert.deepEqual(both.seconds, [30, 30, 30]);
  assert.equal(both.valAccuracy.length, 3);
  assert.ok(Number.isNaN(both.valAccuracy[2]));
});

Deno.test("reportStageEpochs splits a budget in halves, at least one epoch per stage", () => {
  assert.deepEqual(reportStageEpochs(6), [3, 3]);
  assert.deepEqual(reportStageEpochs(5), [2, 3]);
  assert.deepEqual(reportStageEpochs(1), [1, 1]);
});
