/**
 * File-system helpers: atomic writes, so an interrupted run never leaves a
 * half-written file under its final name; cleanup of the temporary files of
 * runs that were killed; checks that an input path is a regular file; and
 * the fault-injection hook the kill tests use.
 *
 * Temporary files are named `<final name>.tmp-<pid>-<8 hex>`: the pid says
 * whose they are, so {@linkcode removeStaleTemps} removes only those of
 * processes that no longer run, never a file it did not make.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { processAlive, processIdentity } from "./process.ts";

/** A saved file (a model, an SVM) is cut, damaged, or does not match the files saved with it. */
export class SavedFileError extends Error {
  /** The file at fault. */
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "SavedFileError";
    this.file = file;
  }
}

/** What a system error means, in words a user can act on: "the disk is full (ENOSPC)", "permission denied", ... */
export function systemProblem(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const words: Record<string, string> = {
    ENOSPC: "the disk is full (no space left on device)",
    EDQUOT: "the disk quota is used up",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "the file system is mounted read-only",
    ENOTDIR: "a file is in the way where a folder was expected",
    EEXIST: "a file is in the way where a folder was expected",
    EISDIR: "it is a folder, where a file was expected",
    ENAMETOOLONG: "the name is too long for the file system",
    EMFILE: "too many open files",
    EIO: "an input/output error of the device",
  };
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === "string" && code in words ? `${words[code]} (${code})` : message;
}

/** Whether `e` is an error of the operating system (it carries an `E...` code), not one of the program. */
export function isSystemError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === "string" && /^E[A-Z]+$/.test(code);
}

/** A file or folder could not be written; the message names it, says why, and what was kept. */
export class WriteError extends Error {
  /** The file or folder at fault. */
  readonly path: string;
  constructor(path: string, message: string, cause: unknown) {
    super(message, { cause });
    this.name = "WriteError";
    this.path = path;
  }
}

