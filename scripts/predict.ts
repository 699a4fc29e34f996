/**
 * `deno task predict [--model DIR] [--test FILE | --data-dir DIR] [--out FILE]`:
 * predicts the test images with a saved model (default
 * `outputs/models/final-cnn`), writes the submission (`Id,Category`, default
 * `outputs/submission.csv`) and scores it when `test_solution.csv` exists.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { loadCsvDataset, loadLabelsCsv } from "../lib/data/load.ts";
import { dataFile, outputPath } from "../lib/data/paths.ts";
import { scoreSubmission, writeSubmission } from "../lib/data/submission.ts";
import { initBackend } from "../lib/runtime/backend.ts";
import { loadNetwork, modelExists } from "../lib/train/io.ts";
import { argMaxRows, predictProba } from "../lib/train/predict.ts";
import { helperWorkers } from "../lib/train/parallel.ts";
import { exists } from "../lib/util/fs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    model: { type: "string" },
    test: { type: "string" },
    "data-dir": { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("usage: deno task predict [--model DIR] [--test FILE | --data-dir DIR] [--out FILE]");
  Deno.exit(0);
}
const modelDirPath = values.model ?? outputPath("models", "final-cnn");
const testPath = values.test ?? dataFile("test", values["data-dir"]);
const out = values.out ?? outputPath("submission.csv");
try {
  if (!await modelExists(modelDirPath)) {
    throw new Error(`no saved model in ${modelDirPath} (run notebooks/07_prediction.ipynb, or pass --model DIR)`);
  }
  const t0 = performance.now();
  await initBackend();
  const model = await loadNetwork(modelDirPath);
  const test = await loadCsvDataset(testPath, false);
  const predictions = argMaxRows(await predictProba(model, test, { workers: helperWorkers(), progress: undefined }));
  await writeSubmission(predictions, out);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`wrote ${out}: ${test.count} predictions in ${seconds.toFixed(1)} s`);
  const solution = values.test
    ? join(dirname(testPath), "test_solution.csv")
    : dataFile("solution", values["data-dir"]);
  if (await exists(solution)) {
    const score = scoreSubmission(predictions, await loadLabelsCsv(solution));
    console.log(`accuracy against ${solution}: ${(score * 100).toFixed(2)} %`);
  } else {
    console.log(`no ${solution}: the test labels are not available here, so the submission is not scored`);
  }
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
