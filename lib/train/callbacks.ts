/**
 * What {@linkcode fit} (`lib/train/fit.ts`) does around its loop, as callbacks in the manner of Keras: the history
 * of the epochs, a line per epoch, early stopping, checkpoints that a run resumes from, and the progress bar. `fit`
 * builds them from its options ({@linkcode standardCallbacks}); a caller adds its own through `callbacks`.
 *
 * @example
 * ```ts
 * import type { FitCallback } from "./callbacks.ts";
 * // Ends training once the training accuracy reaches 99 %.
 * const enough: FitCallback = {
 *   onEpochEnd: (logs, state) => {
 *     if (logs.accuracy >= 0.99) state.stopTraining = true;
 *   },
 * };
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { createProgress, type Progress, type ProgressOptions } from "../display/progress.ts";
import { copyWeights, loadNetwork, loadOptimizer, modelExists, readModelMeta, saveNetwork } from "./io.ts";

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

/** Where training stands after a batch: the running means of the epoch so far. */
export interface BatchLogs {
  /** The epoch, counted from 0. */
  epoch: number;
  /** Images in the batch. */
  images: number;
  loss: number;
  /** Accuracy so far in the epoch (undefined under a loss other than the categorical one). */
  accuracy?: number;
  lr: number;
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

/** What the loop and its callbacks share. */
export interface FitState {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  /** Epochs to train in all. */
  readonly epochs: number;
  /** The first epoch to train, counted from 0: 0 unless a checkpoint resumes a run. */
  initialEpoch: number;
  /** What {@linkcode fit} returns. */
  history: History;
  /** Set by a callback to end training after the current epoch. */
  stopTraining: boolean;
}

/**
 * A callback of {@linkcode fit}, called in the order of the list: every `onTrainBegin` before the first epoch (and
 * before the data-parallel workers copy the model), `onBatchEnd` after every step, `onEpochEnd` after every epoch
 * and its validation, `onTrainEnd` once training ended without an error.
 */
export interface FitCallback {
  onTrainBegin?(state: FitState): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, state: FitState): void;
  onEpochEnd?(logs: EpochLogs, state: FitState): void | Promise<void>;
  onTrainEnd?(state: FitState): void | Promise<void>;
}

/** The options of {@linkcode fit} that choose its standard callbacks. */
export interface CallbackOptions {
  /** Stop when the monitored loss (validation loss if any, else training loss) stops improving. */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
  /** Save model, optimizer and history every `every` epochs (default 1) into `dir`; resume from it (default true). */
  checkpoint?: { dir: string; every?: number; resume?: boolean };
  /** Progress display (default auto: in-place line in a notebook, bar in a terminal). */
  progress?: ProgressOptions["mode"];
  /** Label of the progress bar (default "train"). */
  label?: string;
  /** Print one line per epoch to the console (default false). */
  verbose?: boolean;
  /** Called after every epoch with its logs. */
  onEpochEnd?: (logs: EpochLogs) => void | Promise<void>;
  /** More callbacks, called after `onEpochEnd` and before early stopping and the checkpoint. */
  callbacks?: FitCallback[];
}

/**
 * The callbacks of `options`, in their order: the history, the line per epoch, `onEpochEnd`, the caller's, early
 * stopping, the checkpoint (restored first of all, saved once the epoch is complete and the stop decided) and the
 * progress bar over `imagesPerEpoch` images an epoch.
 */
