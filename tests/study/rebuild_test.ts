/**
 * Notebook 09's helpers: the error split by clean originals, the learning-curve figure, the notebook's settings
 * (which must reuse notebook 06's network), the literature table's rule (no unchecked figure), the benchmark's
 * protocol and the other noise recipe aligned to the study's split.
 */
import assert from "node:assert/strict";
import { splitErrors } from "noisy-digits/metrics";
import { endLabels, learningCurvePlot } from "noisy-digits/plots";
import {
  benchmarkSplit,
  checkedLiterature,
  checkedRange,
  checkedSvmRbf,
  FOUR_CONV_CNN_SETTINGS,
  isQuoted,
  MNIST_BACK_RAND_LITERATURE,
  otherRecipe,
  PROFILES,
  REBUILD_SETTINGS,
} from "noisy-digits/study";
import {
  cleanTrainingDigits,
  createDataset,
  generateData,
  loadTrain,
  PIXELS,
  stratifiedSplit,
} from "noisy-digits/data";

const oneHot = (rows: number[], p = 1) => {
  const out = new Float32Array(rows.length * 10);
  rows.forEach((c, i) => (out[i * 10 + c] = p));
  return out;
};

Deno.test("splitErrors: a misread or unsure clean original makes an ambiguous digit, a sure one a noise-induced error", () => {
  const labels = [3, 3, 5, 7, 1];
  const predicted = [3, 8, 6, 1, 7]; // four errors: images 1-4
  const clean = oneHot([3, 3, 5, 2, 1]); // image 3's original is misread as 2
  clean[2 * 10 + 5] = 0.4; // image 2's original read as 5, but unsure
  const s = splitErrors(labels, predicted, clean);
  assert.deepEqual(s.errors, [1, 2, 3, 4]);
  assert.deepEqual(s.ambiguous, [2, 3]);
  assert.deepEqual(s.noiseInduced, [1, 4]);
  assert.deepEqual(splitErrors(labels, predicted, clean, { sureAt: 0.3 }).ambiguous, [3]);
  assert.throws(() => splitErrors(labels, predicted, oneHot([1, 2])), /5 labels, 5 predictions and 2 rows/);
});

Deno.test("learningCurvePlot draws a line per series, a dot per point and labelled reference crosses", () => {
  const fig = learningCurvePlot(
    [
      { series: "SVM, holdout", images: 1500, accuracy: 0.7 },
      { series: "SVM, holdout", images: 9000, accuracy: 0.83 },
      { series: "CNN, holdout", images: 1500, accuracy: 0.8 },
      { series: "CNN, holdout", images: 9000, accuracy: 0.95 },
    ],
    [{ label: "report: SVM radial", images: 9000, accuracy: 0.83 }],
    { title: "Curves", name: "c" },
  );
  assert.equal(fig.name, "c");
  const lines = /aria-label="line"[^>]*>([\s\S]*?)<\/g>/.exec(fig.svg)?.[1] ?? "";
  assert.equal((lines.match(/<path /g) ?? []).length, 2, "one line per series");
  assert.match(fig.svg, />SVM, holdout</);
  assert.match(fig.svg, />CNN, holdout</);
  // A reference cross's label sits left of it (the right edge holds the lines' names), a line's name right of it.
  assert.match(fig.svg, /text-anchor="end"[^>]*><text[^>]*>report: SVM radial</);
  assert.match(fig.svg, /text-anchor="start"[^>]*><text[^>]*>SVM, holdout</);
  assert.match(fig.svg, />Curves</);
  assert.match(fig.svg, /training images/);
});

Deno.test("notebook 09's settings reuse notebook 06's network and stay within the labelled file", () => {
  for (const p of PROFILES) {
    const s = REBUILD_SETTINGS[p];
    assert.equal(Math.max(...s.curveImages), FOUR_CONV_CNN_SETTINGS[p].trainImages, `${p}: largest curve point`);
    assert.equal(s.cnnEpochs, FOUR_CONV_CNN_SETTINGS[p].epochs, `${p}: epochs`);
    assert.ok(s.curveImages.includes(s.recipeCnnImages), `${p}: the recipe comparison's CNN is a curve point`);
    assert.equal(s.holdoutImages, FOUR_CONV_CNN_SETTINGS[p].holdoutImages, `${p}: holdout`);
    assert.ok(s.benchmark.trainImages + s.benchmark.validationImages <= 12_000, p);
  }
  assert.deepEqual(
    [REBUILD_SETTINGS.full.benchmark.trainImages, REBUILD_SETTINGS.full.benchmark.validationImages],
    [10_000, 2_000],
    "the benchmark's protocol",
  );
  assert.equal(REBUILD_SETTINGS.full.benchmark.testImages, 50_000);
});

