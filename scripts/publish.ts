/**
 * Publishing the outputs of a `deno task reproduce` run only when it
 * succeeds, and resuming a run that did not finish. A run writes into its run
 * folder, `<outputs>/.reproduce-run-<profile>/`, used as its outputs directory
 * (with links to the shared `models/` and `features/` caches, so trained
 * models are still reused), and records there each notebook that finished
 * (`progress.json`, with a key of what the notebook's result depends on). A
 * run that fails or is interrupted publishes nothing and leaves its run
 * folder: the next run of the same profile reuses the notebooks whose key is
 * unchanged and redoes the rest ({@linkcode openRun}); `--fresh` starts over.
 *
 * When every notebook passed, {@linkcode publish} moves what the run made
 * into `<outputs>`: the results rows of its profile replace that profile's
 * rows (other profiles' rows stay), then figures, submissions, executed
 * notebooks and their HTML pages replace the files of the same names, the
 * published folder (`published/`, full profile only) replaces the old one as
 * a whole, and `REPORT.md` comes last. Nothing else in `<outputs>` is
 * touched: a file a user put in `figures/` stays.
 *
 * The move is made all-or-nothing by a record, `<outputs>/.reproduce-publish.json`,
 * written before the first move; {@linkcode recoverPublish} (run at the start
 * of every `reproduce`) completes a publish that was killed after it.
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import {
  commitStaged,
  exists,
  faultPoint,
  listDir,
  processAlive,
  processIdentity,
  recoverStaged,
  removeStaleLock,
  stagedBy,
  type StagedCommit,
  tempName,
  writeFileAtomic,
} from "noisy-digits/util";
import { readResultFile, type ResultRecord, writeResultFile } from "noisy-digits/study";

/** Name of the publish record in the outputs folder. */
export const PUBLISH_RECORD = ".reproduce-publish.json";
/** Shared caches the staging folder links to instead of copying. */
export const SHARED = ["models", "features"];

interface PublishRecord extends StagedCommit {
  profile: string;
}

/** The folder the published run lives in, inside the outputs folder (tracked by git; full profile only). */
export const PUBLISHED = "published";

/** One notebook that finished in a run: what it depended on, and how long it took. */
export interface FinishedNotebook {
  /** What the notebook's result depends on ({@linkcode notebookKey}), as JSON. */
  key: string;
  seconds: number;
  finishedAt: string;
  /** The ledger rows it wrote (results file and model), dropped before it is redone. */
  rows: { file: string; model: string }[];
}

/** `progress.json` of a run folder. */
export interface RunProgress {
  profile: string;
  /** The process running it (another live process with the same profile is refused). */
  pid: number;
  /** Its start ({@linkcode processIdentity}): a later process given the same pid is not taken for it. */
  started?: string;
  startedAt: string;
  notebooks: Record<string, FinishedNotebook>;
  /** The notebook running (or interrupted), with the ledger as it was before it started. */
  running?: { name: string; resultsBefore: Record<string, ResultRecord[]> };
}

/** A run folder opened by {@linkcode openRun}. */
export interface RunFolder {
  dir: string;
  progress: RunProgress;
  /** Whether an unfinished run's folder was taken over. */
  resumed: boolean;
}

/** The run folder of `profile` in `outputs`. */
export function runFolder(outputs: string, profile: string): string {
  return join(outputs, `.reproduce-run-${profile}`);
}

async function readProgress(dir: string): Promise<RunProgress | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, "progress.json")));
  } catch {
    return null;
  }
}

/** Records the progress of a run (atomically). */
export async function saveProgress(run: RunFolder): Promise<void> {
  await writeFileAtomic(join(run.dir, "progress.json"), JSON.stringify(run.progress, null, 1) + "\n");
}

/**
 * Opens the run folder of `profile`: takes over the folder an interrupted or
 * failed run left (its finished notebooks can be reused), or makes a new one
 * (`fresh` discards what an earlier run left). Throws when a live process
 * runs the same profile in the same outputs folder.
 */
