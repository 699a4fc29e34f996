import assert from "node:assert/strict";
import { join } from "node:path";
import { fourConvCnn } from "noisy-digits/networks";
import { fitPipeline } from "noisy-digits/svm";
import { initBackend } from "noisy-digits/runtime";
import { createDataset } from "noisy-digits/data";
import { emptyHistory, type TrainedModel } from "noisy-digits/train";
import {
  BEST_MODEL_IDS,
  entries,
  entry,
  EQUAL_UPDATES_ARMS,
  equalUpdatesId,
  FINAL_MODEL_ID,
  isExtraSeed,
  labelOf,
  model,
  readAllResults,
  record,
  recordId,
  recordOf,
  REPORT_CNN_IDS,
  REPORT_SVM_IDS,
  reportPcaSvmSpec,
  reportSvmSpec,
  resultRow,
  seedsOf,
} from "noisy-digits/study";

/** Runs `fn` with the ledger in a fresh folder and the smoke profile active. */
async function withOutputs(fn: (outputs: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", dir);
  Deno.env.set("NOISY_DIGITS_PROFILE", "smoke");
  try {
    await fn(dir);
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    Deno.env.delete("NOISY_DIGITS_PROFILE");
    await Deno.remove(dir, { recursive: true });
  }
}

const PUBLISHED = new URL("../../outputs/published/results.json", import.meta.url);

Deno.test("registry: ids are unique, and every id the study selects by is one of them", () => {
  const ids = entries().map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, "an id is given twice");
  for (const id of [...REPORT_SVM_IDS, ...REPORT_CNN_IDS, FINAL_MODEL_ID, ...Object.values(BEST_MODEL_IDS)]) {
    assert.ok(ids.includes(id), `${id} is not in the registry`);
  }
  assert.throws(() => entry("alt-cnn"), /no model "alt-cnn" in the registry/);
});

Deno.test("registry: an SVM's id is its saved name, without the profile", () => {
  for (const profile of ["smoke", "full"]) {
    assert.equal(reportSvmSpec("rbf", profile).cacheName, `svm_rbf_raw_${profile}`);
    assert.equal(reportSvmSpec("linear", profile).cacheName, `svm_linear_raw_${profile}`);
    assert.equal(reportPcaSvmSpec("rbf", profile, 10).cacheName, `pca_svm_rbf_${profile}`);
    assert.equal(reportPcaSvmSpec("linear", profile, 10).cacheName, `pca_svm_linear_${profile}`);
  }
  for (const id of REPORT_SVM_IDS) assert.ok(entry(id));
});

Deno.test("registry: every row of the published ledger, written before ids, maps to its own id", async () => {
  const published: { model: string; section: string }[] = JSON.parse(await Deno.readTextFile(PUBLISHED));
  const ids = published.map((r) => recordId(r));
  assert.deepEqual(published.filter((_, i) => ids[i] === undefined).map((r) => r.model), [], "rows without an id");
  // One row per model and seed: a model trained with several seeds has a row for each.
  const keys = published.map((r, i) => `${ids[i]} ${(r as { seed?: number }).seed ?? ""}`);
  assert.equal(new Set(keys).size, published.length, "two rows of the published ledger share an id and a seed");
  for (const [i, r] of published.entries()) assert.equal(entry(ids[i]!).section, r.section, r.model);
});

Deno.test("registry: a label's details are filled in, and a missing one is an error", () => {
  assert.equal(
    labelOf("four-conv-cnn-fresh-noise", { kind: "noisy" }),
    "4-conv CNN, Adam one-cycle, augmentation: fresh noise, digits not moved (noisy)",
  );
  assert.throws(() => labelOf("four-conv-cnn-fresh-noise"), /needs the detail "kind"/);
  assert.equal(labelOf("four-conv-cnn"), "4-conv CNN, Adam one-cycle");
});

