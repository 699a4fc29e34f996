/**
 * Builds the competition files by the data synthesis (`synthesis.ts`): `train_data.csv` (pixels +
 * label), `test_data.csv` (pixels) and `test_solution.csv` (`Id,Category`).
 *
 * Pixels are written column-major with three decimals, like the original
 * files' layout. Existing data is left alone unless `force` is set, so a
 * user's real competition files are never overwritten by accident.
 *
 * The three files are one data set (the test digits are drawn apart from the
 * training digits), so they are replaced as one unit ({@linkcode replaceAll} in
 * `replace.ts`): a kill at any point leaves either the old set or the new one,
 * never a new training file beside old test files.
 *
 * A fourth file joins the unit, the synthesis record
 * {@linkcode SYNTHESIS_RECORD} (seed, sizes and noise recipe, JSON), so that
 * a build asked for one noise recipe never passes off data of the other as
 * its own (see {@linkcode generateData}). Caches of parsed files and saved
 * models key on the content of the data, so the two recipes never share one.
 *
 * @module
 */

import { DATA_FILES, dataDir } from "./paths.ts";
import { FILE_COLUMN_TO_UPRIGHT, PIXELS } from "./dataset.ts";
import { loadMnist, type MnistDigits } from "./mnist.ts";
import {
  drawSplits,
  type NoiseRecipe,
  noiseSeed,
  noisyImages,
  parseNoiseRecipe,
  type SynthesisOptions,
  synthesisSettings,
} from "./synthesis.ts";
import { createRandom } from "../util/random.ts";
import { exists, writeAll, writeAtomic, writeFileAtomic } from "../util/fs.ts";
import { lockFolder } from "../util/lock.ts";
import { createProgress, type ProgressOptions } from "../display/progress.ts";
import { join } from "node:path";
import { recoverDataDir, replaceAll } from "./replace.ts";

export { recoverDataDir };

/** File name of the synthesis record written beside the three data files. */
export const SYNTHESIS_RECORD = ".noisy-digits-synthesis.json";

/** What the synthesis record holds: the settings the data in that folder was built with. */
export type SynthesisRecord = Required<SynthesisOptions>;

/**
 * The synthesis record of the data in `dir` (default {@linkcode dataDir}), or null where there is none (real
 * competition files, or data built before the record existed, which was built with the recipe `max`).
 *
 * @throws when the record exists but is not a record of this project
 */
export async function readSynthesisRecord(dir?: string): Promise<SynthesisRecord | null> {
  const path = join(dataDir(dir), SYNTHESIS_RECORD);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    const r = JSON.parse(text);
    return { seed: r.seed, trainCount: r.trainCount, testCount: r.testCount, recipe: parseNoiseRecipe(r.recipe) };
  } catch (e) {
    throw new Error(`${path}: not a synthesis record (${e instanceof Error ? e.message : e})`);
  }
}

/** The noise recipe of the data in `dir`: its record's, else `max` (data built before the record, or real files). */
export async function dataNoiseRecipe(dir?: string): Promise<NoiseRecipe> {
  return (await readSynthesisRecord(dir))?.recipe ?? "max";
}

/** Options of {@linkcode generateData}. */
export interface GenerateOptions extends SynthesisOptions {
  /** Target directory (default: {@linkcode dataDir}). */
  dir?: string;
  /** Rebuild even when the files exist. */
  force?: boolean;
  /** Progress display (default: auto). */
  progress?: ProgressOptions["mode"];
}

/** What {@linkcode generateData} did. */
export interface GenerateResult {
  /** True when files were written, false when existing data was kept. */
  written: boolean;
  files: string[];
  seconds: number;
}

/** Byte strings of every value k/1000 for k = 0..1000, trimmed ("0", "0.5", "0.125", "1"). */
const VALUE_BYTES: Uint8Array[] = Array.from({ length: 1001 }, (_, k) => {
  const s = k === 0 ? "0" : k === 1000 ? "1" : ("0." + String(k).padStart(3, "0")).replace(/0+$/, "");
  return new TextEncoder().encode(s);
});

/** Formats one upright image as a CSV row (column-major), with an optional label, into `buf` at `off`. */
export function encodeRow(image: Float32Array, label: number | null, buf: Uint8Array, off: number): number {
  for (let c = 0; c < PIXELS; c++) {
    const bytes = VALUE_BYTES[Math.round(image[FILE_COLUMN_TO_UPRIGHT[c]] * 1000)];
    buf.set(bytes, off);
    off += bytes.length;
    buf[off++] = c === PIXELS - 1 && label === null ? 10 : 44; // "\n" or ","
  }
  if (label !== null) {
    buf[off++] = 48 + label;
    buf[off++] = 10;
  }
  return off;
}

