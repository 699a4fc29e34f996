/**
 * `deno task notebooks [--profile smoke|quick|full] [--data-dir DIR] [--no-rerun] [name…]`:
 * executes every notebook of `notebooks/` in order on the Deno kernel through
 * Jupyter's own client (nbclient, from Debian's python3-nbclient), checks
 * that each can be re-executed, and writes the executed copies to
 * `outputs/notebooks/`. Fails with the cell and its error when a cell fails.
 *
 * @module
 */

import { join } from "node:path";
import { dataDir, generateData, outputsDir, REPO_ROOT } from "noisy-digits/data";
import { activeProfile, PROFILES } from "noisy-digits/study";
import { ensureKernel, listNotebooks, runNotebook, stopRunningNotebook } from "./notebook_runner.ts";
import { lockFolder, onEndingSignal, signalExitCode, stopChildren } from "noisy-digits/util";
import { formatDuration } from "noisy-digits/display";
import { orUsageError, parseOptions, usageError } from "./args.ts";

const USAGE = "usage: deno task notebooks [--profile smoke|quick|full] [--data-dir DIR] [--no-rerun] [name…]";
const { values, positionals } = parseOptions(
  {
    profile: { type: "string" },
    "data-dir": { type: "string" },
    "no-rerun": { type: "boolean", default: false },
  },
  USAGE,
  { allowPositionals: true },
);
if (values.profile && !(PROFILES as readonly string[]).includes(values.profile)) {
  usageError(`--profile must be one of ${PROFILES.join(", ")}, got "${values.profile}"`, USAGE);
}
const profile = values.profile ?? activeProfile("full");
const [data, outputs] = orUsageError(() => [dataDir(values["data-dir"]), outputsDir()]);

// Ctrl+C, kill, a closed terminal: the notebook's executor and kernel are stopped before this process exits.
onEndingSignal(async (signal) => {
  await stopRunningNotebook();
  await stopChildren();
  console.error(`\ninterrupted (${signal}): the notebook run was stopped, its kernel shut down`);
  Deno.exit(signalExitCode(signal));
});
try {
  await ensureKernel();
  // One command at a time writes in the outputs folder; the data folder is not rebuilt while they read it.
  await lockFolder(outputs, { purpose: "running notebooks" });
  const built = await generateData({ dir: data });
  if (built.written) console.log(`built the data set in ${data} (${built.seconds.toFixed(1)} s)`);
  await lockFolder(data, { purpose: "notebooks reading it", shared: true });
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}

const dir = join(REPO_ROOT, "notebooks");
const all = listNotebooks(dir);
const chosen = positionals.length ? all.filter((n) => positionals.some((p) => n.startsWith(p) || n === p)) : all;
if (chosen.length === 0) {
  console.error(`no notebook matches ${positionals.join(", ")} in ${dir}`);
  Deno.exit(2);
}
console.log(`running ${chosen.length} notebook(s) with profile "${profile}", data from ${data}`);
const t0 = performance.now();
for (const name of chosen) {
  const { ok } = await runNotebook(join(dir, name), {
    profile,
    dataDir: data,
    outputsDir: outputs,
    rerun: !values["no-rerun"],
  });
  if (!ok) {
    console.error(`notebook ${name} failed; stopping`);
    Deno.exit(1);
  }
}
console.log(`all ${chosen.length} notebook(s) passed in ${formatDuration((performance.now() - t0) / 1000)}`);
