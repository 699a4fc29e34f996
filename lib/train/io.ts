/**
 * Saving and loading tfjs models with Deno's own file APIs (tfjs' `file://`
 * handler lives in tfjs-node, which we do not use): a custom `IOHandler`
 * writing the tfjs layers format, `model.json` (topology + weight manifest)
 * and a weights file. Optimizer state and a caller's metadata (the training
 * key and history, a checkpoint's epoch) are saved with the model, in the
 * same unit.
 *
 * A save is all-or-nothing: the weights (and optimizer state) go to files with
 * a fresh generation name, `weights.<gen>.bin`, then `model.json`, which names
 * them and carries the metadata, is renamed into place (the one commit point),
 * then the files of the previous generation are removed. A kill at any point
 * leaves the old model or the new one, never weights of one with the topology
 * or metadata of another; files left by a killed save are removed by the next
 * save. Loading checks the manifest against the weights file's length (too
 * short or too long) and names the file in every error.
 *
 * @example
 * ```ts
 * import type * as tf from "@tensorflow/tfjs";
 * import { outputPath } from "../data/paths.ts";
 * declare const model: tf.LayersModel;
 * await saveNetwork(model, outputPath("models", "four-conv-cnn"));
 * const again = await loadNetwork(outputPath("models", "four-conv-cnn"));
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { exists, removeStaleTemps, removeWhere, SavedFileError, writeFileAtomic } from "../util/fs.ts";
import { type ModelJson, readModelJson, readWeightFiles } from "../runtime/model_files.ts";
import "../networks/layers.ts"; // registers the custom layers that saved topologies may name

export { manifestBytes } from "../runtime/model_files.ts";

const MODEL_JSON = "model.json";
/** Files of a generation (`weights.<gen>.bin`, `optimizer.<gen>.bin`) and of the earlier one-generation layout. */
const OWN_FILE = /^(weights|optimizer)\.[0-9a-z]+-[0-9a-f]{6}\.bin$/;
const LEGACY_FILES = ["weights.bin", "meta.json", "optimizer.json", "optimizer.bin", "state.json"];

function joinWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

/** What is saved beside the weights. */
export interface SaveOptions {
  /** Any JSON: stored in `model.json` with the model, read back by {@linkcode readModelMeta}. */
  meta?: unknown;
  /** An optimizer whose state (moments, iteration count) is saved too, for resumable checkpoints. */
  optimizer?: tf.Optimizer;
}

/** `model.json` as this module writes it: a layers model with the caller's metadata and the optimizer's file. */
interface SavedJson extends ModelJson {
  meta?: unknown;
  optimizer?: { path: string; specs: tf.io.WeightsManifestEntry[] };
}

function generation(): string {
  return `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;
}

/** Reads and checks `model.json` of `dir`. */
function readSavedJson(dir: string): Promise<SavedJson> {
  return readModelJson(join(dir, MODEL_JSON), "no saved model here");
}

/**
 * An `IOHandler` that saves to / loads from a directory on disk (see the
 * module doc for the layout and its guarantees).
 */
export function directoryHandler(dir: string, options: SaveOptions = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await Deno.mkdir(dir, { recursive: true });
      await removeStaleTemps(dir);
      const gen = generation();
      const weightsName = `weights.${gen}.bin`;
      const json: SavedJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
      };
      if (options.meta !== undefined) json.meta = options.meta;
      await writeFileAtomic(join(dir, weightsName), new Uint8Array(joinWeights(artifacts.weightData)));
      if (options.optimizer) {
        const { data, specs } = await tf.io.encodeWeights(await options.optimizer.getWeights());
        const optimizerName = `optimizer.${gen}.bin`;
        await writeFileAtomic(join(dir, optimizerName), new Uint8Array(joinWeights(data)));
        json.optimizer = { path: optimizerName, specs };
      }
      await writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(json)); // the commit point
      // The previous generation's files (and an older layout's) are no longer named by model.json.
      const keep = new Set([weightsName, json.optimizer?.path]);
      await removeWhere(
        dir,
        (e) => e.isFile && !keep.has(e.name) && (OWN_FILE.test(e.name) || LEGACY_FILES.includes(e.name)),
      );
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      // A save running beside us may remove the generation we read: read model.json again then.
      for (let attempt = 0;; attempt++) {
        const json = await readSavedJson(dir);
        const specs = json.weightsManifest.flatMap((g) => g.weights);
        try {
          const weightData = await readWeightFiles(dir, json.weightsManifest.flatMap((g) => g.paths), specs);
          return {
            modelTopology: json.modelTopology as tf.io.ModelArtifacts["modelTopology"],
            format: json.format,
            generatedBy: json.generatedBy,
            convertedBy: json.convertedBy,
            trainingConfig: json.trainingConfig,
            weightSpecs: specs,
            weightData,
          };
        } catch (e) {
          if (attempt < 2 && e instanceof SavedFileError && /file not found/.test(e.message)) continue;
          throw e;
        }
      }
    },
  };
}

/** Saves a layers model (topology and weights, optionally metadata and optimizer state) into `dir`, as one unit. */
export async function saveNetwork(model: tf.LayersModel, dir: string, options: SaveOptions = {}): Promise<void> {
  await model.save(directoryHandler(dir, options));
}

/**
 * Loads a layers model saved by {@linkcode saveNetwork}.
 *
 * @throws {SavedFileError} naming the file when `model.json` or the weights are missing, cut, damaged or mismatched
 */
export async function loadNetwork(dir: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(directoryHandler(dir));
  } catch (e) {
    if (e instanceof SavedFileError) throw e;
    throw new SavedFileError(join(dir, MODEL_JSON), `cannot build the model: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * The metadata saved with the model in `dir` ({@linkcode SaveOptions.meta}),
 * or, for a model saved by an earlier version, its `meta.json`; null when
 * there is none.
 */
export async function readModelMeta(dir: string): Promise<unknown> {
  const json = await readSavedJson(dir);
  if (json.meta !== undefined) return json.meta;
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, "meta.json")));
  } catch {
    return null;
  }
}

/** Whether `dir` holds a saved model. */
export function modelExists(dir: string): Promise<boolean> {
  return exists(join(dir, MODEL_JSON));
}

/**
 * Copies the weights of `from` into `to` (same architecture), layer by layer,
 * so it works whichever layers are frozen in either model (a model's flat
 * weight list puts trainable weights first, which depends on freezing).
 */
export function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  if (from.layers.length !== to.layers.length) {
    throw new Error(`copyWeights: ${from.layers.length} layers into ${to.layers.length}`);
  }
  from.layers.forEach((layer, i) => to.layers[i].setWeights(layer.getWeights()));
}

/** Restores the optimizer state saved with the model in `dir`; returns false when there is none. */
export async function loadOptimizer(optimizer: tf.Optimizer, dir: string): Promise<boolean> {
  const json = await readSavedJson(dir);
  if (!json.optimizer) return false;
  const data = await readWeightFiles(dir, [json.optimizer.path], json.optimizer.specs);
  const map = tf.io.decodeWeights(data, json.optimizer.specs);
  await optimizer.setWeights(Object.entries(map).map(([name, tensor]) => ({ name, tensor })));
  return true;
}
