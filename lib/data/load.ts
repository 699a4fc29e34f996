/**
 * Loading the competition files into {@linkcode Dataset}s: CSV parsed once,
 * then served from the binary cache while the file is unchanged. Images come
 * out upright (the files store them column-major).
 *
 * @module
 */

import { createDataset, type Dataset, FILE_COLUMN_TO_UPRIGHT, NUM_CLASSES, PIXELS } from "./dataset.ts";
import { DataFormatError, parseCsvRecords, parseMatrixFile } from "./csv.ts";
import { cacheDirFor, readCache, sourceIdentity, writeCache } from "./cache.ts";
import { DATA_FILES, dataFile } from "./paths.ts";
import { basename } from "node:path";

/** Options of the loaders. */
export interface LoadOptions {
  /** Data directory (default: `$NOISY_DIGITS_DATA` or `data/`). */
  dataDir?: string;
  /** Use and fill the binary cache (default true). */
  cache?: boolean;
  /** Cache directory (default: `.cache/` beside the file). */
  cacheDir?: string;
}

/** How a load was served, for benchmarks and messages. */
export interface LoadInfo {
  fromCache: boolean;
  seconds: number;
}

const LAYOUT = "upright-f32";

/**
 * Loads a competition CSV (`hasLabels`: 785 columns, else 784) from `path`.
 *
 * @throws {DataFormatError} on malformed content, or when the file is missing
 */
export async function loadCsvDataset(
  path: string,
  hasLabels: boolean,
  options: Omit<LoadOptions, "dataDir"> = {},
  info?: Partial<LoadInfo>,
): Promise<Dataset> {
  const t0 = performance.now();
  let id;
  try {
    id = await sourceIdentity(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new DataFormatError(
        path,
        0,
        0,
        "file not found - run `deno task data` to build the data set, or copy the competition files there",
      );
    }
    throw e;
  }
  const useCache = options.cache ?? true;
  const cacheDir = options.cacheDir ?? cacheDirFor(path);
  const make = (pixels: Float32Array, labels: Uint8Array | null) =>
    createDataset(pixels, { name: basename(path), labels, pixelOrder: "row-major" });
  if (useCache) {
    const hit = await readCache(cacheDir, id, LAYOUT);
    if (hit && hit.columns === PIXELS && (hit.labels !== null) === hasLabels) {
      if (info) Object.assign(info, { fromCache: true, seconds: (performance.now() - t0) / 1000 });
      return make(hit.pixels, hit.labels);
    }
  }
  const parsed = await parseMatrixFile(path, {
    file: path,
    pixelColumns: PIXELS,
    hasLabels,
    numClasses: NUM_CLASSES,
    permutation: FILE_COLUMN_TO_UPRIGHT,
  });
  if (useCache) {
    await writeCache(cacheDir, id, {
      rows: parsed.rows,
      columns: PIXELS,
      pixels: parsed.pixels,
      labels: parsed.labels,
      layout: LAYOUT,
    }).catch((e) => console.warn(`warning: could not write the cache for ${path}: ${e.message}`));
  }
  if (info) Object.assign(info, { fromCache: false, seconds: (performance.now() - t0) / 1000 });
  return make(parsed.pixels, parsed.labels);
}

/** Loads `train_data.csv` (12,000 labelled images) from the data directory. */
export function loadTrain(options: LoadOptions = {}, info?: Partial<LoadInfo>): Promise<Dataset> {
  return loadCsvDataset(dataFile("train", options.dataDir), true, options, info);
}

/** Loads `test_data.csv` (50,000 unlabelled images) from the data directory. */
export function loadTest(options: LoadOptions = {}, info?: Partial<LoadInfo>): Promise<Dataset> {
  return loadCsvDataset(dataFile("test", options.dataDir), false, options, info);
}

/**
 * Reads an `Id,Category` file (a submission or `test_solution.csv`) into an
 * array of labels indexed by id.
 *
 * @throws {DataFormatError} on a missing header, a bad id or category, or gaps in the ids
 */
export async function loadLabelsCsv(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new DataFormatError(path, 0, 0, "file not found");
    throw e;
  }
  const records = parseCsvRecords(text);
  const header = text.slice(0, text.indexOf("\n")).trim();
  if (header !== "Id,Category") {
    throw new DataFormatError(path, 1, 0, `expected the header "Id,Category", found "${header}"`);
  }
  const out = new Uint8Array(records.length);
  records.forEach((r, k) => {
    const line = k + 2;
    const id = Number(r.Id), cat = Number(r.Category);
    if (!Number.isInteger(id) || id !== k) {
      throw new DataFormatError(path, line, 1, `expected Id ${k}, found "${r.Id}"`);
    }
    if (!Number.isInteger(cat) || cat < 0 || cat >= NUM_CLASSES) {
      throw new DataFormatError(path, line, 2, `expected a Category 0-9, found "${r.Category}"`);
    }
    out[k] = cat;
  });
  return out;
}

/** Loads `test_solution.csv` when present, else `null` (the real competition ships none). */
export async function loadSolution(options: LoadOptions = {}): Promise<Uint8Array | null> {
  const path = dataFile("solution", options.dataDir);
  try {
    await Deno.stat(path);
  } catch {
    return null;
  }
  return await loadLabelsCsv(path);
}

export { DATA_FILES };
