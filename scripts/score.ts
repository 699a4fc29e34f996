/**
 * `deno task score [--submission FILE] [--data-dir DIR]`: scores a submission
 * (`Id,Category`) against `test_solution.csv` like the competition's
 * leaderboard. The real competition ships no solution file: then it says so.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { DATA_FILES, dataFile, loadLabelsCsv, outputPath, scoreSubmission } from "noisy-digits/data";
import { formatPercent } from "noisy-digits/display";
import { exists } from "noisy-digits/util";
import { orUsageError, parseOptions } from "./args.ts";

const { values } = parseOptions(
  { submission: { type: "string" }, "data-dir": { type: "string" } },
  "usage: deno task score [--submission outputs/submission.csv] [--data-dir DIR]",
);
const { submission, solution } = orUsageError(() => ({
  submission: values.submission ?? outputPath("submission.csv"),
  solution: dataFile("solution", values["data-dir"]),
}));
try {
  const folder = dirname(solution);
  if (!await exists(folder)) {
    throw new Error(`${folder}: no such data folder, so there is no test_solution.csv to score against`);
  }
  if (!(await Deno.stat(folder)).isDirectory) {
    throw new Error(`${folder} is a file, expected a data folder holding test_solution.csv`);
  }
  if (!await exists(solution) && !await exists(join(folder, DATA_FILES.test))) {
    throw new Error(
      `${folder} has no test_solution.csv (nor test_data.csv): it does not look like a data folder; ` +
        "check --data-dir (or NOISY_DIGITS_DATA)",
    );
  }
  if (!await exists(solution)) {
    console.log(
      `no ${solution}: the labels of this test set are not available (the real competition keeps them private), ` +
        `so ${submission} cannot be scored here; submit it to the competition instead`,
    );
    Deno.exit(3);
  }
  const truth = await loadLabelsCsv(solution);
  const predicted = await loadLabelsCsv(submission, { rows: truth.length });
  const score = scoreSubmission(predicted, truth);
  console.log(`${submission}: accuracy ${formatPercent(score)} on ${truth.length} test images`);
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
