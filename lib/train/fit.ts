/**
 * The training loop of the project: mini-batch training of a tfjs layers
 * model on a {@linkcode Dataset} (or any {@linkcode TrainingSet}, e.g.
 * pre-computed features), with an optimizer by name, a per-step
 * learning-rate schedule, label smoothing, a loss by name, targets that are
 * the labels or the images themselves (an autoencoder), a per-batch transform
 * hook (augmentation, fresh noise), validation, early stopping, resumable
 * checkpoints and a progress bar. The CNNs, the denoiser
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
import { createProgress, type ProgressOptions } from "../display/progress.ts";
import { createRandom, deriveSeed, type Random, SEED_STRIDE, shuffleInPlace } from "../util/random.ts";
import { copyWeights, loadNetwork, loadOptimizer, modelExists, readModelMeta, saveNetwork } from "./io.ts";
import { createOptimizer, getLearningRate, type OptimizerSpec, setLearningRate } from "./optimizers.ts";
import { evaluate, type Evaluation } from "./predict.ts";
import type { Schedule } from "./schedules.ts";
import { mapBatches } from "../runtime/batches.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { addScaled, applyFlatGradients, type LossName, rowLosses, trainStep } from "./step.ts";
import { createWorkerPool, type FlatGradients, localGradients, type WorkerPool } from "./parallel.ts";

export { categoricalCrossentropy, type LossName } from "./step.ts";

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

/** Where a batch is in training, passed to the transform hook. */
export interface BatchContext {
  epoch: number;
  step: number;
  /** Seeded generator for this batch (reproducible augmentation). */
  random: Random;
}

/**
 * Per-batch hook, run inside a `tf.tidy` before the forward pass: returns the
 * (possibly augmented) images and targets. Must keep the shapes of a row,
 * `[28, 28, 1]` and the target's (`[10]` for labels, the default `Y`; the
 * image's for an autoencoder); `n` may change.
 */
export type BatchTransform<Y extends tf.Tensor = tf.Tensor2D> = (
  batch: { x: tf.Tensor4D; y: Y },
  ctx: BatchContext,
) => { x: tf.Tensor4D; y: Y };

/**
 * Options of {@linkcode fit}. `Y` is the type of a batch's targets that the transform sees: one-hot labels
 * `[n, 10]` by default, images `[n, 28, 28, 1]` under `target: "images"`.
 */
export interface FitOptions<Y extends tf.Tensor = tf.Tensor2D> {
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
  /** Stop when the monitored loss (validation loss if any, else training loss) stops improving. */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
  /** Save model, optimizer and history every `every` epochs (default 1) into `dir`; resume from it (default true). */
  checkpoint?: { dir: string; every?: number; resume?: boolean };
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
  /** Progress display (default auto: in-place line in a notebook, bar in a terminal). */
  progress?: ProgressOptions["mode"];
  /** Label of the progress bar (default "train"). */
  label?: string;
  /** Print one line per epoch to the console (default false). */
  verbose?: boolean;
  /**
   * Extra model replicas in workers for data parallelism (default 0: main
   * thread only); `helperWorkers()` from `parallel.ts` uses every core.
   */
  workers?: number;
  /** Called after every epoch with its logs. */
  onEpochEnd?: (logs: EpochLogs) => void | Promise<void>;
}

/** What one epoch measured. */
export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
  /** Wall-clock seconds of the epoch (training and validation). */
  seconds: number;
  /** Training images per second over the epoch. */
  imagesPerSecond: number;
}

/** Per-epoch history, Keras-like (`history.history`), one entry per epoch. */
export interface History {
  epoch: number[];
  loss: number[];
  accuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
  lr: number[];
  seconds: number[];
  /** Whether early stopping ended the run, and at which epoch. */
  stoppedEarly?: number;
}

/** An empty history. */
export function emptyHistory(): History {
  return { epoch: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [], lr: [], seconds: [] };
}

function pushLogs(h: History, l: EpochLogs): void {
  h.epoch.push(l.epoch);
  h.loss.push(l.loss);
  h.accuracy.push(l.accuracy);
  h.valLoss.push(l.valLoss ?? NaN);
  h.valAccuracy.push(l.valAccuracy ?? NaN);
  h.lr.push(l.lr);
  h.seconds.push(l.seconds);
}

