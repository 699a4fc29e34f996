/**
 * `deno task data [--force] [--data-dir DIR] [--seed N]`: builds the
 * noisy-digits files from MNIST (see shared/DATA.md), or keeps existing ones.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { generateData } from "../lib/data/generate.ts";
import { dataDir } from "../lib/data/paths.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    force: { type: "boolean", default: false },
    "data-dir": { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(
    "usage: deno task data [--force] [--data-dir DIR] [--seed N]\n" +
      "Builds train_data.csv, test_data.csv and test_solution.csv in the data directory\n" +
      "(default: $NOISY_DIGITS_DATA or data/). Existing files are kept unless --force.",
  );
  Deno.exit(0);
}
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isInteger(seed)) {
  console.error(`--seed: expected an integer, got "${values.seed}"`);
  Deno.exit(2);
}
try {
  const result = await generateData({ dir: values["data-dir"], force: values.force, seed });
  if (result.written) {
    console.log(`wrote ${result.files.join(", ")} in ${result.seconds.toFixed(1)} s`);
  } else {
    console.log(`data already present in ${dataDir(values["data-dir"])}, left unchanged (use --force to rebuild)`);
  }
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
