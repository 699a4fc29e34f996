/**
 * `deno task data [--force] [--data-dir DIR] [--seed N] [--train-count N] [--test-count N] [--recipe max|replace]`:
 * builds the noisy-digits files from MNIST (see shared/DATA.md), or keeps
 * existing ones. `--recipe replace` builds the second reading of the data
 * card's noise (only background pixels replaced, `lib/data/synthesis.ts`). The three files are replaced as one unit (an interrupted
 * build leaves the old set whole, see `lib/data/replace.ts`).
 *
 * @module
 */

import { dataDir, generateData, NOISE_RECIPES, parseNoiseRecipe } from "noisy-digits/data";
import { intOption, parseOptions, usageError } from "./args.ts";

const USAGE = "usage: deno task data [--force] [--data-dir DIR] [--seed N] [--train-count N] [--test-count N] " +
  `[--recipe ${NOISE_RECIPES.join("|")}]\n` +
  "Builds train_data.csv, test_data.csv and test_solution.csv in the data directory\n" +
  "(default: $NOISY_DIGITS_DATA or data/). Existing files are kept unless --force.\n" +
  "--train-count / --test-count: smaller sets for tests (default 12000 / 50000).\n" +
  "--recipe: max (default) stores max(digit, noise) in every pixel; replace puts the noise in the\n" +
  "background pixels only (digit = 0) and keeps every stroke pixel as it was.";

const { values } = parseOptions({
  force: { type: "boolean", default: false },
  "data-dir": { type: "string" },
  seed: { type: "string" },
  "train-count": { type: "string" },
  "test-count": { type: "string" },
  recipe: { type: "string" },
}, USAGE);
const seed = intOption(values.seed, "--seed", USAGE);
const trainCount = intOption(values["train-count"], "--train-count", USAGE, 1);
const testCount = intOption(values["test-count"], "--test-count", USAGE, 1);
let recipe;
try {
  recipe = values.recipe === undefined ? undefined : parseNoiseRecipe(values.recipe);
} catch (e) {
  usageError(`--recipe: ${e instanceof Error ? e.message : e}`, USAGE);
}
try {
  const options = { dir: values["data-dir"], force: values.force, seed, trainCount, testCount, recipe };
  const result = await generateData(options);
  if (result.written) {
    console.log(`wrote ${result.files.join(", ")} in ${result.seconds.toFixed(1)} s`);
  } else {
    console.log(`data already present in ${dataDir(values["data-dir"])}, left unchanged (use --force to rebuild)`);
  }
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
