/**
 * `deno task data [--force] [--data-dir DIR] [--seed N] [--train-count N] [--test-count N]`:
 * builds the noisy-digits files from MNIST (see shared/DATA.md), or keeps
 * existing ones. The three files are replaced as one unit (an interrupted
 * build leaves the old set whole, see `lib/data/replace.ts`).
 *
 * @module
 */

import { dataDir, generateData } from "noisy-digits/data";
import { intOption, parseOptions } from "./args.ts";

const USAGE = "usage: deno task data [--force] [--data-dir DIR] [--seed N] [--train-count N] [--test-count N]\n" +
  "Builds train_data.csv, test_data.csv and test_solution.csv in the data directory\n" +
  "(default: $NOISY_DIGITS_DATA or data/). Existing files are kept unless --force.\n" +
  "--train-count / --test-count: smaller sets for tests (default 12000 / 50000).";

const { values } = parseOptions({
  force: { type: "boolean", default: false },
  "data-dir": { type: "string" },
  seed: { type: "string" },
  "train-count": { type: "string" },
  "test-count": { type: "string" },
}, USAGE);
const seed = intOption(values.seed, "--seed", USAGE);
const trainCount = intOption(values["train-count"], "--train-count", USAGE, 1);
const testCount = intOption(values["test-count"], "--test-count", USAGE, 1);
try {
  const result = await generateData({ dir: values["data-dir"], force: values.force, seed, trainCount, testCount });
  if (result.written) {
    console.log(`wrote ${result.files.join(", ")} in ${result.seconds.toFixed(1)} s`);
  } else {
    console.log(`data already present in ${dataDir(values["data-dir"])}, left unchanged (use --force to rebuild)`);
  }
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