export async function openRun(outputs: string, profile: string, fresh = false): Promise<RunFolder> {
  await Deno.mkdir(outputs, { recursive: true });
  const dir = runFolder(outputs, profile);
  const old = await readProgress(dir);
  if (old && old.pid !== Deno.pid && processAlive(old.pid, old.started)) {
    throw new Error(`another reproduce (pid ${old.pid}) is running the ${profile} profile in ${outputs}`);
  }
  const resumed = !fresh && old !== null && old.profile === profile;
  const progress: RunProgress = {
    profile,
    ...processIdentity(),
    startedAt: resumed ? old!.startedAt : new Date().toISOString(),
    notebooks: resumed ? old!.notebooks : {},
    running: resumed ? old!.running : undefined,
  };
  if (!resumed) {
    // A new run folder appears with its progress in it (made aside, then renamed): one without is a leftover.
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    const made = tempName(dir);
    await Deno.mkdir(made);
    await saveProgress({ dir: made, progress, resumed });
    await Deno.rename(made, dir);
  }
  for (const name of SHARED) {
    await Deno.mkdir(join(outputs, name), { recursive: true });
    await Deno.symlink(join(outputs, name), join(dir, name)).catch((e) => {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    });
  }
  const run = { dir, progress, resumed };
  if (resumed) await saveProgress(run); // now under this process's pid
  return run;
}

/** The run folder's ledger: every results file and its rows. */
export async function readLedger(run: RunFolder): Promise<Record<string, ResultRecord[]>> {
  const dir = join(run.dir, "results"), out: Record<string, ResultRecord[]> = {};
  for (const e of listDir(dir)) {
    if (e.isFile && e.name.endsWith(".json")) out[e.name] = await readResultFile(join(dir, e.name));
  }
  return out;
}

/** Replaces the run folder's ledger by `ledger` (files not in it are removed). */
async function writeLedger(run: RunFolder, ledger: Record<string, ResultRecord[]>): Promise<void> {
  const dir = join(run.dir, "results");
  await Deno.mkdir(dir, { recursive: true });
  for (const e of listDir(dir)) {
    if (e.isFile && e.name.endsWith(".json") && !(e.name in ledger)) await Deno.remove(join(dir, e.name));
  }
  for (const [name, rows] of Object.entries(ledger)) await writeResultFile(join(dir, name), rows);
}

/** A ledger row by its results file and model (a run folder's ledger holds one profile's rows). */
const rowKey = (file: string, model: string) => `${file}\0${model}`;

/**
 * Before a notebook runs: undoes what an interrupted notebook left in the ledger (its snapshot from before it started
 * is put back), drops the rows an earlier finished run of `name` wrote (it is being redone), and records the ledger
 * as it is now, so that {@linkcode finishNotebook} can tell which rows `name` writes.
 */
export async function beginNotebook(run: RunFolder, name: string): Promise<void> {
  if (run.progress.running) await writeLedger(run, run.progress.running.resultsBefore);
  const ledger = await readLedger(run);
  const owned = new Set((run.progress.notebooks[name]?.rows ?? []).map((r) => rowKey(r.file, r.model)));
  for (const file of Object.keys(ledger)) {
    ledger[file] = ledger[file].filter((r) => !owned.has(rowKey(file, r.model)));
  }
  await writeLedger(run, ledger);
  delete run.progress.notebooks[name];
  run.progress.running = { name, resultsBefore: ledger };
  await saveProgress(run);
}

/** After a notebook passed: records it as finished, with the ledger rows it wrote. */
export async function finishNotebook(run: RunFolder, name: string, key: string, seconds: number): Promise<void> {
  const before = new Set(
    Object.entries(run.progress.running?.resultsBefore ?? {}).flatMap(([f, rows]) =>
      rows.map((r) => rowKey(f, r.model))
    ),
  );
  const rows = Object.entries(await readLedger(run)).flatMap(([file, rs]) =>
    rs.filter((r) => !before.has(rowKey(file, r.model))).map((r) => ({ file, model: r.model }))
  );
  run.progress.notebooks[name] = { key, seconds, finishedAt: new Date().toISOString(), rows };
  run.progress.running = undefined;
  await saveProgress(run);
}

/** Files under `dir` with their contents hashed in name order (SHA-256, hex). */
async function hashFiles(paths: string[]): Promise<string> {
  const parts: Uint8Array[] = [];
  for (const p of [...paths].sort()) {
    parts.push(new TextEncoder().encode(`${p}\0`));
    parts.push(await Deno.readFile(p));
  }
  const all = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of parts) all.set(b, at), at += b.length;
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", all)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** The TypeScript files of a source folder, recursively. */
function sourceFiles(dir: string): string[] {
  return listDir(dir).flatMap((e) =>
    e.isDirectory ? sourceFiles(join(dir, e.name)) : e.isFile && e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  );
}

