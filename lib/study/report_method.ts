/**
 * The report's own training method, run beside the study's recipe on the same budget (notebooks 04, 06 and 07).
 *
 * - Section 6.1 (notebook 04): the simple CNN with Adadelta (Keras' rho 0.95, epsilon 1e-7), first at 0.001 in
 *   batches of 128 (the report's first attempt, 100 epochs there), then at 0.01 with the whole training set as one
 *   batch (its second attempt, about 3,000 epochs, which reached 87 %); the budget split half and half.
 *
 * For the 4-conv CNN (notebooks 06 and 07): the report's network as Keras builds it (BatchNorm momentum 0.99, no label smoothing), Adadelta with the report's
 * learning rates, its batch sizes and its schedules, for as many epochs as the recipe gets. The report's batches
 * (the whole training set in section 6.3, 4,096 images in section 7) are computed in slices of
 * {@linkcode REPORT_MICRO_BATCH} images whose gradients are averaged before one update (`microBatch` in `fit`).
 *
 * - Section 6.3 and 6.3.1: Adadelta at 0.01 on the whole training set per step for 3,000 epochs, 2,000 more at the
 *   same rate, then 1,000 at "a smaller learning rate" the report does not state; we take 0.001, the rate its
 *   other continued training (section 6.3.4) used. On our budget the two stages keep the report's proportions
 *   (5,000 : 1,000 epochs).
 * - Section 7: Adadelta, batch 4,096, the warm-up/step schedule of its 5,000 epochs (`warmupStep`'s defaults)
 *   compressed to the budget.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * declare const train: Dataset, holdout: Dataset;
 * const run = await trainFullBatchAdadelta("four-conv-cnn-report-method", { train, validation: holdout, epochs: 5, profile: "full" });
 * epochsToReach(run.history.valAccuracy, 0.921, { images: holdout.count, majorityShare: 0.113 }); // refuses a flat curve
 * ```
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { fourConvCnn, simpleCnn } from "../networks/cnn.ts";
import { emptyHistory, type History } from "../train/callbacks.ts";
import { copyWeights } from "../train/io.ts";
import { helperWorkers } from "../train/parallel.ts";
import { type TrainedModel, trainOrLoad } from "../train/reuse.ts";
import { type Schedule, warmupStep } from "../train/schedules.ts";
import { wilsonInterval } from "../metrics/uncertainty.ts";
import { type Chance, curveLeftChance } from "./untrained.ts";

/**
 * Images computed at once within one of the report's large batches (their gradients are averaged): 128, the fastest of
 * 64, 128, 256 and 512 on the 4-conv CNN (batch 1,024, two replicas, native engine, shared machine: 10.2, 8.8, 13.7
 * and 42.4 s in one run; why larger slices are slower was not investigated).
 */
export const REPORT_MICRO_BATCH = 128;

/** The report's training history of the 4-conv CNN (sections 6.3, 6.3.1, 7): epochs and rates as it states them. */
export const REPORT_HISTORY = Object.freeze({
  /** Section 6.3: Adadelta at 0.01, full batch (the simple CNN's settings), 3,000 epochs. */
  firstEpochs: 3000,
  /** Section 6.3.1: 2,000 more epochs, same rate. */
  additionalEpochs: 2000,
  /** Section 6.3.1: then 1,000 at a smaller rate, which the report does not give. */
  lowerRateEpochs: 1000,
  learningRate: 0.01,
  /** Our choice for the unstated smaller rate: the 0.001 of the report's continued training in section 6.3.4. */
  lowerRate: 0.001,
  /** Section 7: batch size and epochs of the final model. */
  finalBatchSize: 4096,
  finalEpochs: 5000,
});

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
export interface SimpleCnnReportOptions {
  train: Dataset;
  /** Held-out images scored after every epoch. */
  validation?: Dataset;
  /** Epochs of the first and of the second stage. */
  epochs: [number, number];
  /** Run profile, part of the saved models' keys. */
  profile: string;
}

