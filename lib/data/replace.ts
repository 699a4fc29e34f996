/**
 * Replacing several files of one folder as one unit: the data set's three
 * CSVs, which belong together (the test digits are drawn apart from the
 * training digits).
 *
 * {@linkcode replaceAll} has the new files written into a fresh staging folder
 * `.noisy-digits-build.tmp-<pid>-<hex>/` inside the target folder, then writes
 * (atomically) a commit record `.noisy-digits-build.json` naming that folder
 * and the files, renames the files into place, and removes the record and the
 * folder. A kill before the record is written leaves the old files whole (the
 * staging folder is removed by the next {@linkcode recoverDataDir}); a kill
 * after it is rolled forward by {@linkcode recoverDataDir}, which every build
 * and every load of the data runs first. So readers see the old set or the
 * new set, never a mix.
 *
 * @module
 */

import { basename, join } from "node:path";
import { faultPoint, processAlive, removeStaleTemps, tempName, writeFileAtomic } from "../util/fs.ts";

/** File name of the commit record inside the target folder. */
export const BUILD_RECORD = ".noisy-digits-build.json";
const BUILD_FOLDER = ".noisy-digits-build";

interface BuildRecord {
  /** Name of the staging folder inside the target folder. */
  staging: string;
  /** File names to move from it into the target folder. */
  files: string[];
  /** The process that wrote it: its work is left alone while it runs. */
  pid: number;
}

/**
 * Completes a replacement that was killed after its commit record (moves the
 * rest of its files into place), and removes the staging folders and
 * temporary files (`*.tmp-<pid>-<hex>`) of processes that no longer run.
 * Leaves the work of a running process alone, and every other file.
 */
export async function recoverDataDir(dir: string): Promise<{ completed: boolean; removed: string[] }> {
  const recordPath = join(dir, BUILD_RECORD);
  let record: BuildRecord | null = null;
  try {
    record = JSON.parse(await Deno.readTextFile(recordPath));
  } catch (e) {
    if (e instanceof Deno.errors.NotADirectory) return { completed: false, removed: [] };
    if (e instanceof SyntaxError) await Deno.remove(recordPath).catch(() => {}); // cannot happen: written atomically
    else if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (record && processAlive(record.pid)) return { completed: false, removed: [] };
  let completed = false;
  if (record) {
    const staging = join(dir, basename(record.staging));
    for (const name of record.files) {
      await Deno.rename(join(staging, basename(name)), join(dir, basename(name))).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e; // NotFound: moved before the kill
      });
    }
    await Deno.remove(recordPath).catch(() => {});
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    completed = true;
  }
  return { completed, removed: await removeStaleTemps(dir) };
}

/**
 * Replaces files of `dir` as one unit: `write(staging)` writes the new files
 * into the staging folder it is given and returns their names; they then
 * replace the files of those names in `dir` all together (see the module doc).
 * When `write` throws, nothing in `dir` changes and the staging folder is
 * removed.
 */
export async function replaceAll(dir: string, write: (staging: string) => Promise<string[]>): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await recoverDataDir(dir);
  const staging = tempName(join(dir, BUILD_FOLDER));
  faultPoint();
  await Deno.mkdir(staging);
  let committed = false;
  try {
    const files = await write(staging);
    const record: BuildRecord = { staging: basename(staging), files, pid: Deno.pid };
    await writeFileAtomic(join(dir, BUILD_RECORD), JSON.stringify(record) + "\n"); // the commit point
    committed = true;
    for (const name of files) {
      await Deno.rename(join(staging, name), join(dir, name));
      faultPoint();
    }
    await Deno.remove(join(dir, BUILD_RECORD));
    faultPoint();
    await Deno.remove(staging, { recursive: true });
  } catch (e) {
    // Before the commit point the old files are whole: drop the new ones. After it, leave the
    // record and the staging folder for recoverDataDir to complete once this process has ended.
    if (!committed) await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw e;
  }
}