Deno.test("registry: records are found by id, not by label", () => {
  const rows = [
    { id: "four-conv-cnn", section: "6.3", model: "renamed", holdoutAccuracy: 0.9 },
    { id: "four-conv-cnn", section: "6.3", model: "renamed again", holdoutAccuracy: 0.95 },
    { section: "6.3", model: "4-conv CNN, Adam one-cycle", holdoutAccuracy: 0.5 },
  ];
  assert.equal(recordOf(rows.slice(0, 2), "four-conv-cnn")?.holdoutAccuracy, 0.95);
  assert.equal(recordOf(rows, "four-conv-cnn")?.holdoutAccuracy, 0.5, "a row without id counts by its label");
  assert.equal(recordOf(rows, "simple-cnn"), undefined);
});

Deno.test("registry: another seed's record is told apart, and recordOf gives the entry's own seed", () => {
  const rows = [
    { id: "final-cnn", section: "7", model: "final", testAccuracy: 0.95, seed: 7 },
    { id: "final-cnn", section: "7", model: "final", testAccuracy: 0.9, seed: 8 },
  ];
  assert.deepEqual(rows.map(isExtraSeed), [false, true]);
  assert.equal(recordOf(rows, "final-cnn")?.testAccuracy, 0.95);
  assert.equal(isExtraSeed({ id: "four-conv-cnn-features-svm", model: "svm", seed: 1 }), false, "no seed of its own");
  assert.equal(isExtraSeed({ model: "Alternative CNN (4 conv), Adam one-cycle", seed: 4 }), true, "by its old label");
});

Deno.test("registry: the seeds of a model start from its entry's seed; a model without one is refused", () => {
  assert.deepEqual(seedsOf("four-conv-cnn", "full"), [3, 4, 5]);
  assert.deepEqual(seedsOf(FINAL_MODEL_ID, "smoke"), [7, 8]);
  assert.deepEqual(seedsOf(BEST_MODEL_IDS.competition, "full"), [7, 8, 9]);
  assert.throws(() => seedsOf("four-conv-cnn-features-svm", "full"), /has no seed of its own/);
});

Deno.test("registry: the report's budget-labelled rows, the equal-updates arms and the ensemble have ids", () => {
  assert.equal(
    labelOf("simple-cnn-report", { budget: "6 of ~7,100 updates: untrained, its curve has not left chance" }),
    "Simple CNN, the report's Adadelta stages: 6 of ~7,100 updates: untrained, its curve has not left chance",
  );
  assert.throws(() => labelOf("simple-cnn-report-first-stage"), /needs the detail "budget"/);
  const arms = EQUAL_UPDATES_ARMS.map((arm) => entry(equalUpdatesId(arm)));
  assert.deepEqual(
    arms.map((e) => e.label),
    EQUAL_UPDATES_ARMS.map((a) => `Simple CNN, equal updates: ${a.label}, {budget}`),
  );
  assert.ok(arms.every((e) => e.train && e.section === "6.1"), "every arm is trained by the registry");
  assert.match(labelOf("simple-cnn-augmented"), /a stand-in/);
  assert.match(labelOf("four-conv-cnn-report-aug-recipe"), /a stand-in/);
  const ensemble = resultRow("best-cnn-competition-files-ensemble", { savedAs: "smoke/x" }, { holdoutAccuracy: 0.9 }, {
    detail: { seeds: 3, epochs: 14, shifts: "", augmentation: "noisy-image" },
  });
  assert.equal(ensemble.savedAs, undefined, "an average of saved models is not rescored as one");
  assert.match(ensemble.model, /the average of 3 seeds/);
});

