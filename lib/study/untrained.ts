/**
 * Telling a trained model from one that was run for a budget where it could not learn: the updates a run made
 * against the updates the report's schedule makes, whether a learning curve has left chance (the share of the most
 * frequent digit), and whether a model answers one digit for everything. A run that has not left chance is labelled
 * untrained, and no extrapolation is drawn from its curve (see `epochsToReach`).
 *
 * @example
 * ```ts
 * import { budgetLabel, constantPrediction, curveLeftChance } from "./untrained.ts";
 *
 * constantPrediction([1, 1, 1, 1]); // { label: 1, share: 1 }
 * curveLeftChance([0.1, 0.113, 0.112], { images: 3000, majorityShare: 0.1127 }).left; // false
 * budgetLabel({ updates: 18, reportUpdates: 15000, predicted: [1, 1, 1] });
 * // "18 of ~15,000 updates: untrained, predicts one digit (1)"
 * ```
 *
 * @module
 */

import { wilsonInterval } from "../metrics/uncertainty.ts";
import { formatPercent } from "../display/format.ts";

/** Where chance lies for an accuracy curve: the images each point was measured on and the majority-class share. */
export interface Chance {
  /** Images each accuracy of the curve was measured on (the holdout's count, or the training set's). */
  images: number;
  /** Share of the most frequent label among those images: what a model that answers one digit can reach. */
  majorityShare: number;
}

/**
 * The share of the most frequent label, the accuracy of the best constant answer.
 *
 * @example
 * ```ts
 * import { majorityShare } from "./untrained.ts";
 *
 * majorityShare([1, 1, 2, 3]); // 0.5
 * ```
 */
export function majorityShare(labels: ArrayLike<number>): number {
  if (labels.length === 0) throw new RangeError("majorityShare: no labels");
  const counts = new Map<number, number>();
  let best = 0;
  for (let i = 0; i < labels.length; i++) {
    const n = (counts.get(labels[i]) ?? 0) + 1;
    counts.set(labels[i], n);
    if (n > best) best = n;
  }
  return best / labels.length;
}

/** The chance level of a labelled set of images, for {@linkcode curveLeftChance} and `epochsToReach`. */
export function chanceOf(labels: ArrayLike<number>): Chance {
  return { images: labels.length, majorityShare: majorityShare(labels) };
}

/** Whether a curve has left chance, and if not, why not (a sentence fragment). */
export type LeftChance = { left: true } | { left: false; reason: string };

/**
 * Whether an accuracy curve has left chance: its best point's 95 % Wilson interval (on `chance.images` images) must
 * lie above the majority-class share. A model that answers one digit for everything scores that share, so a curve
 * within its noise has learned nothing that can be seen.
 *
 * @example
 * ```ts
 * import { curveLeftChance } from "./untrained.ts";
 *
 * curveLeftChance([0.2, 0.5, 0.8], { images: 3000, majorityShare: 0.113 }).left; // true
 * ```
 */
export function curveLeftChance(curve: readonly number[], chance: Chance): LeftChance {
  if (!Number.isInteger(chance.images) || chance.images <= 0) {
    throw new RangeError(`curveLeftChance: expected a whole number of images > 0, got ${chance.images}`);
  }
  const finite = curve.filter((y) => Number.isFinite(y));
  if (finite.length === 0) return { left: false, reason: "the curve has no measured point" };
  const best = Math.max(...finite);
  const w = wilsonInterval(Math.round(best * chance.images), chance.images);
  if (w.lower > chance.majorityShare) return { left: true };
  return {
    left: false,
    reason: `its best accuracy, ${formatPercent(best)} on ${chance.images.toLocaleString("en-US")} images ` +
      `(95 % interval ${(w.lower * 100).toFixed(2)} to ${formatPercent(w.upper)}), is not above the ` +
      `${formatPercent(chance.majorityShare)} a model answering the most frequent digit gets: it has not left chance`,
  };
}

/** The digit a model answers (nearly) always, and the share of its answers that are that digit. */
export interface ConstantPrediction {
  label: number;
  share: number;
}

/**
 * The digit a model answers for at least `minShare` (default 99 %) of the images, or null when its answers vary:
 * a model at that point predicts one digit whatever the image.
 *
 * @example
 * ```ts
 * import { constantPrediction } from "./untrained.ts";
 *
 * constantPrediction([3, 3, 3, 3]); // { label: 3, share: 1 }
 * constantPrediction([3, 1, 3, 3]); // null
 * ```
 */
export function constantPrediction(predicted: ArrayLike<number>, minShare = 0.99): ConstantPrediction | null {
  if (predicted.length === 0) return null;
  const counts = new Map<number, number>();
  for (let i = 0; i < predicted.length; i++) counts.set(predicted[i], (counts.get(predicted[i]) ?? 0) + 1);
  let label = -1, most = 0;
  for (const [l, n] of counts) if (n > most) label = l, most = n;
  const share = most / predicted.length;
  return share >= minShare ? { label, share } : null;
}