/** Makes folder `dir` (and its parents); a system error becomes a {@linkcode WriteError} naming the folder. */
export async function makeFolder(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (e) {
    if (!isSystemError(e)) throw e;
    throw new WriteError(dir, `cannot make the folder ${dir}: ${systemProblem(e)}`, e);
  }
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

let crashAt = -1, steps = 0, slice = 8 << 20;
try {
  const v = Deno.env.get("NOISY_DIGITS_CRASH_AT");
  if (v) crashAt = Number(v);
  const s = Number(Deno.env.get("NOISY_DIGITS_WRITE_SLICE"));
  if (Number.isInteger(s) && s > 0) slice = s;
  if (Deno.env.get("NOISY_DIGITS_CRASH_REPORT")) {
    globalThis.addEventListener("unload", () => console.error(`fault-steps: ${steps}`));
  }
} catch { /* no env permission: no fault injection */ }

/**
 * A fault-injection point: every file-system step of the project's
 * multi-step writes calls it. With `NOISY_DIGITS_CRASH_AT=N` in the
 * environment the process kills itself with SIGKILL at the Nth step (no
 * `finally` block runs, as after a power cut or `kill -9`); with
 * `NOISY_DIGITS_CRASH_REPORT=1` it prints the number of steps taken at exit
 * (`fault-steps: N`), so a test can draw kill points over the whole run;
 * `NOISY_DIGITS_WRITE_SLICE=B` makes {@linkcode writeAll} write (and count) in
 * slices of B bytes instead of 8 MiB, so small test files get many kill
 * points. Without these variables it only counts.
 */
export function faultPoint(): void {
  steps++;
  if (steps === crashAt) Deno.kill(Deno.pid, "SIGKILL");
}

/** Name of a fresh temporary sibling of `path` (see the module doc). */
export function tempName(path: string): string {
  return `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

const TEMP = /\.tmp-(\d+)-[0-9a-f]{8}$/;

/** The pid in a temporary name made by {@linkcode tempName}, or null when `name` is not one. */
export function tempOwner(name: string): number | null {
  const m = TEMP.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Removes, in `dir`, the temporary files and folders (`*.tmp-<pid>-<hex>`)
 * left by processes that no longer run. Returns the paths removed. Files of
 * running processes and every other file are left alone.
 */
export function removeStaleTemps(dir: string): Promise<string[]> {
  return removeWhere(dir, (e) => {
    const pid = tempOwner(e.name);
    // A temporary name holds a pid only: this process's own are its work in progress.
    return pid !== null && pid !== Deno.pid && !processAlive(pid);
  });
}

/** The entries of `dir`, sorted by name; none when it cannot be read (missing, not a folder). */
export function listDir(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** Removes the entries of `dir` that `select` picks (folders with their content); returns their paths. */
export async function removeWhere(dir: string, select: (entry: Deno.DirEntry) => boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const e of listDir(dir)) {
    if (!select(e)) continue;
    const path = join(dir, e.name);
    await Deno.remove(path, { recursive: true }).then(() => removed.push(path), () => {});
    faultPoint();
  }
  return removed;
}

/**
 * Writes a file atomically: `write` streams into a temporary file beside
 * `path`, which is renamed over `path` only once `write` has finished. On any
 * error the temporary file is removed and `path` is left as it was; after a
 * kill, {@linkcode removeStaleTemps} removes it. A system error (a full disk,
 * a read-only file system, no permission, a file where a folder was expected)
 * is thrown as a {@linkcode WriteError} that names `path`, says why, and says
 * that the previous file was kept.
 */
export async function writeAtomic(
  path: string,
  write: (file: Deno.FsFile) => Promise<void>,
): Promise<void> {
  await makeFolder(dirname(path));
  const tmp = tempName(path);
  faultPoint();
  const kept = async (e: unknown) => {
    if (!isSystemError(e)) return e;
    const before = await exists(path).catch(() => false)
      ? "the previous file was kept as it was"
      : "nothing was written";
    return new WriteError(path, `cannot write ${path}: ${systemProblem(e)}; ${before}`, e);
  };
  let file: Deno.FsFile;
  try {
    file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  } catch (e) {
    throw await kept(e);
  }
  try {
    try {
      await write(file);
      await file.syncData();
    } finally {
      file.close();
    }
    faultPoint();
    await Deno.rename(tmp, path);
    faultPoint();
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw await kept(e);
  }
}

/** Writes `data` (bytes or text) to `path` atomically. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  await writeAtomic(path, (f) => writeAll(f, bytes));
}

/** Writes all of `bytes` to an open file (in slices of 8 MiB, each a {@linkcode faultPoint}). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    faultPoint();
    const end = Math.min(bytes.length, off + slice);
    while (off < end) off += await file.write(bytes.subarray(off, end));
  }
}

/**
 * Why `path` cannot be read as a data file, or null when it is a regular
 * file: "not found", "is a directory", "is a named pipe (FIFO)", ... Inputs
 * are checked with it before they are opened, so a directory or a pipe gets
 * a message naming it instead of an OS error or a read that never ends.
 */
export async function notARegularFile(path: string): Promise<string | null> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "file not found";
    if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
    return `cannot read it (${e instanceof Error ? e.message : e})`;
  }
  if (st.isFile) return null;
  const kind = st.isDirectory
    ? "a directory"
    : st.isFifo
    ? "a named pipe (FIFO)"
    : st.isSocket
    ? "a socket"
    : st.isCharDevice
    ? "a character device"
    : st.isBlockDevice
    ? "a block device"
    : "not a regular file";
  return `is ${kind}, expected a regular file`;
}

/**
 * Why `head` (the first bytes of a file) is not plain UTF-8 text, or null:
 * compressed (gzip, zip, bzip2, xz, zstd), UTF-16 (byte-order mark, or NUL
 * bytes), or holding control characters. Inputs are sniffed with it, so a
 * compressed or binary file is named as such instead of being parsed as
 * numbers.
 */
export function notTextReason(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return "it looks compressed (gzip): decompress it first (gunzip)";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "it looks compressed (a zip archive): extract it first (unzip)";
  if (starts(0x42, 0x5a, 0x68)) return "it looks compressed (bzip2): decompress it first (bunzip2)";
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "it looks compressed (xz): decompress it first (unxz)";
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return "it looks compressed (zstd): decompress it first (unzstd)";
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) {
    return "it is UTF-16 text (it starts with a UTF-16 byte-order mark), not UTF-8: save it as UTF-8";
  }
  const at = head.findIndex((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
  if (at < 0) return null;
  const what = head[at] === 0 ? "a NUL byte" : `the control character 0x${head[at].toString(16).padStart(2, "0")}`;
  return `it is not UTF-8 text: ${what} at byte ${at} (a binary, UTF-16 or damaged file?)`;
}

/** {@linkcode notTextReason} of the first `bytes` bytes of the file at `path` (null for an empty file). */
export async function notTextFile(path: string, bytes = 4096): Promise<string | null> {
  const file = await Deno.open(path);
  try {
    const head = new Uint8Array(bytes);
    const n = await file.read(head);
    return n === null ? null : notTextReason(head.subarray(0, n));
  } finally {
    file.close();
  }
}

/** What a commit record holds at least: its staging folder and the process that wrote it. */
export interface StagedCommit {
  /** Name of the staging folder, inside the folder the record is in. */
  staging: string;
  /** The process that wrote the record: its work is left alone while it runs. */
  pid: number;
  /** Its start ({@linkcode processIdentity}), so that another process given the same pid is not taken for it. */
  started?: string;
}

/** The fields of a {@linkcode StagedCommit} that name this process. */
export function stagedBy(): Pick<StagedCommit, "pid" | "started"> {
  return processIdentity();
}

/**
 * Commits staged work into `dir` as one unit: writes `record` as
 * `dir/<recordName>` (atomically: the commit point), runs `apply` (which moves
 * the staged files into place; it must be idempotent, since a kill after the
 * commit point makes {@linkcode recoverStaged} run it again), then removes the
 * record and the staging folder. When the record cannot be written, nothing
 * in `dir` has changed and the staging folder is removed (kept with
 * `keepStagingOnFailure`, for work that can be resumed).
 */
export async function commitStaged<R extends StagedCommit>(
  dir: string,
  recordName: string,
  record: R,
  apply: (record: R) => Promise<void>,
  options: { keepStagingOnFailure?: boolean } = {},
): Promise<void> {
  const path = join(dir, recordName), staging = join(dir, basename(record.staging));
  try {
    await writeFileAtomic(path, JSON.stringify(record) + "\n");
  } catch (e) {
    if (!options.keepStagingOnFailure) await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw e;
  }
  await apply(record);
  await Deno.remove(path);
  faultPoint();
  await Deno.remove(staging, { recursive: true });
}

/**
 * Completes a {@linkcode commitStaged} killed after its commit point (runs
 * `apply` again, removes the record and the staging folder), unless the
 * process that wrote the record still runs; then removes the temporary files
 * and staging folders of processes that no longer run. Every other file is
 * left alone.
 */
export async function recoverStaged<R extends StagedCommit>(
  dir: string,
  recordName: string,
  apply: (record: R) => Promise<void>,
): Promise<{ completed: boolean; removed: string[] }> {
  const path = join(dir, recordName);
  let record: R | null = null;
  try {
    record = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof SyntaxError) await Deno.remove(path).catch(() => {}); // cannot happen: written atomically
    else if (!(e instanceof Deno.errors.NotFound) && !(e instanceof Deno.errors.NotADirectory)) throw e;
  }
  if (record && processAlive(record.pid, record.started)) return { completed: false, removed: [] };
  if (record) {
    await apply(record);
    await Deno.remove(path).catch(() => {});
    await Deno.remove(join(dir, basename(record.staging)), { recursive: true }).catch(() => {});
  }
  return { completed: record !== null, removed: await removeStaleTemps(dir) };
}

/** Whether `a` and `b` are the same file (same device and inode, links followed), or the same path when either is missing. */
export function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [Deno.statSync(a), Deno.statSync(b)];
    if (x.ino !== null && y.ino !== null) return x.dev === y.dev && x.ino === y.ino;
  } catch { /* one is missing */ }
  return resolve(a) === resolve(b);
}