export function standardCallbacks(options: CallbackOptions, imagesPerEpoch: number): FitCallback[] {
  const stopping = options.earlyStopping ? earlyStopping(options.earlyStopping) : undefined;
  const onEpochEnd = options.onEpochEnd;
  const callbacks: FitCallback[] = [{ onEpochEnd: (logs, state) => void pushLogs(state.history, logs) }];
  if (options.verbose) callbacks.push({ onEpochEnd: (logs, state) => console.log(formatLogs(logs, state.epochs)) });
  if (onEpochEnd) callbacks.push({ onEpochEnd: (logs) => onEpochEnd(logs) });
  callbacks.push(...options.callbacks ?? []);
  if (stopping) callbacks.push(stopping.callback);
  if (options.checkpoint) callbacks.push(checkpoint(options.checkpoint, stopping?.monitor));
  callbacks.push(progressBar(options.label ?? "train", options.progress, imagesPerEpoch));
  return callbacks;
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

/** What early stopping watches: the best monitored loss so far and the epochs since it improved. */
interface Monitor {
  best: number;
  wait: number;
}

/** Stops when the validation loss (else the training loss) has not improved for `patience` epochs. */
function earlyStopping(
  options: NonNullable<CallbackOptions["earlyStopping"]>,
): { callback: FitCallback; monitor: Monitor } {
  const monitor: Monitor = { best: Infinity, wait: 0 };
  let bestWeights: tf.Tensor[] | null = null;
  const callback: FitCallback = {
    onEpochEnd(logs, state) {
      const monitored = logs.valLoss ?? logs.loss;
      if (monitored < monitor.best - (options.minDelta ?? 0)) {
        monitor.best = monitored;
        monitor.wait = 0;
        if (options.restoreBest) {
          if (bestWeights) tf.dispose(bestWeights);
          bestWeights = state.model.getWeights().map((w) => tf.keep(w.clone()));
        }
      } else if (++monitor.wait >= options.patience) {
        state.stopTraining = true;
        state.history.stoppedEarly = logs.epoch;
      }
    },
    onTrainEnd(state) {
      if (!bestWeights) return;
      state.model.setWeights(bestWeights);
      tf.dispose(bestWeights);
    },
  };
  return { callback, monitor };
}

/** What a checkpoint keeps besides the weights and the optimizer (in the model's meta). */
interface CheckpointState {
  epochsDone: number;
  history: History;
  best: number;
  wait: number;
}

/**
 * Resumes from the checkpoint in `dir` when there is one (weights, optimizer state, history and early stopping's
 * monitor), and saves one every `every` epochs, after the last and when training stops.
 */
function checkpoint(options: NonNullable<CallbackOptions["checkpoint"]>, monitor?: Monitor): FitCallback {
  const every = options.every ?? 1, watched = monitor ?? { best: Infinity, wait: 0 };
  return {
    async onTrainBegin(state) {
      if (!(options.resume ?? true) || !await modelExists(options.dir)) return;
      const saved = ((await readModelMeta(options.dir)) as { checkpoint?: CheckpointState } | null)?.checkpoint;
      if (!saved) return;
      const network = await loadNetwork(options.dir);
      copyWeights(network, state.model);
      network.dispose();
      await loadOptimizer(state.optimizer, options.dir);
      state.history = saved.history;
      watched.best = saved.best ?? Infinity; // JSON keeps Infinity as null
      watched.wait = saved.wait;
      state.initialEpoch = saved.epochsDone;
    },
    async onEpochEnd(logs, state) {
      const stop = state.stopTraining;
      if (logs.epoch % every !== 0 && logs.epoch !== state.epochs && !stop) return;
      // Weights, optimizer state and progress in one unit: a kill leaves the previous checkpoint whole.
      const checkpoint: CheckpointState = {
        epochsDone: stop ? state.epochs : logs.epoch,
        history: state.history,
        best: watched.best,
        wait: watched.wait,
      };
      await saveNetwork(state.model, options.dir, { optimizer: state.optimizer, meta: { checkpoint } });
    },
  };
}

/** A progress bar over the images still to train, with the running loss, accuracy and learning rate. */
function progressBar(label: string, mode: ProgressOptions["mode"], imagesPerEpoch: number): FitCallback {
  let bar: Progress | undefined;
  return {
    onTrainBegin(state) {
      const total = Math.max(0, state.epochs - state.initialEpoch) * imagesPerEpoch;
      bar = createProgress({ total, label, unit: "img", mode });
    },
    onBatchEnd(logs, state) {
      bar!.tick(logs.images, {
        epoch: `${logs.epoch + 1}/${state.epochs}`,
        loss: logs.loss,
        ...(logs.accuracy === undefined ? {} : { acc: logs.accuracy }),
        lr: Number(logs.lr.toPrecision(3)),
      });
    },
    onTrainEnd() {
      bar!.finish();
    },
  };
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
