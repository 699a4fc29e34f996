/**
 * The strict reader of a tfjs layers-model on disk: `model.json` (topology and
 * weight manifest) and the weight files it names. Every problem is a
 * {@linkcode SavedFileError} naming the file at fault: a missing file, a
 * directory or a pipe where a file should be, JSON that is cut or damaged, a
 * file that is no layers model, weight files shorter or longer than the
 * manifest needs. Saved networks (`lib/train/io.ts`) and pre-trained VGG16
 * weights (`lib/networks/vgg16.ts`) are both read through it.
 *
 * @example
 * ```ts
 * import { readModelFiles } from "./model_files.ts";
 *
 * try {
 *   const { weightSpecs, weightData } = await readModelFiles("vgg16/model.json");
 *   console.log(weightSpecs.length, weightData.byteLength);
 * } catch (e) {
 *   console.log((e as Error).message); // "vgg16/model.json: no model file here (file not found)"
 * }
 * ```
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { basename, dirname, join } from "node:path";
import { notARegularFile, SavedFileError } from "../util/fs.ts";

/** The fields of a tfjs layers-model's `model.json` that the reader checks, and any others it carries. */
export interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** What {@linkcode readModelFiles} read: the checked `model.json` and its weights. */
export interface ModelFileContents {
  /** The parsed `model.json`. */
  json: ModelJson;
  /** `modelTopology` of `model.json`. */
  modelTopology: unknown;
  /** The weight specs of all weight files, in order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** All weight files concatenated, exactly as long as the specs need. */
  weightData: ArrayBuffer;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weights of `specs` take in a weights file (quantized weights at their stored width). */
export function manifestBytes(specs: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const s of specs) {
    const dtype = s.quantization?.dtype ?? s.dtype;
    const per = DTYPE_BYTES[dtype];
    if (per === undefined) throw new Error(`weight ${s.name}: unsupported dtype ${dtype}`);
    total += s.shape.reduce((a, b) => a * b, 1) * per;
  }
  return total;
}

/**
 * Reads and checks a layers-model JSON file (`modelTopology` and a `weightsManifest` list).
 *
 * @param missing what a missing file means to the caller (default "no model file here")
 * @throws {SavedFileError} naming the file when it is missing, not a regular file, not JSON or no layers model
 */
export async function readModelJson(path: string, missing = "no model file here"): Promise<ModelJson> {
  const problem = await notARegularFile(path);
  if (problem) throw new SavedFileError(path, problem === "file not found" ? `${missing} (file not found)` : problem);
  let json: ModelJson;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new SavedFileError(
      path,
      `not valid JSON, the file is cut or damaged (${e instanceof Error ? e.message : e})`,
    );
  }
  if (!json || typeof json !== "object" || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new SavedFileError(path, "expected a tfjs layers model (modelTopology and weightsManifest)");
  }
  return json;
}

/**
 * Reads the weight files `paths` (relative to `dir`) and joins them, checked against the total size of `specs`.
 *
 * @param namedBy the file that names them, for the messages (default "model.json")
 * @throws {SavedFileError} naming the file when one is missing or the total is shorter or longer than the specs need
 */
export async function readWeightFiles(
  dir: string,
  paths: string[],
  specs: tf.io.WeightsManifestEntry[],
  namedBy = "model.json",
): Promise<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const p of paths) {
    const path = join(dir, p);
    const problem = await notARegularFile(path);
    if (problem) throw new SavedFileError(path, `${problem} (named by ${namedBy})`);
    parts.push(await Deno.readFile(path));
  }
  const got = parts.reduce((s, p) => s + p.length, 0);
  const want = manifestBytes(specs);
  if (got !== want) {
    throw new SavedFileError(
      paths.map((p) => join(dir, p)).join(" + "),
      `${got} bytes, but ${namedBy}'s weight manifest needs ${want} - ` +
        (got < want ? "the file is cut short" : "the file is longer: damaged, or from another model"),
    );
  }
  const out = new Uint8Array(got);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out.buffer;
}

/**
 * Reads a tfjs layers-model written by `model.save` or converted from Keras: the JSON file at `modelJsonPath` and
 * the weight files its manifest names, beside it.
 *
 * @throws {SavedFileError} naming the file at fault (see {@linkcode readModelJson}, {@linkcode readWeightFiles})
 */
export async function readModelFiles(modelJsonPath: string): Promise<ModelFileContents> {
  const json = await readModelJson(modelJsonPath);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const weightData = await readWeightFiles(
    dirname(modelJsonPath),
    json.weightsManifest.flatMap((g) => g.paths),
    weightSpecs,
    basename(modelJsonPath),
  );
  return { json, modelTopology: json.modelTopology, weightSpecs, weightData };
}
