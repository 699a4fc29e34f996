/**
 * How far a measured accuracy can be trusted: the Wilson interval for one accuracy, the exact McNemar test for
 * two models' predictions on the same images, and the mean, standard deviation, Student-t interval and Welch
 * t-test for accuracies measured over several seeds.
 *
 * @example
 * ```ts
 * import { mcnemar, seedSummary, wilsonInterval } from "./uncertainty.ts";
 *
 * wilsonInterval(2880, 3000); // { estimate: 0.96, lower: 0.9524…, upper: 0.9664…, … }
 * mcnemar(1, 7).pValue; // 0.0703… (two-sided exact)
 * seedSummary([0.961, 0.958, 0.963]).sd; // 0.0025…
 * ```
 *
 * @module
 */

import { binomialCdf, normalQuantile, studentTCdf, studentTQuantile } from "./distributions.ts";

/** A proportion with a two-sided confidence interval around it. */
export interface Interval {
  /** The point estimate (observed share or mean). */
  estimate: number;
  lower: number;
  upper: number;
  /** The confidence level of [lower, upper], e.g. 0.95. */
  confidence: number;
}

function checkConfidence(confidence: number, what: string): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${what}: expected a confidence in (0, 1), got ${confidence}`);
  }
}

/** A Wilson score interval, with the counts it was computed from. */
export interface WilsonInterval extends Interval {
  successes: number;
  trials: number;
}

/**
 * The Wilson score interval for a proportion of `successes` in `trials` (for an accuracy: correct predictions out
 * of images). Unlike the normal-approximation interval it stays inside [0, 1] and is sound near 0 and 1.
 *
 * @example
 * ```ts
 * import { wilsonInterval } from "./uncertainty.ts";
 *
 * const w = wilsonInterval(81, 263); // Newcombe (1998): 0.2553 to 0.3662
 * w.lower.toFixed(4); // "0.2553"
 * ```
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): WilsonInterval {
  if (!Number.isInteger(trials) || trials <= 0) {
    throw new RangeError(`wilsonInterval: expected a whole number of trials > 0, got ${trials}`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: expected whole successes in [0, ${trials}], got ${successes}`);
  }
  checkConfidence(confidence, "wilsonInterval");
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  return {
    estimate: p,
    lower: Math.max(0, centre - half),
    upper: Math.min(1, centre + half),
    confidence,
    successes,
    trials,
  };
}

/**
 * The Wilson interval of the accuracy of `predicted` against `truth` (the same arrays {@link accuracy} takes).
 *
 * @example
 * ```ts
 * import { accuracyInterval } from "./uncertainty.ts";
 *
 * accuracyInterval([1, 2, 3, 4], [1, 2, 3, 0]).estimate; // 0.75
 * ```
 */
export function accuracyInterval(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  confidence = 0.95,
): WilsonInterval {
  if (truth.length !== predicted.length) {
    throw new RangeError(`accuracyInterval: ${truth.length} labels vs ${predicted.length} predictions`);
  }
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return wilsonInterval(hits, truth.length, confidence);
}

/** The outcome of an exact McNemar test on paired predictions. */
export interface McNemarResult {
  /** Images the first model got right and the second wrong. */
  onlyA: number;
  /** Images the second model got right and the first wrong. */
  onlyB: number;
  /** Two-sided exact p-value: twice the binomial(onlyA + onlyB, 1/2) tail at min(onlyA, onlyB), capped at 1. */
  pValue: number;
  /** The asymptotic statistic (onlyA - onlyB)^2 / (onlyA + onlyB), without continuity correction (NaN if no pair). */
  chiSquare: number;
}

/**
 * The exact (conditional) McNemar test from the two discordant counts of a paired 2 x 2 table: `onlyA` images
 * that only the first model classifies correctly, `onlyB` that only the second does. Under the null hypothesis of
 * equal accuracy each discordant image is a fair coin, so the p-value is a two-sided binomial test.
 *
 * @example
 * ```ts
 * import { mcnemar } from "./uncertainty.ts";
 *
 * // Fagerland, Lydersen and Laake (2013), airway hyper-responsiveness: 1 and 7 discordant pairs
 * mcnemar(1, 7).pValue; // 0.0703 (exact conditional)
 * mcnemar(1, 7).chiSquare; // 4.5
 * ```
 */
export function mcnemar(onlyA: number, onlyB: number): McNemarResult {
  for (const [name, v] of [["onlyA", onlyA], ["onlyB", onlyB]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`mcnemar: expected a whole ${name} >= 0, got ${v}`);
  }
  const n = onlyA + onlyB;
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(onlyA, onlyB), n, 0.5));
  return { onlyA, onlyB, pValue, chiSquare: n === 0 ? NaN : (onlyA - onlyB) ** 2 / n };
}

/**
 * The McNemar test of two models from their per-image correctness on the same images (`correctA[i]` is whether
 * the first model classified image i correctly).
 *
 * @example
 * ```ts
 * import { mcnemarOfPredictions } from "./uncertainty.ts";
 *
 * mcnemarOfPredictions([true, true, false, true], [true, false, false, false]).onlyA; // 2
 * ```
 */