Deno.test("the literature table quotes no figure it did not check, and says what was read for each row", () => {
  for (const r of MNIST_BACK_RAND_LITERATURE) {
    assert.ok(r.checked.length > 20, `${r.method}: what was read`);
    if (r.testError === null) assert.match(r.checked, /left out/, r.method);
    else assert.match(r.checked, /https?:\/\/|\w+\.\w+\//, `${r.method}: the copy the figure was checked in`);
  }
  assert.deepEqual(checkedLiterature(), MNIST_BACK_RAND_LITERATURE.filter((r) => r.testError !== null));
});

Deno.test("checkedRange spans the checked figures their works measured, quoted figures aside", () => {
  const range = checkedRange()!;
  assert.deepEqual([range.lowest.method, range.lowest.testError], ["PGBM + DN-1", 6.08]);
  assert.deepEqual([range.highest.method, range.highest.testError], ["RBM-FS", 11.42]);
  const quoted = checkedLiterature().filter(isQuoted).map((r) => r.testError);
  assert.deepEqual(quoted, [6.73, 10.9, 14.58], "Sohn et al.'s DBN-3 and CAE-2, Pandey and Dukkipati's SVM rbf");
  assert.ok(
    MNIST_BACK_RAND_LITERATURE.filter((r) => r.testError === null).every((r) => r.checked.includes("left out")),
  );
});

Deno.test("benchmarkSplit: the first images to train, the next to validate, none shared; too many refused", () => {
  const ds = createDataset(Float32Array.from({ length: 10 * PIXELS }, (_, i) => Math.floor(i / PIXELS)), {
    labels: new Uint8Array(10),
  });
  const settings = {
    ...REBUILD_SETTINGS.smoke,
    benchmark: { ...REBUILD_SETTINGS.smoke.benchmark, trainImages: 6, validationImages: 3 },
  };
  const { train, validation } = benchmarkSplit(ds, settings);
  assert.deepEqual([train.count, validation.count], [6, 3]);
  assert.equal(validation.pixels[0], 6);
  assert.throws(
    () => benchmarkSplit(ds, { ...settings, benchmark: { ...settings.benchmark, validationImages: 5 } }),
    /6 \+ 5 images, 10 labelled/,
  );
});

Deno.test("otherRecipe: the same digits in the same split rows, strokes kept as MNIST has them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noisy-digits-rebuild-" });
  await generateData({ dir, trainCount: 120, testCount: 40, progress: "silent" });
  const labelled = await loadTrain({ dataDir: dir, cache: false });
  const split = stratifiedSplit(labelled, { holdoutFraction: 0.25, seed: 42 });
  const other = await otherRecipe(labelled, split, dir);
  assert.ok(typeof other !== "string", String(other));
  assert.equal(other.recipe, "replace");
  assert.deepEqual(other.split.holdout.labels, split.holdout.labels);
  assert.equal(other.test.count, 40);
  const clean = await cleanTrainingDigits(labelled, { trainCount: 120, testCount: 40 });
  for (let i = 0; i < clean.pixels.length; i++) {
    if (clean.pixels[i] > 0) assert.ok(Math.abs(other.labelled.pixels[i] - clean.pixels[i]) <= 5e-4 + 1e-7);
    else assert.equal(other.labelled.pixels[i], labelled.pixels[i]);
  }
  // Not a rebuild (another seed's rows): a reason, no data.
  const foreign = createDataset(labelled.pixels.map((v) => 1 - v), { labels: labelled.labels, name: "foreign" });
  assert.match(String(await otherRecipe(foreign, split, dir)), /not a rebuild/);
});

Deno.test("endLabels: one name per series in a column at the right edge, close names pushed apart", () => {
  const labels = endLabels([
    { series: "a", images: 100, accuracy: 0.1 },
    { series: "a", images: 900, accuracy: 0.795 },
    { series: "b", images: 1200, accuracy: 0.8 },
    { series: "c", images: 900, accuracy: 0.2 },
  ]);
  assert.deepEqual(labels.map((l) => l.series), ["c", "a", "b"]);
  // Every name sits at the largest image count, also those of lines that end earlier (a and c end at 900).
  assert.deepEqual(labels.map((l) => l.images), [1200, 1200, 1200]);
  const [c, a, b] = labels.map((l) => l.y);
  assert.equal(c, 20);
  assert.ok(Math.abs(a - 79.5) < 1e-9);
  // b ends at another image count than a, yet its name is pushed apart from a's: one column, no overlap.
  assert.ok(Math.abs(b - (79.5 + 70 / 25)) < 1e-9, `b pushed to ${b}`);
});

Deno.test("checkedSvmRbf is the checked published RBF SVM row, the method notebook 09 runs too", () => {
  const row = checkedSvmRbf()!;
  assert.equal(row.testError, 14.58);
  assert.ok(row.method.startsWith("SVM rbf") && isQuoted(row), row.method);
  assert.ok(checkedLiterature().includes(row));
});