interface CheckpointState {
  epochsDone: number;
  history: History;
  best: number;
  wait: number;
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
    const out = model.predict(x) as tf.Tensor;
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
 * trained in place; tensors created along the way are all released.
 */
export async function fit<Y extends tf.Tensor = tf.Tensor2D>(
  model: tf.LayersModel,
  train: Dataset | TrainingSet,
  options: FitOptions<Y> = {},
): Promise<History> {
  const epochs = options.epochs ?? 10, batchSize = options.batchSize ?? 64, seed = options.seed ?? 42;
  const lossName = options.loss ?? "categoricalCrossentropy", classifies = lossName === "categoricalCrossentropy";
  const rows = isTrainingSet(train) ? train : datasetRows(train, options.target);
  const transform = options.transform as BatchTransform<tf.Tensor> | undefined; // Y is the caller's promise
  const shuffleSeed = options.shuffleSeed ?? ((epoch: number) => deriveSeed(seed, epoch, SEED_STRIDE.large));
  const fullSteps = Math.ceil(rows.count / batchSize);
  const microBatch = options.microBatch ?? Infinity;
  if (!(microBatch >= 1)) throw new RangeError(`fit: microBatch must be 1 or more, got ${options.microBatch}`);
  const stepsPerEpoch = Math.min(fullSteps, options.stepsPerEpoch ?? fullSteps);
  const given = isOptimizer(options.optimizer);
  const optimizer = isOptimizer(options.optimizer)
    ? options.optimizer
    : createOptimizer(options.optimizer ?? { name: "adam" });
  const baseLr = getLearningRate(optimizer);
  const smoothing = options.labelSmoothing ?? 0;
  const es = options.earlyStopping;
  const ckpt = options.checkpoint;
  const every = ckpt?.every ?? 1;

  let history = emptyHistory(), start = 0, best = Infinity, wait = 0;
  const state = ckpt && (ckpt.resume ?? true) && await modelExists(ckpt.dir)
    ? ((await readModelMeta(ckpt.dir)) as { checkpoint?: CheckpointState } | null)?.checkpoint
    : undefined;
  if (ckpt && state) {
    const saved = await loadNetwork(ckpt.dir);
    copyWeights(saved, model);
    saved.dispose();
    await loadOptimizer(optimizer, ckpt.dir);
    ({ history, best, wait } = state);
    best ??= Infinity;
    start = state.epochsDone;
  }
  let bestWeights: tf.Tensor[] | null = null;

  const imagesPerEpoch = Math.min(rows.count, stepsPerEpoch * batchSize);
  const bar = createProgress({
    total: Math.max(0, epochs - start) * imagesPerEpoch,
    label: options.label ?? "train",
    unit: "img",
    mode: options.progress,
  });
  const order = Int32Array.from({ length: rows.count }, (_, i) => i);
  const pool: WorkerPool | null = options.workers ? await createWorkerPool(model, options.workers) : null;
  try {
    for (let epoch = start; epoch < epochs; epoch++) {
      const t0 = performance.now();
      if (options.shuffle ?? true) shuffleInPlace(order, createRandom(shuffleSeed(epoch)));
      let lossSum = 0, correct = 0, seen = 0, lr = baseLr;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const idx = order.subarray(step * batchSize, Math.min(rows.count, (step + 1) * batchSize));
        if (options.schedule) {
          lr = options.schedule({ epoch, step, stepsPerEpoch, epochs });
          setLearningRate(optimizer, lr);
        }
        const batch = tf.tidy(() => {
          const b = rows.batch(idx, { labelSmoothing: smoothing });
          if (!transform) return b;
          return transform(b as { x: tf.Tensor4D; y: tf.Tensor }, {
            epoch,
            step,
            random: createRandom(deriveSeed(seed, deriveSeed(epoch, step, SEED_STRIDE.large), SEED_STRIDE.small)),
          });
        });
        const n = batch.x.shape[0];
        let r: { loss: number; correct: number };
        if (microBatch < n) {
          r = await accumulatedStep(model, optimizer, batch.x, batch.y, microBatch, pool, lossName);
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
        bar.tick(idx.length, {
          epoch: `${epoch + 1}/${epochs}`,
          loss: lossSum / seen,
          ...(classifies ? { acc: correct / seen } : {}),
          lr: Number(lr.toPrecision(3)),
        });
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const logs: EpochLogs = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: classifies ? correct / seen : NaN,
        lr,
        seconds: 0,
        imagesPerSecond: seen / trainSeconds,
      };
      if (options.validation) {
        const val = options.validation;
        const v = !isTrainingSet(val) && classifies && (options.target ?? "labels") === "labels"
          ? await evaluate(model, val, { workers: pool ?? 0, progress: "silent" })
          : evaluateRows(model, isTrainingSet(val) ? val : datasetRows(val, options.target), lossName);
        logs.valLoss = v.loss;
        logs.valAccuracy = v.accuracy;
      }
      logs.seconds = (performance.now() - t0) / 1000;
      pushLogs(history, logs);
      if (options.verbose) console.log(formatLogs(logs, epochs));
      await options.onEpochEnd?.(logs);

      let stop = false;
      if (es) {
        const monitored = logs.valLoss ?? logs.loss;
        if (monitored < best - (es.minDelta ?? 0)) {
          best = monitored;
          wait = 0;
          if (es.restoreBest) {
            if (bestWeights) tf.dispose(bestWeights);
            bestWeights = model.getWeights().map((w) => tf.keep(w.clone()));
          }
        } else if (++wait >= es.patience) {
          stop = true;
          history.stoppedEarly = epoch + 1;
        }
      }
      if (ckpt && ((epoch + 1) % every === 0 || epoch + 1 === epochs || stop)) {
        // Weights, optimizer state and progress in one unit: a kill leaves the previous checkpoint whole.
        const checkpoint: CheckpointState = { epochsDone: stop ? epochs : epoch + 1, history, best, wait };
        await saveNetwork(model, ckpt.dir, { optimizer, meta: { checkpoint } });
      }
      if (stop) break;
    }
  } finally {
    pool?.terminate();
  }
  bar.finish();
  if (bestWeights) {
    model.setWeights(bestWeights);
    tf.dispose(bestWeights);
  }
  if (!given) optimizer.dispose();
  return history;
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

/** One line summarising an epoch, Keras-style. */
export function formatLogs(l: EpochLogs, epochs?: number): string {
  const parts = [
    `epoch ${l.epoch}${epochs ? `/${epochs}` : ""}`,
    `${l.seconds.toFixed(1)}s`,
    `${l.imagesPerSecond.toFixed(0)} img/s`,
    `loss ${l.loss.toFixed(4)}`,
    `acc ${l.accuracy.toFixed(4)}`,
  ];
  if (l.valLoss !== undefined) parts.push(`val_loss ${l.valLoss.toFixed(4)}`, `val_acc ${l.valAccuracy!.toFixed(4)}`);
  parts.push(`lr ${l.lr.toPrecision(3)}`);
  return parts.join(" - ");
}
