import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import { reportTable } from "../../lib/plots/tables.ts"; // internal: this test reaches behind the face on purpose
import { accuracy, classificationReport, confusionMatrix, formatConfusion } from "noisy-digits/metrics";

const close = (a: number, b: number, eps = 1e-12) => assert(Math.abs(a - b) < eps, `${a} != ${b}`);

Deno.test("accuracy counts exact matches and rejects length mismatches", () => {
  close(accuracy([1, 2, 3, 4], [1, 0, 3, 0]), 0.5);
  let threw = false;
  try {
    accuracy([1], [1, 2]);
  } catch {
    threw = true;
  }
  assert(threw);
});

Deno.test("confusion matrix: rows are truth, columns predictions", () => {
  const cm = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2]);
  assertEquals(cm.labels, [0, 1, 2]);
  assertEquals(cm.counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
  assert(formatConfusion(cm).includes("    2"));
});

Deno.test("classification report matches hand-computed precision, recall, f1 and averages", () => {
  // class 0: tp 1, predicted 2, support 2 -> p 0.5 r 0.5; class 1: tp 1, predicted 2, support 1 -> p 0.5 r 1
  // class 2: tp 2, predicted 2, support 3 -> p 1 r 2/3
  const r = classificationReport([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2]);
  close(r.perClass[0].precision, 0.5);
  close(r.perClass[1].recall, 1);
  close(r.perClass[2].recall, 2 / 3);
  close(r.perClass[2].f1, (2 * 1 * (2 / 3)) / (1 + 2 / 3));
  close(r.accuracy, 4 / 6);
  close(r.macro.precision, 2 / 3);
  close(r.weighted.recall, (2 * 0.5 + 1 * 1 + 3 * (2 / 3)) / 6);
  assertEquals(r.weighted.support, 6);
});

Deno.test("classification report text has scikit-learn's layout", () => {
  const r = classificationReport([0, 1, 1, 1], [0, 1, 1, 0]);
  const expected = [
    "              precision    recall  f1-score   support",
    "",
    "           0       0.50      1.00      0.67         1",
    "           1       1.00      0.67      0.80         3",
    "",
    "    accuracy                           0.75         4",
    "   macro avg       0.75      0.83      0.73         4",
    "weighted avg       0.88      0.75      0.77         4",
    "",
  ].join("\n");
  assertEquals(r.text, expected);
  assert(reportTable(r).text.includes("weighted avg"));
});

Deno.test("a class never predicted gets precision 0, not NaN", () => {
  const r = classificationReport([0, 1], [0, 0], { labels: [0, 1] });
  assertEquals(r.perClass[1].precision, 0);
  assertEquals(r.perClass[1].f1, 0);
});
