/**
 * A binary cache of parsed matrices, so that loading a CSV a second time
 * takes a fraction of a second. A cache entry is keyed on the source file's
 * identity: absolute path, size, modification and status-change times, inode,
 * and a checksum of (samples of) its content ({@linkcode sourceIdentity}). An
 * edit that keeps size and modification time (`cp -p`, `rsync -t`, `tar`,
 * `touch -r`) still changes the status-change time, so the CSV is parsed again
 * and its stale entry replaced.
 *
 * Layout of an entry: the magic `NDCACHE2`, a little-endian uint32 header
 * length, a JSON header, padding to 4 bytes, then the pixels (float32) and the
 * labels (uint8). The header carries a {@linkcode Checksum} of pixels and
 * labels, verified on every read: a corrupted entry is never served.
 *
 * Entries live in a folder of their own, `.noisy-digits-cache/` beside the
 * source ({@linkcode cacheDirFor}), and end in `.ndc`;
 * {@linkcode clearCache} removes those entries and nothing else.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { faultPoint, removeStaleTemps, removeWhere, tempOwner, writeAll, writeAtomic } from "../util/fs.ts";
import { Checksum } from "./fingerprint.ts";

const MAGIC = "NDCACHE2";
const ENTRY_SUFFIX = ".ndc";

/** Name of the cache folder the project creates beside its data files. */
export const CACHE_DIR_NAME = ".noisy-digits-cache";

/**
 * Identity of a source file; a cache entry is valid only for the same
 * identity. The optional fields are filled by {@linkcode sourceIdentity};
 * derived caches (features) key on `path` alone.
 */
export interface SourceIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  /** Status-change time: set by the kernel on every write or rename, not settable by `touch`. */
  ctimeMs?: number;
  ino?: number;
  /** {@linkcode Checksum} of the file's bytes. */
  content?: string;
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

const SAMPLE_BLOCKS = 64, SAMPLE_BLOCK = 64 << 10;

/**
 * Reads the identity of `path`: its stat fields and a {@linkcode Checksum} of
 * its content, of the whole file up to 8 MiB, else of 64 blocks of 64 KiB
 * spread evenly from its first to its last byte (4 MiB read: a few
 * milliseconds, where a checksum of both competition files whole costs about
 * 0.3 s, measured in docs/data.md). Any way of replacing a file's content
 * changes its status-change time and usually its inode, which the key also
 * holds; the sampled checksum catches a change of content under a forged
 * clock too, unless it falls wholly between the samples. Throws
 * `Deno.errors.NotFound` if missing.
 */
export async function sourceIdentity(path: string): Promise<SourceIdentity> {
  const file = await Deno.open(path);
  try {
    const st = await file.stat();
    const sum = new Checksum();
    const whole = st.size <= SAMPLE_BLOCKS * SAMPLE_BLOCK * 2;
    const buf = new Uint8Array(whole ? Math.max(1, st.size) : SAMPLE_BLOCK);
    const starts = whole
      ? [0]
      : Array.from({ length: SAMPLE_BLOCKS }, (_, k) => Math.floor(k * (st.size - SAMPLE_BLOCK) / (SAMPLE_BLOCKS - 1)));
    for (const start of starts) {
      await file.seek(start, Deno.SeekMode.Start);
      let filled = 0;
      while (filled < buf.length) {
        const got = await file.read(buf.subarray(filled));
        if (got === null) break;
        filled += got;
      }
      sum.update(buf.subarray(0, filled));
    }
    return {
      path,
      size: st.size,
      mtimeMs: st.mtime?.getTime() ?? 0,
      ctimeMs: st.ctime?.getTime() ?? 0,
      ino: st.ino ?? 0,
      content: sum.digest(),
    };
  } finally {
    file.close();
  }
}

/** Default cache directory for a source: `.noisy-digits-cache/` beside it. */
export function cacheDirFor(source: string): string {
  return join(dirname(source), CACHE_DIR_NAME);
}

function entryPath(dir: string, id: SourceIdentity, layout: string): string {
  return join(dir, `${basename(id.path)}.${layout}${ENTRY_SUFFIX}`);
}

