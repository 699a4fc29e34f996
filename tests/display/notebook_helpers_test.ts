import assert from "node:assert/strict";
import { createProgress, formatDuration, table } from "noisy-digits/display";
import { renderBar } from "../../lib/display/progress.ts"; // internal: this test reaches behind the face on purpose
import { byProfile } from "../../lib/study/profile.ts"; // internal: this test reaches behind the face on purpose

Deno.test("progress bar shows fraction, counts, rate and metrics", () => {
  const text = renderBar(50, 200, 10, { label: "train", unit: "img", width: 10, metrics: { loss: 0.12345 } });
  assert.match(text, /^train ███░░░░░░░ {2}25% 50\/200 \[10\.0s<30\.0s, 5\.00 img\/s\] loss=0\.1235$/);
});

Deno.test("durations read naturally", () => {
  assert.equal(formatDuration(12.34), "12.3s");
  assert.equal(formatDuration(185), "3m05s");
  assert.equal(formatDuration(3720), "1h02m");
});

Deno.test("a silent progress still counts and reports elapsed time", () => {
  const bar = createProgress({ total: 3, mode: "silent" });
  bar.tick();
  bar.tick(2);
  assert.equal(bar.done, 3);
  assert.ok(bar.finish() >= 0);
});

Deno.test("tables align numbers and offer HTML, Markdown and text", () => {
  const t = table([{ model: "svm", acc: 0.8312 }, { model: "cnn", acc: 0.95 }], { digits: 2 });
  assert.equal(t.text, "model   acc\n-----  ----\nsvm    0.83\ncnn    0.95");
  assert.match(t.markdown, /\| model \| acc \|\n\| :--- \| ---: \|/);
  assert.match(t.html, /<td style="text-align:right">0\.83<\/td>/);
});

Deno.test("profiles pick their value", () => {
  assert.equal(byProfile({ smoke: 1, quick: 2, full: 3 }, "quick"), 2);
});
