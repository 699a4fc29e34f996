/**
 * The training loop of the project: mini-batch training of a tfjs layers
 * model on a {@linkcode Dataset} (or any {@linkcode TrainingSet}, e.g.
 * pre-computed features), with an optimizer by name, a per-step
 * learning-rate schedule, label smoothing, a loss by name, targets that are
 * the labels or the images themselves (an autoencoder), a per-batch transform
 * hook (augmentation, fresh noise) and validation. Early stopping, resumable
 * checkpoints, the history and the progress bar are callbacks around the loop
 * (`lib/train/callbacks.ts`), chosen by the same options. The CNNs, the denoiser
 * (`lib/train/denoise.ts`) and the heads on features
 * (`lib/train/fit_features.ts`) all train with it.
 *
 * @example
 * ```ts
 * import { loadTrain } from "../data/load.ts";
 * import { outputPath } from "../data/paths.ts";
 * import { stratifiedSplit } from "../data/split.ts";
 * import { fourConvCnn } from "../networks/cnn.ts";
 * import { initBackend } from "../runtime/backend.ts";
 * import { oneCycle } from "./schedules.ts";
 * const tf = await initBackend();
 * const { train, holdout } = stratifiedSplit(await loadTrain());
 * const model = fourConvCnn({ seed: 1 });
 * const history = await fit(model, train, {
 *   epochs: 12,
 *   batchSize: 64,
 *   optimizer: { name: "adam" },
 *   schedule: oneCycle({ maxLr: 3e-3 }),
 *   labelSmoothing: 0.1,
 *   validation: holdout,
 *   checkpoint: { dir: outputPath("models", "four-conv-cnn") },
 * });
 * history.valAccuracy.at(-1); // historyPlot(history) draws it (lib/plots/history.ts)
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset.ts";
import { createRandom, deriveSeed, SEED_STRIDE, shuffleInPlace } from "../util/random.ts";
import {
  type BatchLogs,
  type CallbackOptions,
  emptyHistory,
  type EpochLogs,
  type FitState,
  type History,
  standardCallbacks,
} from "./callbacks.ts";
import type { BatchTransform } from "./transform.ts";
import { createOptimizer, getLearningRate, type OptimizerSpec, setLearningRate } from "./optimizers.ts";
import { evaluate, type Evaluation } from "./predict.ts";
import type { Schedule } from "./schedules.ts";
import { mapBatches, predictBatch } from "../runtime/batches.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { addScaled, applyFlatGradients, type LossName, rowLosses, trainStep } from "./step.ts";
import { createWorkerPool, type FlatGradients, localGradients, type WorkerPool } from "./parallel.ts";

/**
 * What {@linkcode fit} trains on besides a {@linkcode Dataset}: `count` rows that a batch of row indices turns into
 * input and target tensors (pre-computed features and their labels, say).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import type { TrainingSet } from "./fit.ts";
 *
 * // Rows of two numbers, the target is their sum.
 * const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
 * const sums: TrainingSet = {
 *   count: 3,
 *   batch: (idx) => ({
 *     x: tf.tensor2d(Array.from(idx, (i) => [values[2 * i], values[2 * i + 1]])),
 *     y: tf.tensor2d(Array.from(idx, (i) => [values[2 * i] + values[2 * i + 1]])),
 *   }),
 * };
 * ```
 */
export interface TrainingSet {
  readonly count: number;
  /** Inputs and targets of the rows at `indices`, called inside a `tf.tidy`; targets smoothed as asked. */
  batch(indices: Int32Array, options: { labelSmoothing: number }): { x: tf.Tensor; y: tf.Tensor };
}

/**
 * Options of {@linkcode fit}. `Y` is the type of a batch's targets that the transform sees: one-hot labels
 * `[n, 10]` by default, images `[n, 28, 28, 1]` under `target: "images"`.
 */
