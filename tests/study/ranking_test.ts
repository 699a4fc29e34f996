import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend } from "noisy-digits/runtime";
import { argMaxRows, predictProba, saveNetwork } from "noisy-digits/train";
import { denseNet } from "noisy-digits/networks";
import { createDataset, PIXELS } from "noisy-digits/data";
import { accuracy } from "noisy-digits/metrics";
import {
  holdoutSpan,
  latestRecords,
  rankingTable,
  runLedger,
  scoreSavedModels,
  widestHoldoutTestGap,
} from "noisy-digits/study";
import { createRandom } from "noisy-digits/util";

await initBackend();

Deno.test("scoreSavedModels scores saved networks on the test images and notes missing ones", async () => {
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  try {
    const model = denseNet({ hidden: [16], seed: 1 });
    await saveNetwork(model, join(outputs, "models", "tiny"));
    const rng = createRandom(2);
    const test = createDataset(Float32Array.from({ length: 50 * PIXELS }, () => rng.next()), {
      name: "test",
      labels: Uint8Array.from({ length: 50 }, (_, i) => i % 10),
    });
    const expected = accuracy(test.labels!, argMaxRows(await predictProba(model, test)));
    const ranked = await scoreSavedModels([
      { section: "8", model: "tiny", holdoutAccuracy: 0.5, savedAs: "tiny" },
      { section: "8", model: "gone", holdoutAccuracy: 0.9, savedAs: "gone" },
      { section: "7", model: "recorded", testAccuracy: 0.95, testImages: 50_000 },
    ], test);
    assert.equal(ranked[0].testAccuracy, expected);
    assert.equal(ranked[0].testImages, 50);
    assert.equal(ranked[1].testAccuracy, undefined);
    assert.match(ranked[1].note!, /no saved model/);
    assert.equal(ranked[2].testAccuracy, 0.95);
    // Best holdout first; no holdout last.
    const text = rankingTable(ranked).text.split("\n");
    assert.match(text[3], /gone/);
    assert.match(text[4], /tiny/);
    assert.match(text[5], /recorded/);
    // The same model recorded twice (two notebooks) appears once, with its last record.
    const twice = rankingTable([...ranked, { section: "8", model: "tiny", holdoutAccuracy: 0.6 }]).text;
    assert.equal(twice.match(/tiny/g)?.length, 1);
    assert.match(twice, /tiny\s+0\.6000/);
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
});

Deno.test("ranking: one record per model id, the last one; a row without id counts by the id of its old label", () => {
  const rows = [
    { id: "four-conv-cnn", section: "6.3", model: "first label", holdoutAccuracy: 0.9 },
    { section: "6.3", model: "Alternative CNN (4 conv), Adam one-cycle", holdoutAccuracy: 0.91 },
    { id: "simple-cnn", section: "6.1", model: "Simple CNN (2 conv)", holdoutAccuracy: 0.8 },
    { section: "9", model: "not in the registry", holdoutAccuracy: 0.5 },
  ];
  assert.deepEqual(latestRecords(rows).map((r) => r.holdoutAccuracy), [0.91, 0.8, 0.5]);
});

Deno.test("ranking: another seed's row of a model stays out; the model's own seed is its figure", () => {
  const rows = [
    { id: "four-conv-cnn", section: "6.3", model: "4-conv CNN", holdoutAccuracy: 0.95, seed: 3 },
    { id: "four-conv-cnn", section: "6.3", model: "4-conv CNN", holdoutAccuracy: 0.5, seed: 4 },
    { id: "four-conv-cnn-features-svm", section: "8.3", model: "svm", holdoutAccuracy: 0.9 },
  ];
  assert.deepEqual(latestRecords(rows).map((r) => r.holdoutAccuracy), [0.95, 0.9]);
});

Deno.test("ranking: a run's ledger keeps every seed's row and the profile's rows, a row recorded twice alike once", () => {
  const row = { id: "four-conv-cnn", section: "6.3", model: "4-conv CNN", holdoutAccuracy: 0.95, seed: 3 };
  const rows = [
    row,
    { ...row, seed: 4, holdoutAccuracy: 0.94 },
    { ...row }, // the same record again (another notebook): once
    { ...row, holdoutAccuracy: 0.96 }, // the same model and seed recorded again with another figure: kept
    { ...row, profile: "smoke", seed: 5 }, // another profile's row: out
    { ...row, profile: "full", seed: 6 },
  ];
  assert.deepEqual(runLedger(rows, "full").map((r) => [r.seed, r.holdoutAccuracy]), [[3, 0.95], [4, 0.94], [3, 0.96], [
    6,
    0.95,
  ]]);
  assert.deepEqual(latestRecords(runLedger(rows, "full")).map((r) => r.holdoutAccuracy), [0.96]);
});

Deno.test("ranking: the holdout span of a group of ids, and the widest holdout-test gap", () => {
  const rows = [
    { id: "svm_rbf_raw", section: "5.1", model: "rbf", holdoutAccuracy: 0.83, testAccuracy: 0.82 },
    { id: "svm_linear_raw", section: "5.2", model: "linear", holdoutAccuracy: 0.75 },
    { id: "four-conv-cnn", section: "6.3", model: "cnn", holdoutAccuracy: 0.875, testAccuracy: 0.625 },
    { id: "best-cnn", section: "8.6", model: "best", holdoutAccuracy: 0.75, testAccuracy: 0.5 },
  ];
  assert.deepEqual(holdoutSpan(rows, ["svm_rbf_raw", "svm_linear_raw", "pca_svm_rbf"]), { min: 0.75, max: 0.83 });
  assert.equal(holdoutSpan(rows, ["simple-cnn"]), undefined);
  const widest = widestHoldoutTestGap(rows);
  assert.equal(widest.model, "cnn", "the first of two equal gaps");
  assert.equal(widest.gap, 0.25);
  assert.equal(widest.scored, 3);
  assert.deepEqual(widestHoldoutTestGap(rows.slice(1, 2)), { model: "none", gap: 0, scored: 0 });
});
