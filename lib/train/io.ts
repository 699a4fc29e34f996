/**
 * Saving and loading tfjs models with Deno's own file APIs (tfjs' `file://`
 * handler lives in tfjs-node, which we do not use): a custom `IOHandler`
 * writing `model.json` (topology + weight manifest, the tfjs layers format)
 * and `weights.bin`, atomically. Also saves optimizer state, for resumable
 * checkpoints.
 *
 * @example
 * ```ts
 * import type * as tf from "@tensorflow/tfjs";
 * import { outputPath } from "../data/paths.ts";
 * declare const model: tf.LayersModel;
 * await saveNetwork(model, outputPath("models", "alt-cnn"));
 * const again = await loadNetwork(outputPath("models", "alt-cnn"));
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { exists, writeFileAtomic } from "../util/fs.ts";
import "../networks/layers.ts"; // registers the custom layers that saved topologies may name

const MODEL_JSON = "model.json", WEIGHTS_BIN = "weights.bin";

function joinWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

/** An `IOHandler` that saves to / loads from a directory on disk. */
export function directoryHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weights = new Uint8Array(joinWeights(artifacts.weightData));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(join(dir, WEIGHTS_BIN), weights);
      await writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(await Deno.readTextFile(join(dir, MODEL_JSON)));
      const bytes = await Deno.readFile(join(dir, WEIGHTS_BIN));
      const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      };
    },
  };
}

/** Saves a layers model (topology and weights) into `dir`. */
export async function saveNetwork(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(directoryHandler(dir));
}

/** Loads a layers model saved by {@linkcode saveNetwork}. */
export function loadNetwork(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(directoryHandler(dir));
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

/** Saves an optimizer's state (moments, iteration count) as `optimizer.json` + `optimizer.bin` in `dir`. */
export async function saveOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const named = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  await writeFileAtomic(join(dir, "optimizer.bin"), new Uint8Array(joinWeights(data)));
  await writeFileAtomic(join(dir, "optimizer.json"), JSON.stringify({ specs }));
}

/** Restores the state saved by {@linkcode saveOptimizer}; returns false when there is none. */
export async function loadOptimizer(optimizer: tf.Optimizer, dir: string): Promise<boolean> {
  if (!(await exists(join(dir, "optimizer.json")))) return false;
  const { specs } = JSON.parse(await Deno.readTextFile(join(dir, "optimizer.json")));
  const bytes = await Deno.readFile(join(dir, "optimizer.bin"));
  const map = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
  await optimizer.setWeights(Object.entries(map).map(([name, tensor]) => ({ name, tensor })));
  return true;
}
