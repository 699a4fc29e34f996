/**
 * Loading the competition files into {@linkcode Dataset}s: CSV parsed once,
 * then served from the binary cache while the file is unchanged. Images come
 * out upright (the files store them column-major).
 *
 * @module
 */

import { createDataset, type Dataset, FILE_COLUMN_TO_UPRIGHT, NUM_CLASSES, PIXELS } from "./dataset.ts";
import { DataFormatError, parseMatrixFile } from "./csv.ts";
import { cacheDirFor, readCache, sourceIdentity, writeCache } from "./cache.ts";
import { DATA_FILES, dataFile } from "./paths.ts";
import { basename, dirname } from "node:path";
import { recoverDataDir } from "./replace.ts";
import { notARegularFile, notTextFile } from "../util/fs.ts";

/** Options of the loaders. */
export interface LoadOptions {
  /** Data directory (default: `$NOISY_DIGITS_DATA` or `data/`). */
  dataDir?: string;
  /** Use and fill the binary cache (default true). */
  cache?: boolean;
  /** Cache directory (default: `.noisy-digits-cache/` beside the file). */
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
  await recoverDataDir(dirname(path)); // completes a data build that was killed after its commit point
  await checkInputFile(path, "run `deno task data` to build the data set, or copy the competition files there");
  const useCache = options.cache ?? true;
  const cacheDir = options.cacheDir ?? cacheDirFor(path);
  const make = (pixels: Float32Array, labels: Uint8Array | null) =>
    createDataset(pixels, { name: basename(path), labels, pixelOrder: "row-major" });
  const id = useCache ? await sourceIdentity(path) : null;
  if (id) {
    const hit = await readCache(cacheDir, id, LAYOUT, (problem) => console.warn(`warning: ${problem}`));
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
  if (id) {
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
 * Throws a {@linkcode DataFormatError} naming `path` unless it is a regular
 * file (missing, a directory, a pipe or another special file) of text: a
 * compressed, UTF-16 or binary file is named as such. `hint` is added to the
 * "file not found" message.
 */
export async function checkInputFile(path: string, hint?: string): Promise<void> {
  const problem = await notARegularFile(path);
  if (problem) {
    throw new DataFormatError(path, 0, 0, problem === "file not found" && hint ? `${problem} - ${hint}` : problem);
  }
  const binary = await notTextFile(path);
  if (binary) throw new DataFormatError(path, 0, 0, `${binary}; expected a CSV text file`);
}

/** Options of {@linkcode loadLabelsCsv}. */
export interface LoadLabelsOptions {
  /** The number of rows the file must have (e.g. the solution's), checked with a message naming the file. */
  rows?: number;
}

const CANONICAL_ID = /^(0|[1-9][0-9]*)$/;
const CATEGORY = /^[0-9]$/;

/**
 * Reads an `Id,Category` file (a submission or `test_solution.csv`) into an
 * array of labels indexed by id. As strict as the pixel loader: the header must
 * be exactly `Id,Category`; every line has two fields, the id written as a
 * plain integer equal to its row number (0, 1, 2, ...: so a duplicate, a gap or
 * a reordering is refused) and the category a single digit 0-9. Empty fields,
 * `01`, `1.0`, `1e0`, ` 1`, a UTF-8 byte-order mark, a blank line between rows,
 * a cut last line: each is refused with the file, line and column and what was
 * expected. `\r\n` line ends are fine.
 *
 * @throws {DataFormatError} on any of the above, or when the file is missing or not a regular file
 */
export async function loadLabelsCsv(path: string, options: LoadLabelsOptions = {}): Promise<Uint8Array> {
  await checkInputFile(path);
  const bytes = await Deno.readFile(path);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new DataFormatError(
      path,
      1,
      1,
      'the file starts with a UTF-8 byte-order mark; expected the header "Id,Category" (save it as UTF-8 without BOM)',
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataFormatError(path, 0, 0, "not UTF-8 text; expected an Id,Category CSV file");
  }
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop(); // the final newline
  const clean = (l: string) => (l.endsWith("\r") ? l.slice(0, -1) : l);
  const header = clean(lines[0] ?? "");
  if (header !== "Id,Category") {
    throw new DataFormatError(path, 1, 0, `expected the header "Id,Category", found "${header.slice(0, 40)}"`);
  }
  const out = new Uint8Array(lines.length - 1);
  for (let k = 0; k < out.length; k++) {
    const line = k + 2;
    const fields = clean(lines[k + 1]).split(",");
    if (fields.length !== 2) {
      const found = fields.length === 1 && fields[0] === "" ? "an empty line" : `${fields.length} field(s)`;
      throw new DataFormatError(path, line, 0, `expected 2 fields "Id,Category", found ${found}`);
    }
    const [id, cat] = fields;
    if (!CANONICAL_ID.test(id) || Number(id) !== k) {
      const what = id === "" ? "an empty field" : `"${id.slice(0, 20)}"`;
      const dup = CANONICAL_ID.test(id) && Number(id) < k ? " (a duplicate or out of order)" : "";
      throw new DataFormatError(
        path,
        line,
        1,
        `expected Id ${k} (a plain integer, rows in order), found ${what}${dup}`,
      );
    }
    if (!CATEGORY.test(cat)) {
      const what = cat === "" ? "an empty field" : `"${cat.slice(0, 20)}"`;
      throw new DataFormatError(path, line, 2, `expected a Category 0-9 (one digit), found ${what}`);
    }
    out[k] = cat.charCodeAt(0) - 48;
  }
  if (out.length === 0) throw new DataFormatError(path, 0, 0, "no rows after the header");
  if (options.rows !== undefined && out.length !== options.rows) {
    throw new DataFormatError(
      path,
      0,
      0,
      `expected ${options.rows} rows (one per test image), found ${out.length}` +
        (out.length < options.rows ? " - the file looks truncated" : ""),
    );
  }
  return out;
}

/** Loads `test_solution.csv` when present, else `null` (the real competition ships none). */
export async function loadSolution(options: LoadOptions = {}): Promise<Uint8Array | null> {
  const path = dataFile("solution", options.dataDir);
  await recoverDataDir(dirname(path));
  try {
    await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  return await loadLabelsCsv(path);
}

export { DATA_FILES };