/** The two stages of {@linkcode trainSimpleCnnReportMethod} and their histories end to end. */
export interface SimpleCnnReportRun {
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
 * on both cores. The full-batch stage makes one update per epoch from the gradient of every training image, computed
 * in slices of {@linkcode REPORT_MICRO_BATCH} (`microBatch` of the fit loop).
 */
export async function trainSimpleCnnReportMethod(
  name: string,
  options: SimpleCnnReportOptions,
): Promise<SimpleCnnReportRun> {
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
  const stage2 = await trainOrLoad(`${name}-stage2`, {
    build: () => {
      const model = simpleCnn({ seed: 11 });
      copyWeights(stage1.model, model);
      return model;
    },
    train,
    profile,
    fit: {
      ...common,
      epochs: e2,
      batchSize: train.count,
      microBatch: REPORT_MICRO_BATCH,
      optimizer: { name: "adadelta", learningRate: second.learningRate },
    },
    key: { method: "report-6.1-adadelta", stage: 2, epochs: e2, after: e1, profile },
  });
  return {
    stages: [stage1, stage2],
    history: concatHistories(stage1.history, stage2.history),
    seconds: stage1.seconds + stage2.seconds,
  };
}

/** Options of the report-method runs. */
export interface ReportMethodRunOptions {
  /** Images to train on. */
  train: Dataset;
  /** Held-out images scored after every epoch (optional). */
  validation?: Dataset;
  /** The budget, in epochs (the study's recipe gets as many). */
  epochs: number;
  /** Run profile, part of the saved model's key. */
  profile: string;
  /** Seed of the weights and shuffling (default 3, the recipe's). */
  seed?: number;
}

/** How `epochs` epochs split between section 6.3's rate and 6.3.1's lower rate (5 : 1, at least one each). */
export function fullBatchAdadeltaStages(epochs: number): { atRate: number; atLowerRate: number } {
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`epochs must be a whole number >= 1: ${epochs}`);
  const h = REPORT_HISTORY,
    share = (h.firstEpochs + h.additionalEpochs) / (h.firstEpochs + h.additionalEpochs +
      h.lowerRateEpochs);
  const atRate = Math.max(1, Math.round(epochs * share));
  return { atRate, atLowerRate: Math.max(1, epochs - atRate) };
}

/**
 * Sections 6.3 and 6.3.1 on a budget: Adadelta at 0.01 with the whole training set as one batch, then the lower
 * rate for the last sixth of the epochs (one run: Keras' continued `fit` keeps the optimizer's state, as this does).
 * Trained once, reloaded afterwards (`outputs/models/<name>/`).
 */
export function trainFullBatchAdadelta(name: string, options: ReportMethodRunOptions): Promise<TrainedModel> {
  const { atRate, atLowerRate } = fullBatchAdadeltaStages(options.epochs), seed = options.seed ?? 3;
  const h = REPORT_HISTORY;
  return trainOrLoad(name, {
    build: () => fourConvCnn({ seed }),
    train: options.train,
    fit: {
      epochs: atRate + atLowerRate,
      batchSize: options.train.count,
      microBatch: REPORT_MICRO_BATCH,
      optimizer: { name: "adadelta", learningRate: h.learningRate },
      schedule: warmupStep({ peak: h.learningRate, warmupEpochs: 0, steps: [[atRate, h.lowerRate]] }),
      validation: options.validation,
      workers: helperWorkers(),
      seed,
    },
    profile: options.profile,
    key: {
      recipe: "report-6.3-adadelta-full-batch",
      atRate,
      atLowerRate,
      rates: [h.learningRate, h.lowerRate],
      microBatch: REPORT_MICRO_BATCH, // BatchNorm's statistics are each slice's
    },
  });
}

/** Section 7's schedule (warm-up to 0.01 over 200 of 5,000 epochs, 0.005 from 3,000, 0.001 from 4,000) scaled to `epochs`. */
export function warmupStepAdadeltaSchedule(epochs: number): Schedule {
  const scale = epochs / REPORT_HISTORY.finalEpochs, warm = Math.max(1, Math.round(200 * scale));
  const at = (epoch: number) => Math.max(warm, Math.round(epoch * scale));
  return warmupStep({ peak: 0.01, warmupEpochs: warm, steps: [[at(3000), 0.005], [at(4000), 0.001]] });
}

