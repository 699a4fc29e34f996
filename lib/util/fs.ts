/**
 * File-system helpers: atomic writes, so an interrupted run never leaves a
 * half-written file under its final name.
 *
 * @module
 */

import { dirname } from "node:path";

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

/**
 * Writes a file atomically: `write` streams into a temporary file beside
 * `path`, which is renamed over `path` only once `write` has finished. On any
 * error the temporary file is removed and `path` is left as it was.
 */
export async function writeAtomic(
  path: string,
  write: (file: Deno.FsFile) => Promise<void>,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    try {
      await write(file);
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Writes `data` (bytes or text) to `path` atomically. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  await writeAtomic(path, (f) => writeAll(f, bytes));
}

/** Writes all of `bytes` to an open file. */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}
