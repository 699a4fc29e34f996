/**
 * `deno task predict [--model DIR] [--test FILE | --data-dir DIR] [--out FILE]`:
 * predicts the test images with a saved model (default
 * `outputs/models/final-cnn`), writes the submission (`Id,Category`) and
 * scores it when `test_solution.csv` exists.
 *
 * The default output is `outputs/submission.csv` for the data directory's
 * `test_data.csv`; predictions of another test file (`--test`) go to
 * `outputs/submission-<its name>.csv`, and those of another data folder
 * (`--data-dir`) to `outputs/submission-<folder name>.csv`, unless `--out`
 * says otherwise, so a partial file never replaces the full submission; nor
 * does the default output replace a submission of more rows. `--out` naming
 * one of the inputs is refused. The solution beside the
 * test file is read and checked against the test file's row count before
 * anything is written.
 *
 * @module
 */

import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import {
  checkInputFile,
  dataFile,
  loadCsvDataset,
  loadLabelsCsv,
  outputPath,
  outputsDir,
  scoreSubmission,
  writeSubmission,
} from "noisy-digits/data";
import { formatPercent } from "noisy-digits/display";
import { initBackend } from "noisy-digits/runtime";
import { argMaxRows, helperWorkers, loadNetwork, modelExists, predictProba } from "noisy-digits/train";
import { exists, lockFolder, sameFile } from "noisy-digits/util";
import { orUsageError, parseOptions } from "./args.ts";

const USAGE = "usage: deno task predict [--model DIR] [--test FILE | --data-dir DIR] [--out FILE]";
const { values } = parseOptions({
  model: { type: "string" },
  test: { type: "string" },
  "data-dir": { type: "string" },
  out: { type: "string" },
}, USAGE);
const { modelDirPath, testPath, solution, out, defaultOut } = orUsageError(() => {
  const modelDirPath = values.model ?? outputPath("models", "final-cnn");
  const testPath = values.test ?? dataFile("test", values["data-dir"]);
  const solution = values.test
    ? join(dirname(testPath), "test_solution.csv")
    : dataFile("solution", values["data-dir"]);
  // The full submission is made from the default data folder's test file; any other test file's predictions go to a
  // file named after it, so that a partial file never replaces the full submission.
  const ownTest = resolve(testPath) !== resolve(dataFile("test"));
  const stem = values.test ? basename(testPath, extname(testPath)) : basename(dirname(resolve(testPath)));
  const defaultOut = outputPath(ownTest ? `submission-${stem}.csv` : "submission.csv");
  return { modelDirPath, testPath, solution, out: values.out ?? defaultOut, defaultOut };
});
try {
  if (!await modelExists(modelDirPath)) {
    throw new Error(`no saved model in ${modelDirPath} (run notebooks/07_prediction.ipynb, or pass --model DIR)`);
  }
  const t0 = performance.now();
  await checkInputFile(testPath);
  const inputs = [testPath, solution, modelDirPath];
  const clash = inputs.find((input) => sameFile(out, input)) ?? (isInside(out, modelDirPath) ? modelDirPath : null);
  if (clash) throw new Error(`--out ${out} is one of the inputs (${clash}): refused, it would be overwritten`);
  if (await exists(out) && !(await Deno.stat(out)).isFile) throw new Error(`--out ${out} is not a regular file`);
  // One command writes in the outputs folder at a time (a reproduce run publishes submissions there).
  const lock = isInside(out, outputsDir()) ? await lockFolder(outputsDir(), { purpose: "writing a submission" }) : null;
  await initBackend();
  const model = await loadNetwork(modelDirPath);
  const test = await loadCsvDataset(testPath, false);
  // Checked before anything is written: a solution of another length is an error, not a wrong score.
  const truth = await exists(solution) ? await loadLabelsCsv(solution) : null;
  if (truth && truth.length !== test.count) {
    throw new Error(
      `${testPath} holds ${test.count} images but ${solution} holds ${truth.length} labels: ` +
        (test.count < truth.length ? `${testPath} looks cut short` : `${solution} looks cut short`) +
        " (or the two files are not of the same set); nothing was written",
    );
  }
  if (out === defaultOut && !values.out) await refusePartialOverwrite(out, test.count);
  const predictions = argMaxRows(await predictProba(model, test, { workers: helperWorkers(), progress: undefined }));
  await writeSubmission(predictions, out);
  lock?.release();
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

/** Whether `path` lies inside folder `dir`. */
function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Refuses to replace a submission of more rows than `rows` by default (pass --out to choose the file). */
async function refusePartialOverwrite(path: string, rows: number): Promise<void> {
  if (!await exists(path)) return;
  const old = (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim() !== "").length - 1;
  if (old > rows) {
    throw new Error(
      `${path} holds ${old} predictions and this test set has ${rows} images: refused to replace the fuller ` +
        `submission with a partial one (pass --out FILE to write elsewhere); nothing was written`,
    );
  }
}