export function mcnemarOfPredictions(correctA: ArrayLike<boolean>, correctB: ArrayLike<boolean>): McNemarResult {
  if (correctA.length !== correctB.length) {
    throw new RangeError(
      `mcnemar: the two models were scored on different image sets (${correctA.length} vs ${correctB.length})`,
    );
  }
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < correctA.length; i++) {
    if (correctA[i] && !correctB[i]) onlyA++;
    else if (correctB[i] && !correctA[i]) onlyB++;
  }
  return mcnemar(onlyA, onlyB);
}

/** Per-image correctness: `correct[i]` is whether `predicted[i]` equals `truth[i]`. */
export function correctness(truth: ArrayLike<number>, predicted: ArrayLike<number>): boolean[] {
  if (truth.length !== predicted.length) {
    throw new RangeError(`correctness: ${truth.length} labels vs ${predicted.length} predictions`);
  }
  return Array.from({ length: truth.length }, (_, i) => truth[i] === predicted[i]);
}

/** Mean, sample standard deviation and Student-t interval of values measured over seeds. */
export interface SeedSummary extends Interval {
  /** How many seeds (values). */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); NaN for one seed. */
  sd: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample variance (n - 1 in the denominator); NaN for fewer than two values. */
function variance(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  return values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
}

function checkValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what}: expected at least one value, got none`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${what}: value ${bad} is ${values[bad]}, expected a finite number`);
}

/**
 * Mean, standard deviation and the Student-t confidence interval of the mean of values measured over seeds. With
 * one seed the spread is unknown: `sd` is NaN and the interval is (-Infinity, Infinity).
 *
 * @example
 * ```ts
 * import { seedSummary } from "./uncertainty.ts";
 *
 * const s = seedSummary([1, 2, 3, 4, 5]);
 * s.mean; // 3
 * s.upper - s.mean; // 2.776445 * sqrt(2.5) / sqrt(5) = 1.963…
 * ```
 */
export function seedSummary(values: readonly number[], confidence = 0.95): SeedSummary {
  checkValues(values, "seedSummary");
  checkConfidence(confidence, "seedSummary");
  const n = values.length;
  const m = mean(values);
  const sd = Math.sqrt(variance(values));
  const half = n < 2 ? Infinity : studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sd / Math.sqrt(n);
  return { n, mean: m, sd, estimate: m, lower: m - half, upper: m + half, confidence };
}

/** The outcome of a t-test of two means. */
export interface TTestResult {
  /** Difference of means, a - b. */
  difference: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  pValue: number;
}

function twoSided(t: number, df: number): number {
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
}

/**
 * Welch's t-test of two means with unequal variances (Welch-Satterthwaite degrees of freedom). Needs two values
 * or more on each side.
 *
 * @example
 * ```ts
 * import { welchTTest } from "./uncertainty.ts";
 *
 * // R's t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939
 * const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
 * const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
 * welchTTest(g1, g2).pValue; // 0.0794
 * ```
 */
export function welchTTest(a: readonly number[], b: readonly number[]): TTestResult {
  checkValues(a, "welchTTest (a)");
  checkValues(b, "welchTTest (b)");
  if (a.length < 2 || b.length < 2) {
    throw new RangeError(
      `welchTTest: needs at least 2 values on each side to measure their spread, got ${a.length} and ${b.length}`,
    );
  }
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const difference = mean(a) - mean(b);
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    return {
      difference,
      t: difference === 0 ? 0 : Math.sign(difference) * Infinity,
      df: NaN,
      pValue: difference === 0 ? 1 : 0,
    };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = difference / se;
  return { difference, t, df, pValue: twoSided(t, df) };
}

/**
 * A t-test of two means that takes the spread from elsewhere: a standard deviation `sd` measured over
 * `seeds` seeds of a reference model (for example the baseline of a family of models), applied to both sides.
 * This is how single runs are judged once the seed-to-seed spread of their family is known.
 *
 * @example
 * ```ts
 * import { spreadTTest } from "./uncertainty.ts";
 *
 * // one run each, 0.5 points apart, baseline seeds spread 0.2 points over 3 seeds
 * spreadTTest([0.965], [0.960], { sd: 0.002, seeds: 3 }).t; // 0.005 / (0.002 * sqrt(2)) = 1.77
 * ```
 */
export function spreadTTest(
  a: readonly number[],
  b: readonly number[],
  spread: { sd: number; seeds: number },
): TTestResult {
  checkValues(a, "spreadTTest (a)");
  checkValues(b, "spreadTTest (b)");
  if (!(spread.sd >= 0) || !Number.isInteger(spread.seeds) || spread.seeds < 2) {
    throw new RangeError(
      `spreadTTest: expected a reference sd >= 0 measured over >= 2 seeds, got sd ${spread.sd} over ${spread.seeds}`,
    );
  }
  const difference = mean(a) - mean(b);
  const se = spread.sd * Math.sqrt(1 / a.length + 1 / b.length);
  const df = spread.seeds - 1;
  if (se === 0) {
    return {
      difference,
      t: difference === 0 ? 0 : Math.sign(difference) * Infinity,
      df,
      pValue: difference === 0 ? 1 : 0,
    };
  }
  const t = difference / se;
  return { difference, t, df, pValue: twoSided(t, df) };
}
