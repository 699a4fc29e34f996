import assert from "node:assert/strict";
import { historyPlot } from "noisy-digits/plots";
import { emptyHistory } from "noisy-digits/train";

Deno.test("history plot draws loss and accuracy, train and validation", () => {
  const h = emptyHistory();
  for (let e = 1; e <= 5; e++) {
    h.epoch.push(e);
    h.loss.push(2 / e);
    h.accuracy.push(1 - 0.5 / e);
    h.valLoss.push(2.1 / e);
    h.valAccuracy.push(1 - 0.6 / e);
    h.lr.push(0.001);
    h.seconds.push(1);
  }
  const fig = historyPlot(h, { title: "run" });
  assert.equal(fig.name, "history");
  const runLabel = fig.svg.includes('class="run-profile"') ? 1 : 0; // the strip of a quick or smoke run's figure
  assert.equal((fig.svg.match(/<svg/g) ?? []).length - runLabel, 3, "a wrapper and two charts");
  assert.equal((fig.svg.match(/<path[^>]*stroke="#1f77b4"/g) ?? []).length >= 2, true, "train lines in both charts");
  assert.equal((fig.svg.match(/<path[^>]*stroke="#ff7f0e"/g) ?? []).length >= 2, true, "validation lines in both");
  assert.match(fig.svg, /accuracy/);
  assert.match(fig.svg, />run</);
});
