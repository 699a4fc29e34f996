import assert from "node:assert/strict";
import { emptyHistory, type History } from "../lib/train/fit.ts";
import { curvePoints } from "../lib/plots/curves.ts";
import { accuracyCurves } from "../lib/plots/curves.ts";
import { concatHistories, extrapolateToTarget, reportStageEpochs } from "../lib/study/report_simple_cnn.ts";

function curve(valAccuracy: number[], secondsPerEpoch = 10): History {
  const h = emptyHistory();
  valAccuracy.forEach((v, i) => {
    h.epoch.push(i + 1);
    h.valAccuracy.push(v);
    h.seconds.push(secondsPerEpoch);
    for (const k of ["loss", "accuracy", "valLoss", "lr"] as const) h[k].push(0);
  });
  return h;
}

Deno.test("reportStageEpochs splits a budget in halves, at least one epoch per stage", () => {
  assert.deepEqual(reportStageEpochs(6), [3, 3]);
  assert.deepEqual(reportStageEpochs(5), [2, 3]);
  assert.deepEqual(reportStageEpochs(1), [1, 1]);
});

Deno.test("concatHistories numbers the second run's epochs on and keeps every column", () => {
  const both = concatHistories(curve([0.1, 0.2], 5), curve([0.3], 7));
  assert.deepEqual(both.epoch, [1, 2, 3]);
  assert.deepEqual(both.valAccuracy, [0.1, 0.2, 0.3]);
  assert.deepEqual(both.seconds, [5, 5, 7]);
  assert.deepEqual(curvePoints(both, "seconds"), [{ x: 5, y: 0.1 }, { x: 10, y: 0.2 }, { x: 17, y: 0.3 }]);
});

Deno.test("extrapolateToTarget extends the last epochs' line, and says when it cannot", () => {
  // The last three epochs climb 2 points an epoch: 0.30 -> 0.87 needs 29 more (28.5 rounded up).
  const e = extrapolateToTarget(curve([0.1, 0.26, 0.28, 0.30], 4), 0.87)!;
  assert.ok(Math.abs(e.perEpoch - 0.02) < 1e-9);
  assert.equal(e.epochs, 29);
  assert.equal(e.seconds, 29 * 4);
  assert.equal(extrapolateToTarget(curve([0.2, 0.1, 0.1]), 0.87)!.epochs, Infinity, "a curve that does not rise");
  assert.equal(extrapolateToTarget(curve([0.5, 0.9]), 0.87)!.epochs, 0, "already there");
  assert.equal(extrapolateToTarget(curve([0.5]), 0.87), null, "one epoch is no line");
});

Deno.test("accuracyCurves draws one line per run and the target", () => {
  const figure = accuracyCurves([{ label: "ours", history: curve([0.5, 0.9]) }, {
    label: "the report's",
    history: curve([0.1, 0.12]),
  }], { target: { value: 0.87, label: "report: 87 %" }, name: "t" });
  assert.match(figure.svg, /^<svg/);
  assert.equal((figure.svg.match(/<path[^>]*stroke="#/g) ?? []).length >= 2, true);
  assert.match(figure.svg, /report: 87 %/);
  assert.match(figure.svg, /the report&#39;s|the report's/);
  assert.match(figure.svg, /wall-clock seconds/);
});
