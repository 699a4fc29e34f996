/**
 * The study's results ledger: each notebook records the models it scored in
 * `outputs/results/<notebook>.json`, and `deno task reproduce` gathers them
 * into one table beside the report's figures.
 *
 * @module
 */

import { join } from "node:path";
import { outputsDir } from "../data/paths.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** One scored model. */
export interface ResultRecord {
  /**
   * The model's id in the registry (`lib/study/registry.ts`); rows written before ids (the published ledger) have
   * none, and `recordId` finds it from their label.
   */
  id?: string;
  /** Report section, e.g. "4.1". */
  section: string;
  /** Model name, e.g. "SVM RBF (C=0.8, gamma=0.01)". */
  model: string;
  /** Accuracy on the 3,000-image holdout. */
  holdoutAccuracy?: number;
  /** Accuracy on the test images of our rebuild (when scored; the real competition files have no test labels). */
  testAccuracy?: number;
  /** How many test images `testAccuracy` is over (all 50,000 unless a profile scored fewer). */
  testImages?: number;
  /** Training wall time in seconds. */
  trainSeconds?: number;
  /** Number of trainable parameters, when meaningful. */
  parameters?: number;
  /** The report's figure for the same model, when it gives one. */
  reportAccuracy?: number;
  /**
   * Where the model is saved under `outputs/models/`: a directory for a
   * network, a `.bin` file for an SVM pipeline; lets notebook 08 score it on
   * the test images.
   */
  savedAs?: string;
  /** Seed of the model's weights (and shuffling), where the registry gives one. */
  seed?: number;
  /** Profile the figure was obtained under. */
  profile?: string;
  note?: string;
}

/** Directory holding the result files. */
export function resultsDir(): string {
  return join(outputsDir(), "results");
}

/**
 * Records (or replaces, by id (by `model` for a row without one), seed and profile) results under
 * `outputs/results/<file>.json`; notebooks record through the registry's `record`, which builds the row.
 * Re-running a cell replaces its rows instead of adding duplicates; a `smoke` run leaves the `full` rows alone.
 */
export async function recordResults(file: string, records: ResultRecord[]): Promise<string> {
  const path = join(resultsDir(), `${file}.json`);
  const existing = await readResultFile(path);
  const id = (r: ResultRecord) => JSON.stringify([r.id ?? r.model, r.seed ?? null, r.profile ?? null]);
  const replaced = new Set(records.map(id));
  await writeResultFile(path, [...existing.filter((r) => !replaced.has(id(r))), ...records]);
  return path;
}

/**
 * Removes the rows of one profile from every results file (other profiles' rows stay), so that a fresh run of that
 * profile starts from an empty ledger without erasing, say, the `full` figures when it is a `smoke` run.
 * Returns how many rows it removed.
 */
export async function forgetResults(profile: string): Promise<number> {
  let removed = 0;
  for (const path of resultFiles()) {
    const rows = await readResultFile(path);
    const kept = rows.filter((r) => (r.profile ?? null) !== profile);
    if (kept.length === rows.length) continue;
    removed += rows.length - kept.length;
    await writeResultFile(path, kept);
  }
  return removed;
}

/** The rows of one results file (none when it does not exist). */
export async function readResultFile(path: string): Promise<ResultRecord[]> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw new Error(`${path}: not a results file (${e instanceof Error ? e.message : e})`);
  }
}

/** Writes the rows of one results file (atomically). */
export function writeResultFile(path: string, rows: ResultRecord[]): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(rows, null, 2) + "\n");
}

/** Paths of the result files, sorted by name (none when the directory cannot be read, e.g. before any run). */
function resultFiles(dir = resultsDir()): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".json")).map((e) => e.name).sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** All recorded results, ordered by file name then insertion (of `outputs`' ledger when given: a staged run's). */
export async function readAllResults(outputs?: string): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  for (const path of resultFiles(outputs ? join(outputs, "results") : undefined)) {
    out.push(...await readResultFile(path));
  }
  return out;
}