Deno.test("registry: record derives seconds, parameters, saved name, seed and profile from the run", async () => {
  await initBackend();
  const net = fourConvCnn({ seed: 1 });
  const run: TrainedModel = {
    model: net,
    history: emptyHistory(),
    seconds: 12.5,
    loaded: false,
    dir: "/nowhere",
    name: "smoke/four-conv-cnn",
  };
  await withOutputs(async (outputs) => {
    const { row, path } = await record("four-conv-cnn", run, { holdoutAccuracy: 0.9 });
    assert.equal(path, join(outputs, "results", "06_alternative_cnn.json"));
    assert.deepEqual(row, {
      id: "four-conv-cnn",
      section: "6.3",
      model: "4-conv CNN, Adam one-cycle",
      holdoutAccuracy: 0.9,
      reportAccuracy: 0.921,
      trainSeconds: 12.5,
      parameters: 273686,
      savedAs: "smoke/four-conv-cnn",
      seed: 3,
      profile: "smoke",
    });
    // Recording again replaces the row (same id, seed and profile); another file is chosen by `file`.
    await record("four-conv-cnn", run, { holdoutAccuracy: 0.91 });
    await record("four-conv-cnn", run, { holdoutAccuracy: 0.92 }, { file: "08_beyond" });
    // Another seed of the same model keeps its own row.
    await record("four-conv-cnn", run, { holdoutAccuracy: 0.93 }, { file: "08_beyond", seed: 4 });
    assert.deepEqual((await readAllResults()).map((r) => [r.id, r.seed, r.holdoutAccuracy]), [
      ["four-conv-cnn", 3, 0.91],
      ["four-conv-cnn", 3, 0.92],
      ["four-conv-cnn", 4, 0.93],
    ]);
  });
  net.dispose();
});

Deno.test("registry: an SVM pipeline's saved file, and a model whose figure is its own, names no saved model", async () => {
  const pixels = new Float32Array(40 * 784).map((_, i) => ((i * 7919) % 255) / 255);
  const labels = Uint8Array.from({ length: 40 }, (_, i) => i % 2);
  const train = createDataset(pixels, { name: "tiny", labels });
  await withOutputs(async () => {
    const svm = await fitPipeline(train, { svc: { kernel: "linear", C: 1 }, cacheName: "svm_linear_raw_smoke" });
    assert.equal(svm.savedAs, "svm_linear_raw_smoke.bin");
    const row = resultRow("svm_linear_raw", svm, { holdoutAccuracy: 0.5 });
    assert.equal(row.savedAs, "svm_linear_raw_smoke.bin");
    assert.equal(row.trainSeconds, svm.fitSeconds);
    assert.equal(row.reportAccuracy, 0.75);
    const final = resultRow(FINAL_MODEL_ID, { seconds: 3, savedAs: "smoke/final-cnn" }, { testAccuracy: 0.9 });
    assert.equal(final.savedAs, undefined, "the final model's test figure is its submission's");
  });
});

Deno.test("registry: model() with another seed trains it under <id>-seed<n>, the entry's seed under the id", async () => {
  await initBackend();
  const pixels = new Float32Array(16 * 784).map((_, i) => ((i * 7919) % 255) / 255);
  const train = createDataset(pixels, { name: "tiny", labels: Uint8Array.from({ length: 16 }, (_, i) => i % 10) });
  await withOutputs(async () => {
    const context = { train, epochs: 1, profile: "smoke" };
    const own = await model("four-conv-cnn", { ...context, seed: 3 });
    const other = await model("four-conv-cnn", { ...context, seed: 4 });
    assert.deepEqual([own.name, other.name], ["smoke/four-conv-cnn", "smoke/four-conv-cnn-seed4"]);
    const [a, b] = [own, other].map((r) => r.model.getWeights()[0].dataSync()[0]);
    assert.notEqual(a, b, "another seed, other initial weights");
    own.model.dispose();
    other.model.dispose();
  });
});

Deno.test("registry: model() trains only what the registry can train alone", async () => {
  const train = createDataset(new Float32Array(784), { name: "empty", labels: new Uint8Array(1) });
  await assert.rejects(
    () => model("best-cnn", { train, epochs: 1, profile: "smoke" }),
    /"best-cnn" is not trained by the registry alone/,
  );
  await assert.rejects(() => model("nope", { train, epochs: 1, profile: "smoke" }), /no model "nope"/);
  await assert.rejects(
    () => model("simple-cnn", { train, epochs: 1, profile: "smoke", seed: 12 }),
    /"simple-cnn" is trained with its own seed only \(11\), not seed 12/,
  );
});
