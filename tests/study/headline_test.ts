import assert from "node:assert/strict";
import { BEST_MODEL_IDS, FINAL_MODEL_ID, headline, isExtraSeed, recordId, type ResultRecord } from "noisy-digits/study";
import { REPORT_FINAL_ACCURACY } from "../../lib/study/headline.ts"; // internal: this test reaches behind the face on purpose

Deno.test("headline: each row takes its own model's record, not the last of its section", () => {
  const records: ResultRecord[] = [
    { id: FINAL_MODEL_ID, section: "7", model: "final", testAccuracy: 0.96, testImages: 50000 },
    { id: "final-cnn-report-method", section: "7", model: "report's", testAccuracy: 0.2, testImages: 5000 },
    { id: BEST_MODEL_IDS.competition, section: "8.6", model: "competition", testAccuracy: 0.97, testImages: 50000 },
    { id: BEST_MODEL_IDS.originals, section: "8.6", model: "originals", testAccuracy: 0.98, testImages: 50000 },
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

Deno.test("headline: the published ledger's rows are found by id, each model's own seed, not another seed's", async () => {
  const published = JSON.parse(
    await Deno.readTextFile(new URL("../../outputs/published/results.json", import.meta.url)),
  );
  const rows = headline(published);
  for (const r of rows.slice(1)) {
    assert.ok(r.testAccuracy !== undefined, `${r.row}: no figure from the published ledger`);
  }
  assert.deepEqual(
    rows.slice(1).map((r) => r.testAccuracy),
    [FINAL_MODEL_ID, BEST_MODEL_IDS.competition, BEST_MODEL_IDS.originals].map((id) =>
      published.filter((p: ResultRecord) => !isExtraSeed(p)).findLast((p: ResultRecord) => recordId(p) === id)
        ?.testAccuracy
    ),
  );
});
