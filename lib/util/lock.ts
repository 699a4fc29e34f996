/**
 * One lock per folder: a data folder is written by one build at a time, an
 * outputs folder by one command at a time, and a second comer is told who
 * holds it instead of mixing its files with the first one's.
 *
 * The lock is an OS file lock (`flock`, through `Deno.FsFile.tryLock`) on
 * `<folder>/.noisy-digits.lock`: the system releases it when its process
 * ends, however it ends (`kill -9`, a power cut), so a lock is never left
 * behind and a reused pid never holds it. The file also names its holder
 * (pid, start, command, since when) for the message; its last holder removes
 * it (a killed one leaves a file that locks nothing).
 * Exclusive locks are for writers; shared ones for a run that reads the
 * folder and must not see it replaced meanwhile. Within one process a folder
 * already locked is not locked again (the lock is counted).
 *
 * @example
 * ```ts
 * const dir = await Deno.makeTempDir();
 * const lock = await lockFolder(dir, { purpose: "building the data set" });
 * try {
 *   // ... write into dir ...
 * } finally {
 *   lock.release();
 * }
 * ```
 *
 * @module
 */

import { join, resolve } from "node:path";
import { isSystemError, makeFolder, systemProblem, WriteError } from "./fs.ts";
import { processAlive, processIdentity } from "./process.ts";

/** Name of the lock file inside a locked folder. */
export const LOCK_FILE = ".noisy-digits.lock";

/** Who holds a lock, as its file says. */
export interface LockHolder {
  pid: number;
  started?: string;
  /** The command line, e.g. `deno task data --force`. */
  command: string;
  /** What it is doing there. */
  purpose: string;
  since: string;
}

/** The folder is locked by another process. */
export class FolderLockedError extends Error {
  /** The locked folder. */
  readonly folder: string;
  /** Its holder, when the lock file names a live one. */
  readonly holder: LockHolder | null;
  constructor(folder: string, holder: LockHolder | null, wanted: string) {
    const who = holder
      ? `another process (pid ${holder.pid}, ${holder.command}, ${holder.purpose} since ${holder.since})`
      : "another process";
    super(
      `${folder} is in use by ${who}, so it cannot be used for ${wanted} now: ` +
        `wait until it has finished (or stop it), then run this command again; nothing was changed`,
    );
    this.name = "FolderLockedError";
    this.folder = folder;
    this.holder = holder;
  }
}

/** A lock taken by {@linkcode lockFolder}. */
export interface FolderLock {
  /** The lock file. */
  path: string;
  /** Releases it (once; later calls do nothing). */
  release(): void;
}

interface Held {
  file: Deno.FsFile;
  count: number;
}
const held = new Map<string, Held>();

function commandLine(): string {
  const script = Deno.mainModule.startsWith("file:") ? Deno.mainModule.split("/").pop() : Deno.mainModule;
  return [script, ...Deno.args].join(" ");
}

function readHolder(path: string): LockHolder | null {
  try {
    const holder = JSON.parse(Deno.readTextFileSync(path)) as LockHolder;
    return typeof holder.pid === "number" && processAlive(holder.pid, holder.started) ? holder : null;
  } catch {
    return null;
  }
}

/**
 * Locks `dir` (made if missing) for `purpose`, exclusively unless `shared`.
 * Throws {@linkcode FolderLockedError} at once when another process holds a
 * lock that excludes this one; never waits.
 */
export async function lockFolder(
  dir: string,
  { purpose, shared = false }: { purpose: string; shared?: boolean },
): Promise<FolderLock> {
  const folder = resolve(dir);
  await makeFolder(folder);
  const path = join(folder, LOCK_FILE);
  let entry = held.get(path);
  if (!entry) {
    entry = { file: await openLocked(path, folder, shared, purpose), count: 0 };
    held.set(path, entry);
    const holder: LockHolder = {
      ...processIdentity(),
      command: commandLine(),
      purpose,
      since: new Date().toISOString(),
    };
    await entry.file.truncate(0);
    await entry.file.write(new TextEncoder().encode(JSON.stringify(holder) + "\n"));
  }
  entry.count++;
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      if (--entry!.count > 0) return;
      drop(path);
    },
  };
}

/**
 * Opens and locks the lock file at `path`. A lock file is removed by its last holder ({@linkcode drop}), so a
 * file opened just before that removal may be locked but no longer be the one at `path`: then it is opened again.
 */
async function openLocked(path: string, folder: string, shared: boolean, purpose: string): Promise<Deno.FsFile> {
  for (;;) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true, create: true });
    } catch (e) {
      if (!isSystemError(e)) throw e;
      throw new WriteError(path, `cannot lock ${folder} (its lock file ${path}): ${systemProblem(e)}`, e);
    }
    if (!(await file.tryLock(!shared))) {
      file.close();
      throw new FolderLockedError(folder, readHolder(path), purpose);
    }
    const [mine, current] = [await file.stat(), await Deno.stat(path).catch(() => null)];
    if (current && current.ino === mine.ino && current.dev === mine.dev) return file;
    file.close();
  }
}

/** Releases the lock on `path`: its file is removed when no other process shares it, then closed (which unlocks). */
function drop(path: string): void {
  const entry = held.get(path);
  if (!entry) return;
  held.delete(path);
  try {
    if (entry.file.tryLockSync(true)) Deno.removeSync(path); // no one else holds it: the folder is left clean
  } catch { /* removed already */ }
  try {
    entry.file.close();
  } catch { /* already closed */ }
}

/**
 * Removes the lock file a killed process left in `dir` (it locks nothing), unless some process holds it; returns
 * whether it did. Recovery after a kill calls it, so that the folder is left as it was before the killed command.
 */
export async function removeStaleLock(dir: string): Promise<boolean> {
  const path = join(resolve(dir), LOCK_FILE);
  if (held.has(path)) return false;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch {
    return false; // none
  }
  try {
    if (!(await file.tryLock(true))) return false;
    const [mine, current] = [await file.stat(), await Deno.stat(path).catch(() => null)];
    if (!current || current.ino !== mine.ino || current.dev !== mine.dev) return false;
    await Deno.remove(path);
    return true;
  } finally {
    file.close();
  }
}

// A command that ends by Deno.exit releases its locks (and removes their files); a kill leaves a file, not a lock.
globalThis.addEventListener("unload", () => [...held.keys()].forEach(drop));
