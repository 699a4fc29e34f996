/**
 * Batched inference on a {@linkcode Dataset}: class probabilities, labels
 * and (for labelled sets) loss and accuracy, with a progress bar.
 *
 * @example
 * ```ts
 * import type * as tf from "@tensorflow/tfjs";
 * import type { Dataset } from "../data/dataset.ts";
 * import { helperWorkers } from "./parallel.ts";
 * declare const model: tf.LayersModel, holdout: Dataset;
 * const labels = await predictLabels(model, holdout);
 * const { loss, accuracy } = await evaluate(model, holdout, { workers: helperWorkers() });
 * ```
 *
 * @module
 */

import { deriveSeed, SEED_STRIDE } from "../util/random.ts";
import * as tf from "@tensorflow/tfjs";
import { type Dataset, NUM_CLASSES, requireLabels } from "../data/dataset.ts";
import { type BatchOptions, batchProgress, mapBatches, predictBatch } from "../runtime/batches.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { createWorkerPool, type WorkerPool } from "./parallel.ts";
import type { AffineParams } from "./augment.ts";
import { shiftedDataset } from "./tta.ts";
import { PIXELS } from "../data/dataset.ts";

/**
 * Class probabilities, `count * 10` values row by row (softmax output of the
 * model in inference mode: dropout off, BatchNorm on moving statistics), on
 * the main thread. {@linkcode predictProba} adds worker replicas and
 * test-time views.
 */
function predictProbaHere(model: tf.LayersModel, ds: Dataset, options: BatchOptions = {}): Float32Array {
  const images = { ...ds, labels: null };
  return mapBatches(ds, (idx) => predictBatch(model, batchTensors(images, idx).x), options);
}

/** Options of {@linkcode predictProba}. */
export interface PredictOptions extends BatchOptions {
  /**
   * Worker threads that help the main thread, each with a replica of the model: a running pool, or a number of
   * replicas started for this call and stopped after it (default 0: the main thread alone; `helperWorkers()` for
   * every core).
   */
  workers?: number | WorkerPool;
  /** Test-time views whose probabilities are averaged (default: the images as they are; see `SHIFT_VIEWS`). */
  views?: readonly AffineParams[];
  /** Seed of the noise a view brings in at the borders (default 1). */
  viewSeed?: number;
}

/**
 * Class probabilities, `count * 10` values row by row, averaged over `views` when given, on the main thread and
 * `workers` replicas.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import type { Dataset } from "../data/dataset.ts";
 * import { predictProba } from "./predict.ts";
 * import { helperWorkers } from "./parallel.ts";
 * import { SHIFT_VIEWS } from "./tta.ts";
 *
 * declare const model: tf.LayersModel, test: Dataset;
 * const probs = await predictProba(model, test, { workers: helperWorkers(), views: SHIFT_VIEWS });
 * ```
 */
export async function predictProba(
  model: tf.LayersModel,
  ds: Dataset,
  options: PredictOptions = {},
): Promise<Float32Array> {
  const { workers = 0, views } = options;
  const pool = typeof workers === "number" && workers > 0 ? await createWorkerPool(model, workers) : undefined;
  const running = typeof workers === "number" ? pool : workers;
  const once = (images: Dataset, label?: string) =>
    running
      ? predictOnPool(model, images, running, { ...options, label })
      : Promise.resolve(predictProbaHere(model, images, { ...options, label }));
  try {
    if (!views) return await once(ds, options.label);
    const seed = options.viewSeed ?? 1, probs: Float32Array[] = [];
    for (const [k, view] of views.entries()) {
      const shifted = Object.keys(view).length ? shiftedDataset(ds, view, deriveSeed(k, seed, SEED_STRIDE.small)) : ds;
      probs.push(await once(shifted, `${options.label ?? "predict"} (view ${k + 1}/${views.length})`));
    }
    return averageProbabilities(probs);
  } finally {
    pool?.terminate();
  }
}

/** {@linkcode predictProbaHere} spread over a worker pool (main thread + workers), `batchSize` images per replica. */
async function predictOnPool(
  model: tf.LayersModel,
  ds: Dataset,
  pool: WorkerPool,
  options: BatchOptions = {},
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

/** Predicted class labels of every image (options as {@linkcode predictProba}). */
export async function predictLabels(
  model: tf.LayersModel,
  ds: Dataset,
  options: PredictOptions = {},
): Promise<Uint8Array> {
  return argMaxRows(await predictProba(model, ds, options));
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

/** Evaluates a model on a labelled dataset (batched, inference mode; options as {@linkcode predictProba}). */
export async function evaluate(model: tf.LayersModel, ds: Dataset, options: PredictOptions = {}): Promise<Evaluation> {
  return scoreProbabilities(await predictProba(model, ds, options), requireLabels(ds));
}