export interface FitOptions<Y extends tf.Tensor = tf.Tensor2D> extends CallbackOptions {
  /** Epochs to train (default 10); with resume, the total including those already done. */
  epochs?: number;
  /** Images per step (default 64). */
  batchSize?: number;
  /**
   * Most images computed at once (default: the whole batch). A larger batch is computed in slices of this size
   * whose gradients are averaged, weighted by their size, before one update: the step is the whole batch's gradient,
   * so a batch of 4,096 or of the whole training set fits in memory (BatchNorm's batch statistics are each slice's).
   */
  microBatch?: number;
  /** Cap on steps per epoch (default: the whole set), like Keras' `steps_per_epoch`. */
  stepsPerEpoch?: number;
  /** Optimizer by name or ready-made (default Adam, lr 1e-3). */
  optimizer?: OptimizerSpec | tf.Optimizer;
  /** Learning rate per step (default: the optimizer's own, constant). */
  schedule?: Schedule;
  /** Label smoothing of the cross-entropy targets (default 0). */
  labelSmoothing?: number;
  /**
   * What a {@linkcode Dataset}'s images are trained to give: `"labels"`, their classes one-hot (default), or
   * `"images"`, the images themselves (an autoencoder, whose transform changes the inputs only).
   */
  target?: "labels" | "images";
  /**
   * The loss (default `"categoricalCrossentropy"`); `"binaryCrossentropy"` for targets in [0, 1] such as images.
   * Accuracy is measured under the categorical loss only (NaN otherwise).
   */
  loss?: LossName;
  /** Held-out set evaluated after every epoch (the same kind of set as the training one, same targets). */
  validation?: Dataset | TrainingSet;
  /** Per-batch transform (augmentation; fresh noise for an autoencoder, whose targets are images). */
  transform?: BatchTransform<Y>;
  /** Shuffle every epoch (default true), seeded by `seed` and the epoch. */
  shuffle?: boolean;
  /** Seed of shuffling and of the transform's generator (default 42). */
  seed?: number;
  /**
   * Seed of epoch `epoch`'s shuffle (default `deriveSeed(seed, epoch, SEED_STRIDE.large)`): for a training whose
   * earlier loop drew its shuffles otherwise and keeps its results (the denoiser's).
   */
  shuffleSeed?: (epoch: number) => number;
  /**
   * Extra model replicas in workers for data parallelism (default 0: main
   * thread only); `helperWorkers()` from `parallel.ts` uses every core.
   */
  workers?: number;
}

function isOptimizer(o: unknown): o is tf.Optimizer {
  return typeof o === "object" && o !== null && typeof (o as tf.Optimizer).minimize === "function";
}

function isTrainingSet(set: Dataset | TrainingSet): set is TrainingSet {
  return typeof (set as TrainingSet).batch === "function";
}

/** A data set's images as a {@linkcode TrainingSet}: targets their one-hot labels, or the images themselves. */
export function datasetRows(ds: Dataset, target: "labels" | "images" = "labels"): TrainingSet {
  if (target === "images") {
    const images = { ...ds, labels: null };
    return {
      count: ds.count,
      batch: (idx) => {
        const { x } = batchTensors(images, idx);
        return { x, y: x };
      },
    };
  }
  return {
    count: ds.count,
    batch: (idx, { labelSmoothing }) => {
      const b = batchTensors(ds, idx, { labelSmoothing });
      if (!b.y) throw new Error(`fit: "${ds.name}" has no labels to train on`);
      return { x: b.x, y: b.y };
    },
  };
}

/**
 * Mean loss (and, under the categorical loss, accuracy) of `model` in inference mode on `set`, in batches of 256;
 * accuracy is NaN under another loss.
 */
export function evaluateRows(model: tf.LayersModel, set: TrainingSet, lossName: LossName): Evaluation {
  if (set.count === 0) return { loss: NaN, accuracy: NaN };
  const rows = mapBatches(set, (idx) => {
    const { x, y } = set.batch(idx, { labelSmoothing: 0 });
    const out = predictBatch(model, x);
    const right = lossName === "categoricalCrossentropy"
      ? tf.cast(tf.equal(tf.argMax(out, -1), tf.argMax(y, -1)), "float32")
      : tf.fill([idx.length], NaN);
    return tf.stack([rowLosses(lossName, y, out), right], 1);
  }, { progress: "silent" });
  let loss = 0, correct = 0;
  for (let i = 0; i < set.count; i++) {
    loss += rows[2 * i];
    correct += rows[2 * i + 1];
  }
  return { loss: loss / set.count, accuracy: correct / set.count };
}

