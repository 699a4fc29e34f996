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
import { LOCK_FILE, removeStaleLock } from "../util/lock.ts";
import { commitStaged, faultPoint, recoverStaged, stagedBy, type StagedCommit, tempName } from "../util/fs.ts";

/** File name of the commit record inside the target folder. */
export const BUILD_RECORD = ".noisy-digits-build.json";
const BUILD_FOLDER = ".noisy-digits-build";

interface BuildRecord extends StagedCommit {
  /** File names to move from the staging folder into the target folder. */
  files: string[];
}

/** Moves the files a record names from its staging folder into `dir` (again, after a kill: moved ones are skipped). */
function moveFiles(dir: string): (record: BuildRecord) => Promise<void> {
  return async (record) => {
    const staging = join(dir, basename(record.staging));
    for (const name of record.files) {
      await Deno.rename(join(staging, basename(name)), join(dir, basename(name))).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e; // NotFound: moved before the kill
      });
      faultPoint();
    }
  };
}

/**
 * Completes a replacement that was killed after its commit record (moves the
 * rest of its files into place), and removes the staging folders and
 * temporary files (`*.tmp-<pid>-<hex>`) of processes that no longer run, and
 * the lock file a killed build left (see `lib/util/lock.ts`). Leaves the work of a running process alone, and every other file.
 */
export async function recoverDataDir(dir: string): Promise<{ completed: boolean; removed: string[] }> {
  const recovered = await recoverStaged(dir, BUILD_RECORD, moveFiles(dir));
  if (await removeStaleLock(dir)) recovered.removed.push(join(dir, LOCK_FILE));
  return recovered;
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
  let files: string[];
  try {
    files = await write(staging);
  } catch (e) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw e;
  }
  // After the commit point a failure leaves the record and the staging folder for recoverDataDir to complete once
  // this process has ended.
  await commitStaged(dir, BUILD_RECORD, { staging: basename(staging), files, ...stagedBy() }, moveFiles(dir));
}
