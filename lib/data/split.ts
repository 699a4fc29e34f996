/**
 * Seeded, stratified train / holdout splits (the report holds out 25 % of
 * the labelled images) and k-fold index generation.
 *
 * @module
 */

import { type Dataset, NUM_CLASSES, requireLabels, subset } from "./dataset.ts";
import { createRandom, proportionalCounts, shuffleInPlace } from "../util/random.ts";

/** Options of {@linkcode stratifiedSplit}. */
export interface SplitOptions {
  /** Fraction of images held out (default 0.25, as in the report). */
  holdoutFraction?: number;
  /** Seed of the shuffle (default 42). */
  seed?: number;
}

/** A train / holdout pair and the indices they were taken from. */
export interface Split {
  train: Dataset;
  holdout: Dataset;
  trainIndices: Uint32Array;
  holdoutIndices: Uint32Array;
}

/**
 * Splits indices `0..labels.length-1` so that every class is held out in the
 * same proportion (largest-remainder rounding keeps the total exact).
 */
export function stratifiedIndices(
  labels: ArrayLike<number>,
  options: SplitOptions = {},
): { train: Uint32Array; holdout: Uint32Array } {
  const fraction = options.holdoutFraction ?? 0.25;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`holdoutFraction must be in (0, 1), got ${fraction}`);
  const rng = createRandom(options.seed ?? 42);
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const holdoutPer = proportionalCounts(byClass.map((c) => c.length), Math.round(labels.length * fraction));
  const train: number[] = [], holdout: number[] = [];
  byClass.forEach((members, c) => {
    shuffleInPlace(members, rng);
    holdout.push(...members.slice(0, holdoutPer[c]));
    train.push(...members.slice(holdoutPer[c]));
  });
  return {
    train: Uint32Array.from(shuffleInPlace(train, rng)),
    holdout: Uint32Array.from(shuffleInPlace(holdout, rng)),
  };
}

/**
 * Splits a labelled dataset into a training and a holdout set with the same
 * class proportions.
 *
 * @example
 * ```ts
 * import type { Dataset } from "./dataset.ts";
 * declare const data: Dataset;
 * const { train, holdout } = stratifiedSplit(data, { holdoutFraction: 0.25, seed: 42 });
 * ```
 */
export function stratifiedSplit(ds: Dataset, options: SplitOptions = {}): Split {
  const idx = stratifiedIndices(requireLabels(ds), options);
  return {
    train: subset(ds, idx.train, `${ds.name} (train)`),
    holdout: subset(ds, idx.holdout, `${ds.name} (holdout)`),
    trainIndices: idx.train,
    holdoutIndices: idx.holdout,
  };
}

/**
 * Stratified k-fold: returns `k` pairs of (train, validation) index arrays;
 * every index is in exactly one validation fold and classes are spread
 * evenly over the folds.
 */
export function stratifiedKFold(
  labels: ArrayLike<number>,
  k: number,
  seed = 0,
): { train: Uint32Array; validation: Uint32Array }[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer >= 2, got ${k}`);
  const rng = createRandom(seed);
  const fold = new Int32Array(labels.length);
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  let offset = 0;
  for (const members of byClass) {
    shuffleInPlace(members, rng);
    members.forEach((idx, j) => (fold[idx] = (j + offset) % k));
    offset += members.length;
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [], validation: number[] = [];
    for (let i = 0; i < labels.length; i++) (fold[i] === f ? validation : train).push(i);
    return { train: Uint32Array.from(train), validation: Uint32Array.from(validation) };
  });
}
