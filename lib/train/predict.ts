/**
 * Batched inference on a {@linkcode Dataset}: class probabilities, labels
 * and (for labelled sets) loss and accuracy, with a progress bar.
 *
 * @example
 * ```ts
 * const labels = predictLabels(model, holdout);
 * const { loss, accuracy } = evaluate(model, holdout);
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type Dataset, NUM_CLASSES, requireLabels } from "../data/dataset.ts";
import { type BatchOptions, batchProgress, mapBatches } from "../runtime/batches.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { createWorkerPool, defaultWorkers, type WorkerPool } from "./parallel.ts";
import { PIXELS } from "../data/dataset.ts";

/** Options of the prediction helpers: batch size, progress display and label of {@linkcode mapBatches}. */
export type PredictOptions = BatchOptions;

/**
 * Class probabilities, `count * 10` values row by row (softmax output of the
 * model in inference mode: dropout off, BatchNorm on moving statistics).
 */
export function predictProba(model: tf.LayersModel, ds: Dataset, options: PredictOptions = {}): Float32Array {
  const images = { ...ds, labels: null };
  return mapBatches(ds, (idx) => model.predict(batchTensors(images, idx).x) as tf.Tensor, options);
}

/** Most probable class of each row of a `count * 10` probability array. */
export function argMaxRows(probs: Float32Array, numClasses = NUM_CLASSES): Uint8Array {
  const n = probs.length / numClasses, out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** The mean of several models' probability arrays (an ensemble's prediction). */
export function averageProbabilities(list: Float32Array[]): Float32Array {
  if (list.length === 0) throw new Error("averageProbabilities: nothing to average");
  const out = new Float32Array(list[0].length);
  for (const p of list) {
    if (p.length !== out.length) throw new Error(`averageProbabilities: lengths ${p.length} and ${out.length}`);
    for (let i = 0; i < out.length; i++) out[i] += p[i] / list.length;
  }
  return out;
}

/** Predicted class labels of every image. */
export function predictLabels(model: tf.LayersModel, ds: Dataset, options: PredictOptions = {}): Uint8Array {
  return argMaxRows(predictProba(model, ds, options));
}

/** Loss and accuracy of a model on a labelled set. */
export interface Evaluation {
  /** Mean categorical cross-entropy. */
  loss: number;
  accuracy: number;
}

/** Mean cross-entropy and accuracy of probabilities against true labels. */
export function scoreProbabilities(probs: Float32Array, labels: ArrayLike<number>): Evaluation {
  let loss = 0, correct = 0;
  const pred = argMaxRows(probs);
  for (let i = 0; i < labels.length; i++) {
    loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, probs[i * NUM_CLASSES + labels[i]])));
    if (pred[i] === labels[i]) correct++;
  }
  return { loss: loss / labels.length, accuracy: correct / labels.length };
}

/** Evaluates a model on a labelled dataset (batched, inference mode). */
export function evaluate(model: tf.LayersModel, ds: Dataset, options: PredictOptions = {}): Evaluation {
  return scoreProbabilities(predictProba(model, ds, options), requireLabels(ds));
}

/**
 * {@linkcode predictProba} spread over a worker pool (main thread + workers),
 * in chunks of `batchSize` images per replica.
 */
export async function predictProbaParallel(
  model: tf.LayersModel,
  ds: Dataset,
  pool: WorkerPool,
  options: PredictOptions = {},
): Promise<Float32Array> {
  const chunk = (options.batchSize ?? 256) * (pool.size + 1);
  const out = new Float32Array(ds.count * NUM_CLASSES);
  const bar = batchProgress(ds.count, options);
  for (let start = 0; start < ds.count; start += chunk) {
    const end = Math.min(ds.count, start + chunk);
    const probs = await pool.predict(model, ds.pixels.subarray(start * PIXELS, end * PIXELS), end - start);
    out.set(probs, start * NUM_CLASSES);
    bar.tick(end - start);
  }
  bar.finish();
  return out;
}

/** {@linkcode evaluate} spread over a worker pool. */
export async function evaluateParallel(
  model: tf.LayersModel,
  ds: Dataset,
  pool: WorkerPool,
  options: PredictOptions = {},
): Promise<Evaluation> {
  return scoreProbabilities(await predictProbaParallel(model, ds, pool, options), requireLabels(ds));
}

/**
 * {@linkcode predictProbaParallel} on every core without managing a pool:
 * starts `workers` replicas of `model` (default: one per extra core),
 * predicts `ds` and stops them.
 */
export async function predictProbaAllCores(
  model: tf.LayersModel,
  ds: Dataset,
  options: PredictOptions & { workers?: number } = {},
): Promise<Float32Array> {
  const workers = options.workers ?? defaultWorkers();
  if (workers === 0) return predictProba(model, ds, options);
  const pool = await createWorkerPool(model, workers);
  try {
    return await predictProbaParallel(model, ds, pool, options);
  } finally {
    pool.terminate();
  }
}
