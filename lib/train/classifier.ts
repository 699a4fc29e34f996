/**
 * Networks as {@linkcode Classifier}s: a layers model predicting labels with
 * {@linkcode predictProba}'s options, and a saved network opened from its
 * directory, so that the study scores and ranks networks and SVM pipelines
 * through one interface.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Classifier } from "../data/classifier.ts";
import { loadNetwork, modelExists } from "./io.ts";
import { argMaxRows, type PredictOptions, predictProba } from "./predict.ts";

/** `model` as a classifier predicting with `options` (workers, views, progress); `dispose` disposes the model. */
export function networkClassifier(model: tf.LayersModel, options: PredictOptions = {}): Classifier {
  return {
    predict: async (ds) => argMaxRows(await predictProba(model, ds, options)),
    dispose: () => model.dispose(),
  };
}

/** The network saved in `dir` as a classifier, or null when `dir` holds no saved network. */
export async function openSavedNetwork(dir: string, options: PredictOptions = {}): Promise<Classifier | null> {
  if (!(await modelExists(dir))) return null;
  return networkClassifier(await loadNetwork(dir), options);
}
