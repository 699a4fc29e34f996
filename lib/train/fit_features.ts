/**
 * Training a small classifier head on pre-computed features (transfer
 * learning with a frozen base: the base runs once, see
 * `lib/networks/features.ts`, and only the head trains, for many cheap epochs,
 * in the fit loop of `fit.ts`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Features } from "../networks/features.ts";
import type { ProgressOptions } from "../display/progress.ts";
import type { History } from "./callbacks.ts";
import { fit, type TrainingSet } from "./fit.ts";
import { oneHotAt, rowsAt } from "../runtime/tensors.ts";
import { accuracy } from "../metrics/accuracy.ts";
import type { OptimizerSpec } from "./optimizers.ts";

/** Options of {@linkcode fitOnFeatures}. */
export interface FitOnFeaturesOptions {
  epochs?: number;
  batchSize?: number;
  /** Adam learning rate (default 1e-3), or the rate of `optimizer` when it names none. */
  learningRate?: number;
  /** Optimizer by name (default Adam), e.g. the report's `{ name: "sgd", learningRate: 1e-4 }`. */
  optimizer?: OptimizerSpec;
  /** Features of a labelled holdout, evaluated after every epoch. */
  validation?: Features;
  /** Seed of the shuffles (default 1). */
  seed?: number;
  /** Progress display (default auto). */
  progress?: ProgressOptions["mode"];
}

function tensorOf(f: Features): tf.Tensor {
  return tf.tensor(f.values, [f.count, ...f.shape]);
}

function requireFeatureLabels(f: Features): Uint8Array {
  if (!f.labels) throw new Error("fitOnFeatures: features without labels");
  return f.labels;
}

/** Labelled features as a {@linkcode TrainingSet} of the fit loop: rows of shape `f.shape`, one-hot targets. */
export function featureRows(f: Features): TrainingSet {
  const labels = requireFeatureLabels(f);
  return {
    count: f.count,
    batch: (idx, { labelSmoothing }) => ({
      x: tf.tensor(rowsAt(f.values, f.dim, idx), [idx.length, ...f.shape]),
      y: oneHotAt(labels, idx, labelSmoothing),
    }),
  };
}

/**
 * Trains `head` (input shape = one feature map) on labelled features with the fit loop of `fit.ts` (Adam, the
 * categorical cross-entropy, shuffles seeded by `seed`); returns a Keras-like history and the seconds.
 */
export async function fitOnFeatures(
  head: tf.LayersModel,
  train: Features,
  options: FitOnFeaturesOptions = {},
): Promise<{ history: History; seconds: number }> {
  const rows = featureRows(train), validation = options.validation ? featureRows(options.validation) : undefined;
  const t0 = performance.now();
  const history = await fit(head, rows, {
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 128,
    optimizer: { name: "adam", learningRate: options.learningRate ?? 1e-3, ...options.optimizer },
    validation,
    seed: options.seed ?? 1,
    label: "train head",
    progress: options.progress,
  });
  return { history, seconds: (performance.now() - t0) / 1000 };
}

/** The class `head` predicts for each row of `f` (labels not needed). */
export function predictOnFeatures(head: tf.LayersModel, f: Features): Int32Array {
  return tf.tidy(() => (head.predict(tensorOf(f)) as tf.Tensor).argMax(-1).dataSync() as Int32Array);
}

/** Accuracy of `head` on labelled features. */
export function accuracyOnFeatures(head: tf.LayersModel, f: Features): number {
  const labels = requireFeatureLabels(f);
  return accuracy(labels, predictOnFeatures(head, f));
}
