/**
 * `deno task predict [--model DIR] [--test FILE | --data-dir DIR] [--out FILE]`:
 * predicts the test images with a saved model (default
 * `outputs/models/final-cnn`), writes the submission (`Id,Category`) and
 * scores it when `test_solution.csv` exists.
 *
 * The default output is `outputs/submission.csv` for the data directory's
 * `test_data.csv`; predictions of another test file (`--test`) go to
 * `outputs/submission-<its name>.csv` unless `--out` says otherwise, so a
 * partial file never replaces the full submission. The solution beside the
 * test file is read and checked against the test file's row count before
 * anything is written.
 *
 * @module
 */

import { basename, dirname, extname, join, resolve } from "node:path";
import {
  checkInputFile,
  dataFile,
  loadCsvDataset,
  loadLabelsCsv,
  outputPath,
  scoreSubmission,
  writeSubmission,
} from "noisy-digits/data";
import { formatPercent } from "noisy-digits/display";
import { initBackend } from "noisy-digits/runtime";
import { argMaxRows, helperWorkers, loadNetwork, modelExists, predictProba } from "noisy-digits/train";
import { exists } from "noisy-digits/util";
import { parseOptions } from "./args.ts";

const { values } = parseOptions({
  model: { type: "string" },
  test: { type: "string" },
  "data-dir": { type: "string" },
  out: { type: "string" },
}, "usage: deno task predict [--model DIR] [--test FILE | --data-dir DIR] [--out FILE]");
const modelDirPath = values.model ?? outputPath("models", "final-cnn");
const defaultTest = dataFile("test", values["data-dir"]);
const testPath = values.test ?? defaultTest;
const ownTest = resolve(testPath) !== resolve(defaultTest);
const out = values.out ??
  (ownTest ? outputPath(`submission-${basename(testPath, extname(testPath))}.csv`) : outputPath("submission.csv"));
try {
  if (!await modelExists(modelDirPath)) {
    throw new Error(`no saved model in ${modelDirPath} (run notebooks/07_prediction.ipynb, or pass --model DIR)`);
  }
  const t0 = performance.now();
  await checkInputFile(testPath);
  if (await exists(out) && !(await Deno.stat(out)).isFile) throw new Error(`--out ${out} is not a regular file`);
  await initBackend();
  const model = await loadNetwork(modelDirPath);
  const test = await loadCsvDataset(testPath, false);
  const solution = values.test
    ? join(dirname(testPath), "test_solution.csv")
    : dataFile("solution", values["data-dir"]);
  // Checked before anything is written: a solution of another length is an error, not a wrong score.
  const truth = await exists(solution) ? await loadLabelsCsv(solution, { rows: test.count }) : null;
  const predictions = argMaxRows(await predictProba(model, test, { workers: helperWorkers(), progress: undefined }));
  await writeSubmission(predictions, out);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`wrote ${out}: ${test.count} predictions in ${seconds.toFixed(1)} s`);
  if (truth) {
    const score = scoreSubmission(predictions, truth);
    console.log(`accuracy against ${solution}: ${formatPercent(score)}`);
  } else {
    console.log(`no ${solution}: the test labels are not available here, so the submission is not scored`);
  }
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