/**
 * Optimizer updates of `epochs` passes over `images` images in batches of `batchSize` (the last batch of an epoch
 * may be smaller; a whole-set batch is one update per epoch).
 *
 * @example
 * ```ts
 * import { updatesOf } from "./untrained.ts";
 *
 * updatesOf(5000, 12000, 4096); // 15000 (3 a epoch)
 * ```
 */
export function updatesOf(epochs: number, images: number, batchSize: number): number {
  for (const [name, v] of [["epochs", epochs], ["images", images], ["batchSize", batchSize]] as const) {
    if (!Number.isInteger(v) || v < 0 || (name !== "epochs" && v === 0)) {
      throw new RangeError(`updatesOf: expected a whole ${name} ${name === "epochs" ? ">= 0" : "> 0"}, got ${v}`);
    }
  }
  return epochs * Math.ceil(images / batchSize);
}

/** What shows whether a run learned: its predictions on some images, its accuracy curve and where chance lies. */
export interface RunEvidence {
  /** The run's predictions on some images (holdout or test), to see whether it answers one digit. */
  predicted?: ArrayLike<number>;
  /** Its accuracy curve (one point is enough) and where chance lies, to see whether it has left chance. */
  curve?: { values: readonly number[]; chance: Chance };
  /** Updates the run made and the updates the report's schedule makes, to see whether it got a real share of them. */
  budget?: { updates: number; reportUpdates: number };
}

/**
 * A run stopped before this share of the report's updates is not a run of the report's method, whatever its curve
 * shows (the study's rule: give a method its budget or label the row untrained); 1 %.
 */
export const MIN_BUDGET_SHARE = 0.01;

/**
 * Why a run counts as untrained ("predicts one digit (1)" when it answers one digit for at least 99 % of the images,
 * "its curve has not left chance" when it has not, "stopped at 0.1 % of the report's updates" when it made fewer than
 * {@linkcode MIN_BUDGET_SHARE} of them), or null when the evidence given shows it learned. This is the one rule the
 * notebooks label runs with.
 *
 * @example
 * ```ts
 * import { untrainedReason } from "./untrained.ts";
 *
 * untrainedReason({ predicted: [1, 1, 1] }); // "predicts one digit (1)"
 * untrainedReason({ curve: { values: [0.115], chance: { images: 3000, majorityShare: 0.1127 } } });
 * // "its curve has not left chance"
 * untrainedReason({ budget: { updates: 18, reportUpdates: 15000 } }); // "stopped at 0.12 % of the report's updates"
 * untrainedReason({ predicted: [0, 4, 9], curve: { values: [0.9], chance: { images: 3000, majorityShare: 0.11 } } });
 * // null
 * ```
 */
export function untrainedReason(evidence: RunEvidence): string | null {
  const constant = evidence.predicted ? constantPrediction(evidence.predicted) : null;
  if (constant) return `predicts one digit (${constant.label})`;
  if (evidence.curve && !curveLeftChance(evidence.curve.values, evidence.curve.chance).left) {
    return "its curve has not left chance";
  }
  const b = evidence.budget;
  if (b && b.reportUpdates > 0 && b.updates < MIN_BUDGET_SHARE * b.reportUpdates) {
    const share = b.updates / b.reportUpdates;
    return `stopped at ${formatPercent(share, share < 0.001 ? 3 : 2)} of the report's updates`;
  }
  return null;
}

/**
 * Whether a run counts as untrained by {@linkcode untrainedReason}'s rule.
 *
 * @example
 * ```ts
 * import { isUntrained } from "./untrained.ts";
 *
 * isUntrained({ predicted: [7, 7, 7, 7] }); // true
 * ```
 */
export function isUntrained(evidence: RunEvidence): boolean {
  return untrainedReason(evidence) !== null;
}

/** Options of {@linkcode budgetLabel}. */
export interface BudgetLabelOptions extends RunEvidence {
  /** Updates the run made. */
  updates: number;
  /** Updates the report's schedule makes for the same training (see `updatesOf`). */
  reportUpdates: number;
}

/**
 * What a report-method row is: "18 of ~15,000 updates: untrained, predicts one digit (1)" when the model answers
 * one digit, "…: untrained, its curve has not left chance" when it has not, "…: untrained, stopped at 0.12 % of the
 * report's updates" when it made under {@linkcode MIN_BUDGET_SHARE} of them (the rule of
 * {@linkcode untrainedReason}), else "180 of ~1,500 updates".
 *
 * @example
 * ```ts
 * import { budgetLabel } from "./untrained.ts";
 *
 * budgetLabel({ updates: 180, reportUpdates: 1500, predicted: [0, 4, 9] }); // "180 of ~1,500 updates"
 * budgetLabel({ updates: 5, reportUpdates: 6000, predicted: [0, 4, 9] });
 * // "5 of ~6,000 updates: untrained, stopped at 0.083 % of the report's updates"
 * ```
 */
export function budgetLabel(options: BudgetLabelOptions): string {
  const head = `${options.updates.toLocaleString("en-US")} of ~${
    Math.round(options.reportUpdates).toLocaleString("en-US")
  } updates`;
  const reason = untrainedReason({
    ...options,
    budget: { updates: options.updates, reportUpdates: options.reportUpdates },
  });
  return reason ? `${head}: untrained, ${reason}` : head;
}