/**
 * Trains `model` on `train` and returns the per-epoch history. The model is
 * trained in place; tensors created along the way are all released. The
 * loop trains and validates epoch after epoch; what happens around it
 * (history, early stopping, checkpoints, progress) is its callbacks'
 * (`lib/train/callbacks.ts`).
 */
export async function fit<Y extends tf.Tensor = tf.Tensor2D>(
  model: tf.LayersModel,
  train: Dataset | TrainingSet,
  options: FitOptions<Y> = {},
): Promise<History> {
  const loop = trainingLoop(model, train, options);
  const callbacks = standardCallbacks(options, loop.imagesPerEpoch);
  const state: FitState = {
    model,
    optimizer: loop.optimizer,
    epochs: loop.epochs,
    initialEpoch: 0,
    history: emptyHistory(),
    stopTraining: false,
  };
  for (const c of callbacks) await c.onTrainBegin?.(state);
  const pool: WorkerPool | null = options.workers ? await createWorkerPool(model, options.workers) : null;
  try {
    for (let epoch = state.initialEpoch; epoch < loop.epochs && !state.stopTraining; epoch++) {
      const t0 = performance.now();
      const logs = await trainEpoch(loop, epoch, pool, (batch) => {
        for (const c of callbacks) c.onBatchEnd?.(batch, state);
      });
      if (options.validation) {
        const v = await validate(loop, options.validation, pool);
        logs.valLoss = v.loss;
        logs.valAccuracy = v.accuracy;
      }
      logs.seconds = (performance.now() - t0) / 1000;
      for (const c of callbacks) await c.onEpochEnd?.(logs, state);
    }
  } finally {
    pool?.terminate();
  }
  for (const c of callbacks) await c.onTrainEnd?.(state);
  if (!isOptimizer(options.optimizer)) loop.optimizer.dispose();
  return state.history;
}

/** What {@linkcode fit}'s epochs share, settled from its options before the first. */
interface TrainingLoop {
  model: tf.LayersModel;
  rows: TrainingSet;
  optimizer: tf.Optimizer;
  baseLr: number;
  schedule?: Schedule;
  epochs: number;
  batchSize: number;
  stepsPerEpoch: number;
  imagesPerEpoch: number;
  microBatch: number;
  lossName: LossName;
  target?: "labels" | "images";
  /** Row indices in this epoch's order. */
  order: Int32Array;
  /** Seed of an epoch's shuffle, or null for no shuffling. */
  shuffleSeed: ((epoch: number) => number) | null;
  /** The batch of rows `idx` at `epoch` and `step`, transformed; called inside a `tf.tidy`. */
  batch(idx: Int32Array, epoch: number, step: number): { x: tf.Tensor; y: tf.Tensor };
}

function trainingLoop<Y extends tf.Tensor>(
  model: tf.LayersModel,
  train: Dataset | TrainingSet,
  options: FitOptions<Y>,
): TrainingLoop {
  const epochs = options.epochs ?? 10, batchSize = options.batchSize ?? 64, seed = options.seed ?? 42;
  const rows = isTrainingSet(train) ? train : datasetRows(train, options.target);
  const transform = options.transform as BatchTransform<tf.Tensor> | undefined; // Y is the caller's promise
  const fullSteps = Math.ceil(rows.count / batchSize);
  const microBatch = options.microBatch ?? Infinity;
  if (!(microBatch >= 1)) throw new RangeError(`fit: microBatch must be 1 or more, got ${options.microBatch}`);
  const stepsPerEpoch = Math.min(fullSteps, options.stepsPerEpoch ?? fullSteps);
  const optimizer = isOptimizer(options.optimizer)
    ? options.optimizer
    : createOptimizer(options.optimizer ?? { name: "adam" });
  const smoothing = options.labelSmoothing ?? 0;
  return {
    model,
    rows,
    optimizer,
    baseLr: getLearningRate(optimizer),
    schedule: options.schedule,
    epochs,
    batchSize,
    stepsPerEpoch,
    imagesPerEpoch: Math.min(rows.count, stepsPerEpoch * batchSize),
    microBatch,
    lossName: options.loss ?? "categoricalCrossentropy",
    target: options.target,
    order: Int32Array.from({ length: rows.count }, (_, i) => i),
    shuffleSeed: !(options.shuffle ?? true)
      ? null
      : options.shuffleSeed ?? ((epoch: number) => deriveSeed(seed, epoch, SEED_STRIDE.large)),
    batch(idx, epoch, step) {
      const b = rows.batch(idx, { labelSmoothing: smoothing });
      if (!transform) return b;
      return transform(b as { x: tf.Tensor4D; y: tf.Tensor }, {
        epoch,
        step,
        random: createRandom(deriveSeed(seed, deriveSeed(epoch, step, SEED_STRIDE.large), SEED_STRIDE.small)),
      });
    },
  };
}