/** Section 7 on a budget: Adadelta, batch 4,096, the compressed warm-up/step schedule, no validation (as the report). */
export function trainWarmupStepAdadelta(name: string, options: ReportMethodRunOptions): Promise<TrainedModel> {
  const seed = options.seed ?? 3;
  return trainOrLoad(name, {
    build: () => fourConvCnn({ seed }),
    train: options.train,
    fit: {
      epochs: options.epochs,
      batchSize: REPORT_HISTORY.finalBatchSize,
      microBatch: REPORT_MICRO_BATCH,
      optimizer: { name: "adadelta" },
      schedule: warmupStepAdadeltaSchedule(options.epochs),
      validation: options.validation,
      workers: helperWorkers(),
      seed,
    },
    profile: options.profile,
    key: { recipe: "report-7-adadelta-4096-warmup-step", epochs: options.epochs, microBatch: REPORT_MICRO_BATCH },
  });
}

/** What {@linkcode epochsToReach} reads from a curve that has left chance and rises by more than its noise. */
export interface Extrapolation {
  estimable: true;
  /** Gain per epoch of the straight line through the curve's second half. */
  perEpoch: number;
  /** Epochs beyond the curve's end for that line to reach the target (0 when the curve is already there). */
  moreEpochs: number;
}

/** Why a curve gives no estimate of when it would reach a target (a sentence fragment, starting lower-case). */
export interface NotEstimable {
  estimable: false;
  reason: string;
}

/**
 * Where a rising curve (accuracy per epoch, each measured on `chance.images` images) would reach `target` if it
 * kept the pace of its second half: a least-squares line through the last `ceil(n / 2)` points (at least two). A
 * curve already at the target needs no more epochs (`moreEpochs` 0). Otherwise it refuses, with the reason, when:
 * the curve has fewer than two points; it has not left chance (its best point is within the Wilson interval's reach
 * of the majority-class share, `curveLeftChance`): then any "pace" is a constant answer switching digits; its
 * second half does not rise; or what it gains over its second half is inside the noise of one accuracy on that many
 * images (the half-width of the end point's 95 % Wilson interval).
 *
 * @example
 * ```ts
 * const chance = { images: 3000, majorityShare: 0.113 };
 * epochsToReach([0.3, 0.5, 0.7, 0.8], 0.9, chance); // { estimable: true, perEpoch: 0.1, moreEpochs: 1 }
 * epochsToReach([0.1, 0.113, 0.112], 0.9, chance).estimable; // false: it has not left chance
 * ```
 */
export function epochsToReach(curve: readonly number[], target: number, chance: Chance): Extrapolation | NotEstimable {
  const points = curve.map((y, x) => ({ x, y })).filter((p) => Number.isFinite(p.y));
  if (points.length < 2) return { estimable: false, reason: "the curve has fewer than two measured epochs" };
  const end = points[points.length - 1];
  const last = points.slice(-Math.max(2, Math.ceil(points.length / 2)));
  const mx = last.reduce((s, p) => s + p.x, 0) / last.length, my = last.reduce((s, p) => s + p.y, 0) / last.length;
  const sxx = last.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const perEpoch = last.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  const left = curveLeftChance(curve, chance);
  if (!left.left) return { estimable: false, reason: left.reason };
  if (end.y >= target) return { estimable: true, perEpoch, moreEpochs: 0 };
  if (!(perEpoch > 0)) return { estimable: false, reason: "its second half does not rise" };
  const gain = perEpoch * (last[last.length - 1].x - last[0].x);
  const w = wilsonInterval(Math.round(Math.min(1, Math.max(0, end.y)) * chance.images), chance.images);
  const noise = (w.upper - w.lower) / 2;
  if (gain < noise) {
    return {
      estimable: false,
      reason: `its second half gains ${(gain * 100).toFixed(2)} points, inside the noise of one accuracy on ` +
        `${chance.images.toLocaleString("en-US")} images (±${(noise * 100).toFixed(2)} points)`,
    };
  }
  const fitted = my + perEpoch * (end.x - mx);
  return { estimable: true, perEpoch, moreEpochs: Math.max(0, (target - fitted) / perEpoch) };
}
