import assert from "node:assert/strict";
import { FINAL_MODEL_NAME, headline, type ResultRecord } from "noisy-digits/study";
import { BEST_MODEL_NAMES, REPORT_FINAL_ACCURACY } from "../lib/study/headline.ts"; // internal: this test reaches behind the face on purpose

Deno.test("headline: each row takes its own model's record, not the last of its section", () => {
  const records: ResultRecord[] = [
    { section: "7", model: FINAL_MODEL_NAME, testAccuracy: 0.96, testImages: 50000 },
    { section: "7", model: "4-conv CNN, the report's Adadelta, our budget", testAccuracy: 0.2, testImages: 5000 },
    { section: "8.6", model: `${BEST_MODEL_NAMES.competition} three-block CNN`, testAccuracy: 0.97, testImages: 50000 },
    { section: "8.6", model: `${BEST_MODEL_NAMES.originals} three-block CNN`, testAccuracy: 0.98, testImages: 50000 },
  ];
  assert.deepEqual(headline(records).map((r) => [r.testAccuracy, r.testImages]), [
    [REPORT_FINAL_ACCURACY, undefined],
    [0.96, 50000],
    [0.97, 50000],
    [0.98, 50000],
  ]);
  assert.match(headline(records)[2].who, /this is the figure to expect/);
  assert.deepEqual(headline(records).map((r) => r.expected ?? false), [false, false, true, false]);
});

Deno.test("headline: a row whose run is missing keeps its label, without a figure", () => {
  const rows = headline([]);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.slice(1).map((r) => r.testAccuracy), [undefined, undefined, undefined]);
});
