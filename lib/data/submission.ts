/**
 * Kaggle submissions: `Id,Category` files with one row per test image, ids
 * 0..n-1 in file order, and their leaderboard-style score against
 * `test_solution.csv` when that file exists.
 *
 * @module
 */

import { NUM_CLASSES } from "./dataset.ts";
import { writeFileAtomic } from "../util/fs.ts";
import { accuracy } from "../metrics/accuracy.ts";
import { outputPath } from "./paths.ts";

/** Formats predictions as the competition's submission CSV text. */
export function submissionCsv(predictions: ArrayLike<number>): string {
  const lines = new Array<string>(predictions.length + 1);
  lines[0] = "Id,Category";
  for (let i = 0; i < predictions.length; i++) {
    const c = predictions[i];
    if (!Number.isInteger(c) || c < 0 || c >= NUM_CLASSES) {
      throw new RangeError(`prediction ${i} is ${c}, expected a class 0-${NUM_CLASSES - 1}`);
    }
    lines[i + 1] = `${i},${c}`;
  }
  return lines.join("\n") + "\n";
}

/** Writes a submission file atomically and returns its path. */
export async function writeSubmission(predictions: ArrayLike<number>, path: string): Promise<string> {
  await writeFileAtomic(path, submissionCsv(predictions));
  return path;
}

/** Leaderboard score: the share of test images whose predicted class equals the solution's. */
export function scoreSubmission(predicted: ArrayLike<number>, solution: ArrayLike<number>): number {
  if (predicted.length !== solution.length) {
    throw new RangeError(`the submission has ${predicted.length} rows but the solution has ${solution.length}`);
  }
  return accuracy(solution, predicted);
}

/**
 * Where a submission goes: `outputs/<base>.csv` when the predictions cover
 * the whole test set (`count === fullCount`), otherwise a file marked as
 * partial, `outputs/<base>-<profile>-partial.csv`, which no one would
 * upload by mistake.
 */
export function submissionPath(base: string, count: number, fullCount: number, profile: string): string {
  return outputPath(count === fullCount ? `${base}.csv` : `${base}-${profile}-partial.csv`);
}