/** What every notebook of a run depends on alike, computed once per run ({@linkcode runDependencies}). */
export interface RunDependencies {
  /** Hash of every module of `lib/`. */
  library: string;
  /** The data files' names, sizes and modification times. */
  data: string;
  profile: string;
  /** The training engine. */
  engine: string;
  /** Hash of the files that run the notebooks (the lock file, the executor). */
  runner: string;
}

/** The key a finished notebook is reused under: its own hash, the run's dependencies, the key before it. */
export interface NotebookKey extends RunDependencies {
  notebook: string;
  /** The key of the notebook before it (empty for the first). */
  upstream: string;
}

/** The dependencies shared by every notebook of a run (see {@linkcode notebookKey}). */
export async function runDependencies(
  libDir: string,
  dataDir: string,
  profile: string,
  engine: string,
  runner: string[],
): Promise<RunDependencies> {
  const data = listDir(dataDir).filter((e) => e.isFile && e.name.endsWith(".csv")).map((e) => {
    const st = Deno.statSync(join(dataDir, e.name));
    return `${e.name}:${st.size}:${st.mtime?.getTime()}`;
  }).join(",");
  return { library: await hashFiles(sourceFiles(libDir)), data, profile, engine, runner: await hashFiles(runner) };
}

/**
 * What a notebook's result depends on: the notebook itself, every module of
 * `lib/`, the data files (size and modification time), the profile, the
 * training engine, the files that run it (the lock file, the executor) and the
 * key of the notebook before it (`upstream`: later notebooks reload earlier
 * ones' models and rank the whole ledger, so a redone notebook makes every
 * later one redone too). A finished notebook is reused only while its key is
 * unchanged.
 */
export async function notebookKey(notebook: string, run: RunDependencies, upstream: string): Promise<NotebookKey> {
  const { library, data, profile, engine, runner } = run;
  return { notebook: await hashFiles([notebook]), library, data, profile, engine, runner, upstream };
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
  // The published folder (full profile) replaces the old one as a whole.
  const stagedPublished = join(staging, PUBLISHED);
  if (await Deno.stat(stagedPublished).then(() => true, () => false)) {
    await Deno.remove(join(outputs, PUBLISHED), { recursive: true }).catch(() => {});
    faultPoint();
    await Deno.rename(stagedPublished, join(outputs, PUBLISHED));
    faultPoint();
  }
  // Then every other file the run made, REPORT.md last.
  const files = filesUnder(staging).filter((f) =>
    !f.startsWith("results/") && !f.startsWith(`${PUBLISHED}/`) && f !== "REPORT.md" && f !== "progress.json"
  );
  for (const rel of [...files, "REPORT.md"]) {
    const from = join(staging, rel), to = join(outputs, rel);
    await Deno.mkdir(dirname(to), { recursive: true });
    await Deno.rename(from, to).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e; // moved before a kill
    });
    faultPoint();
  }
  // The run is spent: without its progress a leftover run folder is never resumed ({@linkcode recoverPublish}).
  await Deno.remove(join(staging, "progress.json")).catch(() => {});
}

/**
 * Publishes the staged outputs of a successful run of `profile` (see the
 * module doc) and removes the staging folder. Returns the files published,
 * relative to `outputs`.
 */
export async function publish(outputs: string, staging: string, profile: string): Promise<string[]> {
  const published = filesUnder(staging).filter((f) => f !== "progress.json");
  const record: PublishRecord = { staging: basename(staging), profile, ...stagedBy() };
  await commitStaged(outputs, PUBLISH_RECORD, record, (r) => apply(outputs, r), { keepStagingOnFailure: true });
  return published.map((f) => relative(outputs, join(outputs, f)));
}

/**
 * Completes a publish killed after its record, and removes the temporary
 * files of runs killed before it (their run folders stay, to be resumed). The
 * work of a run still going is left alone. Returns whether a publish was
 * completed.
 */
export async function recoverPublish(outputs: string): Promise<boolean> {
  const { completed } = await recoverStaged<PublishRecord>(outputs, PUBLISH_RECORD, (r) => apply(outputs, r));
  await removeStaleLock(outputs); // a killed command's lock file (none while this process holds the lock)
  // A run folder without progress is a published run's leftover (killed before it was removed): nothing to resume.
  for (const e of listDir(outputs)) {
    if (!e.isDirectory || !e.name.startsWith(".reproduce-run-")) continue;
    const dir = join(outputs, e.name);
    if (!(await exists(join(dir, "progress.json")))) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
  return completed;
}