/** One epoch of training steps; `onBatch` after each. Its logs lack the validation and the epoch's full time. */
async function trainEpoch(
  loop: TrainingLoop,
  epoch: number,
  pool: WorkerPool | null,
  onBatch: (logs: BatchLogs) => void,
): Promise<EpochLogs> {
  const t0 = performance.now(), { rows, batchSize, optimizer, model, lossName } = loop;
  const classifies = lossName === "categoricalCrossentropy";
  if (loop.shuffleSeed) shuffleInPlace(loop.order, createRandom(loop.shuffleSeed(epoch)));
  let lossSum = 0, correct = 0, seen = 0, lr = loop.baseLr;
  for (let step = 0; step < loop.stepsPerEpoch; step++) {
    const idx = loop.order.subarray(step * batchSize, Math.min(rows.count, (step + 1) * batchSize));
    if (loop.schedule) {
      lr = loop.schedule({ epoch, step, stepsPerEpoch: loop.stepsPerEpoch, epochs: loop.epochs });
      setLearningRate(optimizer, lr);
    }
    const batch = tf.tidy(() => loop.batch(idx, epoch, step));
    const n = batch.x.shape[0];
    let r: { loss: number; correct: number };
    if (loop.microBatch < n) {
      r = await accumulatedStep(model, optimizer, batch.x, batch.y, loop.microBatch, pool, lossName);
    } else if (pool) {
      r = await pool.step(model, optimizer, batch.x, batch.y, lossName);
    } else {
      r = trainStep(model, optimizer, batch.x, batch.y, lossName);
      if (step % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 0)); // let a notebook's display flush
    }
    tf.dispose([batch.x, batch.y]);
    lossSum += r.loss * n;
    seen += n;
    correct += r.correct;
    onBatch({ epoch, images: idx.length, loss: lossSum / seen, accuracy: classifies ? correct / seen : undefined, lr });
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  return {
    epoch: epoch + 1,
    loss: lossSum / seen,
    accuracy: classifies ? correct / seen : NaN,
    lr,
    seconds: 0,
    imagesPerSecond: seen / trainSeconds,
  };
}

/** Loss and accuracy on the held-out set: a labelled data set on the pool's replicas, else row by row. */
function validate(loop: TrainingLoop, val: Dataset | TrainingSet, pool: WorkerPool | null): Promise<Evaluation> {
  return !isTrainingSet(val) && loop.lossName === "categoricalCrossentropy" && (loop.target ?? "labels") === "labels"
    ? evaluate(loop.model, val, { workers: pool ?? 0, progress: "silent" })
    : Promise.resolve(
      evaluateRows(loop.model, isTrainingSet(val) ? val : datasetRows(val, loop.target), loop.lossName),
    );
}

/**
 * One update from the gradient of a batch computed in slices of at most `microBatch` images (on the pool's replicas
 * when there is one): the slices' gradients averaged, weighted by their size, then applied once.
 */
async function accumulatedStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  microBatch: number,
  pool: WorkerPool | null,
  lossName: LossName,
): Promise<{ loss: number; correct: number }> {
  const n = x.shape[0];
  let sum: Float32Array | null = null, loss = 0, correct = 0;
  for (let a = 0; a < n; a += microBatch) {
    const rows = Math.min(microBatch, n - a);
    const xs = tf.slice(x, a, rows), ys = tf.slice(y, a, rows);
    let g: FlatGradients;
    try {
      g = pool ? await pool.gradients(model, xs, ys, lossName) : localGradients(model, xs, ys, lossName);
    } finally {
      tf.dispose([xs, ys]);
    }
    const w = rows / n;
    if (!sum) sum = new Float32Array(g.grads.length);
    addScaled(sum, g.grads, w);
    loss += g.loss * w;
    correct += g.correct;
  }
  applyFlatGradients(model, optimizer, sum!);
  return { loss, correct };
}
