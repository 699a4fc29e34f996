/**
 * The report's own training method for its simple CNN (section 6.1), run on
 * a budget beside our recipe: Adadelta (Keras' rho 0.95, epsilon 1e-7), first
 * at learning rate 0.001 in batches of 128 (the report's first attempt, 100
 * epochs there), then at 0.01 with the whole training set as one batch (its
 * second attempt, about 3,000 epochs, which reached 87 %). Each stage is saved
 * and reloaded like every trained model (`outputs/models/<name>-stage<k>/`);
 * the second starts from the first one's weights.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * declare const train: Dataset, holdout: Dataset;
 * const report = await trainSimpleCnnReportMethod("simple-cnn-report", {
 *   train,
 *   validation: holdout,
 *   epochs: reportStageEpochs(6),
 *   profile: "full",
 * });
 * extrapolateToTarget(report.stages[1].history, 0.87)?.epochs; // epochs still needed at the last epochs' pace
 * ```
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { simpleCnn } from "../networks/cnn.ts";
import { emptyHistory, type History } from "../train/fit.ts";
import { fullBatchOptimizer } from "../train/full_batch.ts";
import { copyWeights } from "../train/io.ts";
import { helperWorkers } from "../train/parallel.ts";
import { type TrainedModel, trainOrLoad } from "../train/reuse.ts";

/** The report's two stages for the simple CNN (section 6.1), with the epochs its text gives for each. */
export const REPORT_SIMPLE_CNN_STAGES: readonly [
  { learningRate: number; batchSize: number; reportEpochs: number },
  { learningRate: number; batchSize: "full"; reportEpochs: number },
] = Object.freeze(
  [
    { learningRate: 0.001, batchSize: 128, reportEpochs: 100 },
    { learningRate: 0.01, batchSize: "full", reportEpochs: 3000 },
  ] as const,
);

/**
 * Splits a budget of `epochs` passes over the training set between the two stages: half each (the first gets the
 * smaller half), at least one each.
 */
export function reportStageEpochs(epochs: number): [number, number] {
  const first = Math.max(1, Math.floor(epochs / 2));
  return [first, Math.max(1, epochs - first)];
}

/** Options of {@linkcode trainSimpleCnnReportMethod}. */
export interface ReportMethodOptions {
  train: Dataset;
  /** Held-out images scored after every epoch. */
  validation?: Dataset;
  /** Epochs of the first and of the second stage. */
  epochs: [number, number];
  /** Run profile, part of the saved models' keys. */
  profile: string;
}

/** The two stages of {@linkcode trainSimpleCnnReportMethod} and their histories end to end. */
export interface ReportMethodRun {
  stages: [TrainedModel, TrainedModel];
  /** Both stages' epochs in order, numbered on (the second stage's first epoch follows the first stage's last). */
  history: History;
  /** Training wall time of both stages. */
  seconds: number;
}

/** Appends `b`'s epochs to `a`'s, numbering them on. */
export function concatHistories(a: History, b: History): History {
  const out = emptyHistory();
  for (const h of [a, b]) {
    const offset = out.epoch.length;
    out.epoch.push(...h.epoch.map((_, i) => offset + i + 1));
    for (const k of ["loss", "accuracy", "valLoss", "valAccuracy", "lr", "seconds"] as const) out[k].push(...h[k]);
  }
  return out;
}

/**
 * Trains (or reloads) notebook 04's simple CNN (seed 11, as our recipe's run) with the report's two Adadelta stages,
 * on both cores. The full-batch stage makes one update per epoch from the gradient of every training image
 * ({@linkcode fullBatchOptimizer}).
 */
export async function trainSimpleCnnReportMethod(name: string, options: ReportMethodOptions): Promise<ReportMethodRun> {
  const { train, validation, profile } = options;
  const [first, second] = REPORT_SIMPLE_CNN_STAGES;
  const [e1, e2] = options.epochs;
  const common = { validation, workers: helperWorkers(), seed: 11 };
  const stage1 = await trainOrLoad(`${name}-stage1`, {
    build: () => simpleCnn({ seed: 11 }),
    train,
    profile,
    fit: {
      ...common,
      epochs: e1,
      batchSize: first.batchSize,
      optimizer: { name: "adadelta", learningRate: first.learningRate },
    },
    key: { method: "report-6.1-adadelta", stage: 1, epochs: e1, profile },
  });
  const optimizer = fullBatchOptimizer({ name: "adadelta", learningRate: second.learningRate }, train.count);
  try {
    const stage2 = await trainOrLoad(`${name}-stage2`, {
      build: () => {
        const model = simpleCnn({ seed: 11 });
        copyWeights(stage1.model, model);
        return model;
      },
      train,
      profile,
      fit: { ...common, epochs: e2, batchSize: optimizer.sliceSize, optimizer },
      key: { method: "report-6.1-adadelta", stage: 2, epochs: e2, after: e1, profile },
    });
    return {
      stages: [stage1, stage2],
      history: concatHistories(stage1.history, stage2.history),
      seconds: stage1.seconds + stage2.seconds,
    };
  } finally {
    optimizer.dispose();
  }
}

/** What {@linkcode extrapolateToTarget} finds. */
export interface Extrapolation {
  /** Holdout accuracy gained per epoch over the last epochs (a least-squares line). */
  perEpoch: number;
  /** Mean seconds per epoch over the same epochs. */
  secondsPerEpoch: number;
  /** Epochs still needed to reach the target at that pace (Infinity when the curve does not rise). */
  epochs: number;
  /** The same in seconds. */
  seconds: number;
}

/**
 * Extends the last `window` epochs of a learning curve (holdout accuracy) in a straight line to `target`: a lower
 * bound of what is needed for a curve that flattens as it rises, an upper bound for one still speeding up (Adadelta's
 * first epochs, whose steps grow with its accumulated updates), and only meaningful while the curve climbs.
 * Null when the curve has fewer than two epochs.
 */
export function extrapolateToTarget(history: History, target: number, window = 3): Extrapolation | null {
  const n = history.valAccuracy.length, k = Math.min(window, n);
  if (k < 2) return null;
  const xs = history.epoch.slice(n - k), ys = history.valAccuracy.slice(n - k);
  const mx = xs.reduce((s, x) => s + x, 0) / k, my = ys.reduce((s, y) => s + y, 0) / k;
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0), sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const perEpoch = sxy / sxx;
  const secondsPerEpoch = history.seconds.slice(n - k).reduce((s, t) => s + t, 0) / k;
  const gap = target - ys[k - 1];
  const epochs = gap <= 0 ? 0 : perEpoch > 0 ? Math.ceil(gap / perEpoch) : Infinity;
  return { perEpoch, secondsPerEpoch, epochs, seconds: epochs * secondsPerEpoch };
}