const MAX_ROW_BYTES = PIXELS * 6 + 4;

async function writeImages(
  path: string,
  rows: Iterable<{ image: Float32Array; label: number }>,
  withLabels: boolean,
  onRow: () => void,
): Promise<void> {
  await writeAtomic(path, async (file) => {
    const buf = new Uint8Array(4 << 20);
    let off = 0;
    for (const { image, label } of rows) {
      if (off + MAX_ROW_BYTES > buf.length) {
        await writeAll(file, buf.subarray(0, off));
        off = 0;
      }
      off = encodeRow(image, withLabels ? label : null, buf, off);
      onRow();
    }
    await writeAll(file, buf.subarray(0, off));
  });
}

/**
 * Runs the synthesis and writes the three files and the record (or keeps existing data).
 *
 * @throws when only some of the competition files are present and `force` is not set, or when `recipe` is given,
 * `force` is not, and the data present was not built with that noise recipe
 */
export async function generateData(options: GenerateOptions = {}): Promise<GenerateResult> {
  const t0 = performance.now();
  const dir = dataDir(options.dir);
  await recoverDataDir(dir);
  const paths = {
    train: join(dir, DATA_FILES.train),
    test: join(dir, DATA_FILES.test),
    solution: join(dir, DATA_FILES.solution),
  };
  const present = { train: await exists(paths.train), test: await exists(paths.test) };
  if (!options.force && (present.train || present.test)) {
    if (present.train && present.test) {
      const recorded = options.recipe === undefined ? undefined : (await readSynthesisRecord(dir))?.recipe;
      if (options.recipe !== undefined && recorded !== options.recipe) {
        throw new Error(
          `${dir} holds data ${
            recorded ? `built with the noise recipe ${recorded}` : "without a synthesis record"
          }, not ${options.recipe}; pass --force to rebuild it with the noise recipe ${options.recipe}`,
        );
      }
      return { written: false, files: [paths.train, paths.test], seconds: (performance.now() - t0) / 1000 };
    }
    const have = present.train ? DATA_FILES.train : DATA_FILES.test;
    const missing = present.train ? DATA_FILES.test : DATA_FILES.train;
    throw new Error(`${dir} has ${have} but not ${missing}; pass --force to rebuild both by the synthesis`);
  }
  // One build at a time in a folder, and none while a run reads it (see lib/util/lock.ts).
  const lock = await lockFolder(dir, { purpose: "building the data set" });
  try {
    await build(dir, options);
  } finally {
    lock.release();
  }
  return { written: true, files: [paths.train, paths.test, paths.solution], seconds: (performance.now() - t0) / 1000 };
}

/** Draws and writes the three files into `dir` as one unit. */
async function build(dir: string, options: GenerateOptions): Promise<void> {
  const mnist: MnistDigits = await loadMnist();
  const settings = synthesisSettings(options);
  const draw = drawSplits(mnist.labels, settings);
  const rng = createRandom(noiseSeed(settings.seed));
  const bar = createProgress({
    total: draw.train.length + draw.test.length,
    label: "building data",
    unit: "img",
    mode: options.progress,
  });
  await replaceAll(dir, async (staging) => {
    const inStaging = (name: string) => join(staging, name);
    await writeImages(
      inStaging(DATA_FILES.train),
      noisyImages(mnist, draw.train, rng, settings.recipe),
      true,
      () => bar.tick(),
    );
    await writeImages(
      inStaging(DATA_FILES.test),
      noisyImages(mnist, draw.test, rng, settings.recipe),
      false,
      () => bar.tick(),
    );
    const solution = ["Id,Category", ...Array.from(draw.test, (i, id) => `${id},${mnist.labels[i]}`)].join("\n") +
      "\n";
    await writeFileAtomic(inStaging(DATA_FILES.solution), solution);
    await writeFileAtomic(inStaging(SYNTHESIS_RECORD), JSON.stringify(settings) + "\n");
    return [DATA_FILES.train, DATA_FILES.test, DATA_FILES.solution, SYNTHESIS_RECORD];
  });
  bar.finish();
}
