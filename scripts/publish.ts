/**
 * Publishing the outputs of a `deno task reproduce` run only when it
 * succeeds. The run writes into a staging folder,
 * `<outputs>/.reproduce.tmp-<pid>-<hex>/`, used as its outputs directory
 * (with links to the shared `models/` and `features/` caches, so trained
 * models are still reused). When every notebook passed, {@linkcode publish}
 * moves what it made into `<outputs>`: the results rows of its profile
 * replace that profile's rows (other profiles' rows stay), then figures,
 * submissions and executed notebooks replace the files of the same names, and
 * `REPORT.md` comes last. Nothing else in `<outputs>` is touched: a file a
 * user put in `figures/` stays.
 *
 * The move is made all-or-nothing by a record, `<outputs>/.reproduce-publish.json`,
 * written before the first move; {@linkcode recoverPublish} (run at the start
 * of every `reproduce`) completes a publish that was killed after it, and
 * removes the staging folders of runs that were killed before it. A failed
 * run publishes nothing and removes its staging folder.
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import { commitStaged, faultPoint, listDir, recoverStaged, type StagedCommit, tempName } from "../lib/util/fs.ts";
import { readResultFile, writeResultFile } from "../lib/study/results.ts";

/** Name of the publish record in the outputs folder. */
export const PUBLISH_RECORD = ".reproduce-publish.json";
/** Shared caches the staging folder links to instead of copying. */
export const SHARED = ["models", "features"];

interface PublishRecord extends StagedCommit {
  profile: string;
}

/** Creates the staging folder of a run in `outputs` and returns its path. */
export async function createStaging(outputs: string): Promise<string> {
  await Deno.mkdir(outputs, { recursive: true });
  const staging = tempName(join(outputs, ".reproduce"));
  await Deno.mkdir(staging);
  for (const name of SHARED) {
    await Deno.mkdir(join(outputs, name), { recursive: true });
    await Deno.symlink(join(outputs, name), join(staging, name));
  }
  return staging;
}

/** Files under `dir` (relative paths), not following the links to the shared caches. */
function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of listDir(dir)) {
    const rel = prefix ? join(prefix, e.name) : e.name;
    if (e.isSymlink) continue;
    if (e.isDirectory) out.push(...filesUnder(join(dir, e.name), rel));
    else if (e.isFile) out.push(rel);
  }
  return out;
}

/** Moves the staged outputs into place (idempotent, so a killed publish can be run again). */
async function apply(outputs: string, record: PublishRecord): Promise<void> {
  const staging = join(outputs, basename(record.staging));
  const profile = record.profile;
  // Results: this profile's rows are replaced by the run's, in every results file.
  const stagedResults = join(staging, "results");
  const names = new Set([
    ...filesUnder(join(outputs, "results")),
    ...filesUnder(stagedResults),
  ].filter((n) => n.endsWith(".json") && !n.includes("/")));
  for (const name of [...names].sort()) {
    const mine = (await readResultFile(join(stagedResults, name))).filter((r) => (r.profile ?? profile) === profile);
    const target = join(outputs, "results", name);
    const theirs = (await readResultFile(target)).filter((r) => (r.profile ?? null) !== profile);
    const rows = [...theirs, ...mine];
    if (rows.length === 0 && !(await Deno.stat(target).then(() => true, () => false))) continue;
    await writeResultFile(target, rows);
  }
  // Then every other file the run made, REPORT.md last.
  const files = filesUnder(staging).filter((f) => !f.startsWith("results/") && f !== "REPORT.md");
  for (const rel of [...files, "REPORT.md"]) {
    const from = join(staging, rel), to = join(outputs, rel);
    await Deno.mkdir(dirname(to), { recursive: true });
    await Deno.rename(from, to).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e; // moved before a kill
    });
    faultPoint();
  }
}

/**
 * Publishes the staged outputs of a successful run of `profile` (see the
 * module doc) and removes the staging folder. Returns the files published,
 * relative to `outputs`.
 */
export async function publish(outputs: string, staging: string, profile: string): Promise<string[]> {
  const published = filesUnder(staging);
  const record: PublishRecord = { staging: basename(staging), profile, pid: Deno.pid };
  await commitStaged(outputs, PUBLISH_RECORD, record, (r) => apply(outputs, r));
  return published.map((f) => relative(outputs, join(outputs, f)));
}

/** Removes the staging folder of a failed run (the links to the shared caches, not the caches). */
export async function discardStaging(staging: string): Promise<void> {
  await Deno.remove(staging, { recursive: true }).catch(() => {});
}

/**
 * Completes a publish killed after its record, and removes the staging
 * folders (and temporary files) of runs killed before it. The work of a run
 * still going is left alone. Returns whether a publish was completed.
 */
export async function recoverPublish(outputs: string): Promise<boolean> {
  return (await recoverStaged<PublishRecord>(outputs, PUBLISH_RECORD, (r) => apply(outputs, r))).completed;
}
