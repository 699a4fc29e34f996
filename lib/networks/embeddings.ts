/**
 * A trained network as a feature extractor (report section 8, "extract
 * features"): the activations of one of its layers, by default the last
 * hidden layer before the classifier, for every image of a data set, as a
 * {@linkcode Matrix} that the SVM of `svm.ts` can fit on.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset.ts";
import { mapBatches, predictBatch } from "../runtime/batches.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { type Matrix, matrix } from "../data/matrix.ts";

/** Options of {@linkcode embeddings}. */
export interface EmbeddingOptions {
  /** Layer whose output is taken (default: the last layer with a 2-D output before the final one). */
  layer?: string;
  /** Images per forward pass (default 256). */
  batchSize?: number;
  /** Progress bar label (default "features"). */
  label?: string;
}

/** Name of the last hidden layer of `model` with a flat `[n, d]` output (the classifier's input). */
export function lastHiddenLayer(model: tf.LayersModel): string {
  const layers = model.layers.slice(0, -1);
  for (let i = layers.length - 1; i >= 0; i--) {
    const shape = layers[i].outputShape as number[];
    if (shape.length === 2 && layers[i].getClassName() !== "Dropout") return layers[i].name;
  }
  throw new Error(`${model.name}: no flat hidden layer to take features from`);
}

/** The activations of `options.layer` for every image of `ds`, one row per image. */
export function embeddings(model: tf.LayersModel, ds: Dataset, options: EmbeddingOptions = {}): Matrix {
  const name = options.layer ?? lastHiddenLayer(model);
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output as tf.SymbolicTensor });
  const dim = (sub.outputs[0].shape as number[]).slice(1).reduce((a, b) => a * b, 1);
  const out = mapBatches(ds, (idx) => predictBatch(sub, batchTensors(ds, idx).x), {
    batchSize: options.batchSize,
    label: options.label ?? "features",
  });
  return matrix(ds.count ? out : new Float32Array(0), ds.count, dim);
}
