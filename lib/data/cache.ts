/**
 * A binary cache of parsed matrices, so that loading a CSV a second time
 * takes a fraction of a second. A cache entry is keyed on the source file's
 * identity (absolute path, size, modification time): a changed CSV is parsed
 * again and its stale entry replaced.
 *
 * Layout of an entry: the magic `NDCACHE1`, a little-endian uint32 header
 * length, a JSON header, padding to 4 bytes, then the pixels (float32) and the
 * labels (uint8).
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { writeAll, writeAtomic } from "../util/fs.ts";

const MAGIC = "NDCACHE1";

/** Identity of a source file; a cache entry is valid only for the same identity. */
export interface SourceIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What a cache entry holds. */
export interface CachedMatrix {
  rows: number;
  columns: number;
  pixels: Float32Array;
  labels: Uint8Array | null;
  /** Free-form description of the layout (e.g. "row-major"). */
  layout: string;
}

/** Reads the identity of `path` (throws `Deno.errors.NotFound` if missing). */
export async function sourceIdentity(path: string): Promise<SourceIdentity> {
  const st = await Deno.stat(path);
  return { path, size: st.size, mtimeMs: st.mtime?.getTime() ?? 0 };
}

/** Default cache directory for a source: `.cache/` beside it. */
export function cacheDirFor(source: string): string {
  return join(dirname(source), ".cache");
}

function entryPath(dir: string, id: SourceIdentity, layout: string): string {
  return join(dir, `${basename(id.path)}.${layout}.ndc`);
}

async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<boolean> {
  let off = 0;
  while (off < into.length) {
    const got = await file.read(into.subarray(off));
    if (got === null) return false;
    off += got;
  }
  return true;
}

/**
 * Reads `into.length` bytes at `offset` with several concurrent reads. The
 * cost of a large load is dominated by the kernel mapping fresh pages of the
 * destination; concurrent reads spread that work over the cores.
 */
async function readParallel(path: string, offset: number, into: Uint8Array, parts = 4): Promise<boolean> {
  const step = Math.ceil(into.length / parts / 4096) * 4096;
  const jobs = [];
  for (let start = 0; start < into.length; start += step) {
    jobs.push((async () => {
      const f = await Deno.open(path);
      try {
        await f.seek(offset + start, Deno.SeekMode.Start);
        return await readFull(f, into.subarray(start, Math.min(into.length, start + step)));
      } finally {
        f.close();
      }
    })());
  }
  return (await Promise.all(jobs)).every(Boolean);
}

/**
 * Reads a valid cache entry for `id`, or `null` when there is none or it is
 * stale. The pixels are read straight into their final `Float32Array`.
 */
export async function readCache(dir: string, id: SourceIdentity, layout: string): Promise<CachedMatrix | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(entryPath(dir, id, layout));
  } catch {
    return null;
  }
  try {
    const size = (await file.stat()).size;
    const prefix = new Uint8Array(12);
    if (!await readFull(file, prefix)) return null;
    if (new TextDecoder().decode(prefix.subarray(0, 8)) !== MAGIC) return null;
    const headerLength = new DataView(prefix.buffer).getUint32(8, true);
    const dataStart = Math.ceil((12 + headerLength) / 4) * 4;
    const headerBytes = new Uint8Array(dataStart - 12);
    if (!await readFull(file, headerBytes)) return null;
    const header = JSON.parse(new TextDecoder().decode(headerBytes.subarray(0, headerLength)));
    if (header.path !== id.path || header.size !== id.size || header.mtimeMs !== id.mtimeMs) return null;
    if (header.layout !== layout) return null;
    const nPixels = header.rows * header.columns;
    if (size !== dataStart + nPixels * 4 + (header.hasLabels ? header.rows : 0)) return null;
    const pixels = new Float32Array(nPixels);
    if (!await readParallel(entryPath(dir, id, layout), dataStart, new Uint8Array(pixels.buffer))) return null;
    await file.seek(dataStart + nPixels * 4, Deno.SeekMode.Start);
    let labels: Uint8Array | null = null;
    if (header.hasLabels) {
      labels = new Uint8Array(header.rows);
      if (!await readFull(file, labels)) return null;
    }
    return { rows: header.rows, columns: header.columns, layout, pixels, labels };
  } catch {
    return null;
  } finally {
    file.close();
  }
}

/** Writes (atomically) the cache entry for `id`, replacing any stale one. */
export async function writeCache(dir: string, id: SourceIdentity, matrix: CachedMatrix): Promise<string> {
  const path = entryPath(dir, id, matrix.layout);
  const header = new TextEncoder().encode(JSON.stringify({
    ...id,
    layout: matrix.layout,
    rows: matrix.rows,
    columns: matrix.columns,
    hasLabels: matrix.labels !== null,
  }));
  const dataStart = Math.ceil((12 + header.length) / 4) * 4;
  const head = new Uint8Array(dataStart);
  head.set(new TextEncoder().encode(MAGIC));
  new DataView(head.buffer).setUint32(8, header.length, true);
  head.set(header, 12);
  await writeAtomic(path, async (f) => {
    await writeAll(f, head);
    await writeAll(f, new Uint8Array(matrix.pixels.buffer, matrix.pixels.byteOffset, matrix.pixels.byteLength));
    if (matrix.labels) await writeAll(f, matrix.labels);
  });
  return path;
}