function sameIdentity(header: Record<string, unknown>, id: SourceIdentity): boolean {
  return (["path", "size", "mtimeMs", "ctimeMs", "ino", "content"] as const).every((k) => header[k] === id[k]);
}

function payloadChecksum(pixels: Float32Array, labels: Uint8Array | null): string {
  const sum = new Checksum().update(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
  if (labels) sum.update(labels);
  return sum.digest();
}

/**
 * Removes the cache entries (`*.ndc`) in `dir` and the temporary files of
 * cache writes that were killed, nothing else; removes `dir` itself only when
 * that leaves it empty. Returns the paths removed.
 */
export async function clearCache(dir: string): Promise<string[]> {
  const removed = await removeStaleTemps(dir);
  removed.push(
    ...await removeWhere(dir, (e) => e.isFile && e.name.endsWith(ENTRY_SUFFIX) && tempOwner(e.name) === null),
  );
  await Deno.remove(dir).catch(() => {}); // only succeeds when empty
  return removed;
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
 * Reads a valid cache entry for `id`, or `null` when there is none, it is
 * stale, or it is damaged (wrong size or checksum: then `onProblem`, if given,
 * hears why). The pixels are read straight into their final `Float32Array`.
 */
export async function readCache(
  dir: string,
  id: SourceIdentity,
  layout: string,
  onProblem?: (problem: string) => void,
): Promise<CachedMatrix | null> {
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
    if (!sameIdentity(header, id) || header.layout !== layout) return null;
    const nPixels = header.rows * header.columns;
    if (size !== dataStart + nPixels * 4 + (header.hasLabels ? header.rows : 0)) {
      onProblem?.(`${entryPath(dir, id, layout)}: the cache entry has the wrong size (damaged); rebuilding it`);
      return null;
    }
    const pixels = new Float32Array(nPixels);
    if (!await readParallel(entryPath(dir, id, layout), dataStart, new Uint8Array(pixels.buffer))) return null;
    await file.seek(dataStart + nPixels * 4, Deno.SeekMode.Start);
    let labels: Uint8Array | null = null;
    if (header.hasLabels) {
      labels = new Uint8Array(header.rows);
      if (!await readFull(file, labels)) return null;
    }
    if (payloadChecksum(pixels, labels) !== header.checksum) {
      onProblem?.(`${entryPath(dir, id, layout)}: the cache entry fails its checksum (damaged); rebuilding it`);
      return null;
    }
    return { rows: header.rows, columns: header.columns, layout, pixels, labels };
  } catch (e) {
    onProblem?.(`${entryPath(dir, id, layout)}: unreadable cache entry (${e instanceof Error ? e.message : e})`);
    return null;
  } finally {
    file.close();
  }
}

/**
 * Writes (atomically) the cache entry for `id`, replacing any stale one, and
 * removes the temporary files of earlier writes that were killed.
 */
export async function writeCache(dir: string, id: SourceIdentity, matrix: CachedMatrix): Promise<string> {
  const path = entryPath(dir, id, matrix.layout);
  const header = new TextEncoder().encode(JSON.stringify({
    ...id,
    layout: matrix.layout,
    rows: matrix.rows,
    columns: matrix.columns,
    hasLabels: matrix.labels !== null,
    checksum: payloadChecksum(matrix.pixels, matrix.labels),
  }));
  const dataStart = Math.ceil((12 + header.length) / 4) * 4;
  const head = new Uint8Array(dataStart);
  head.set(new TextEncoder().encode(MAGIC));
  new DataView(head.buffer).setUint32(8, header.length, true);
  head.set(header, 12);
  await removeStaleTemps(dir);
  faultPoint();
  await writeAtomic(path, async (f) => {
    await writeAll(f, head);
    await writeAll(f, new Uint8Array(matrix.pixels.buffer, matrix.pixels.byteOffset, matrix.pixels.byteLength));
    if (matrix.labels) await writeAll(f, matrix.labels);
  });
  return path;
}
