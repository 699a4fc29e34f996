/**
 * One verdict for a comparison of two models: better, worse or within noise, with the figures behind it, and the
 * sentence fragment that notebooks and the README quote. Inside the noise no direction is stated: the fragment
 * says how far apart the two are, never which one is ahead.
 *
 * Two kinds of evidence:
 * - {@link verdict}: two models' predictions on the same images, judged by the exact McNemar test;
 * - {@link verdictOfSeeds}: accuracies over seeds, judged by Welch's t-test, or by a reference seed spread
 *   (for single runs of a family whose baseline was run over several seeds).
 *
 * @example
 * ```ts
 * import { verdict, verdictOfSeeds } from "./verdict.ts";
 *
 * const v = verdict({
 *   a: { name: "wide CNN", correct: [true, true, true, false] },
 *   b: { name: "4-conv CNN", correct: [true, false, true, false] },
 * });
 * v.outcome; // "within noise" (one discordant image)
 * v.text; // "wide CNN (75.00 %) and 4-conv CNN (50.00 %) are within noise of each other: …"
 *
 * verdictOfSeeds({
 *   a: { name: "A", accuracies: [0.962, 0.960, 0.963] },
 *   b: { name: "B", accuracies: [0.951, 0.953, 0.950] },
 * }).outcome; // "better"
 * ```
 *
 * @module
 */

import { formatPercent } from "../display/format.ts";
import {
  mcnemarOfPredictions,
  type McNemarResult,
  type SeedSummary,
  seedSummary,
  spreadTTest,
  type TTestResult,
  welchTTest,
  type WilsonInterval,
  wilsonInterval,
} from "./uncertainty.ts";

/** The first model compared with the second: better, worse, or no direction because the gap is inside the noise. */
export type Outcome = "better" | "worse" | "within noise";

/** The significance level a verdict uses unless told otherwise. */
export const DEFAULT_ALPHA = 0.05;

/** One model's per-image correctness on the images both models were scored on. */
export interface PairedModel {
  name: string;
  /** `correct[i]`: whether the model classified image i correctly (see `correctness`). */
  correct: ArrayLike<boolean>;
}

/** The verdict of two models scored on the same images. */
export interface PairedVerdict {
  kind: "paired";
  /** Model a compared with model b. */
  outcome: Outcome;
  a: { name: string; accuracy: WilsonInterval };
  b: { name: string; accuracy: WilsonInterval };
  /** Accuracy of a minus accuracy of b (a fraction; 0.005 is half a point). */
  gap: number;
  images: number;
  test: McNemarResult;
  alpha: number;
  /** The sentence fragment, see {@link formatVerdict}. */
  text: string;
}

/** One model's accuracies, one per seed. */
export interface SeededModel {
  name: string;
  accuracies: readonly number[];
}

/** The verdict of two models from their accuracies over seeds. */
export interface SeedsVerdict {
  kind: "seeds";
  outcome: Outcome;
  a: { name: string; summary: SeedSummary };
  b: { name: string; summary: SeedSummary };
  /** Mean accuracy of a minus mean accuracy of b. */
  difference: number;
  /** "welch" when both sides have their own seeds; "reference spread" when judged by `options.spread`. */
  method: "welch" | "reference spread";
  test: TTestResult;
  /** The reference spread used, when `method` is "reference spread". */
  spread?: { sd: number; seeds: number };
  alpha: number;
  text: string;
}

/** Either kind of verdict. */
export type Verdict = PairedVerdict | SeedsVerdict;

/** A verdict before its text is written (what {@link formatVerdict} reads). */
export type VerdictFigures = Omit<PairedVerdict, "text"> | Omit<SeedsVerdict, "text">;

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`verdict: expected alpha in (0, 1), got ${alpha}`);
}

function outcomeOf(difference: number, pValue: number, alpha: number): Outcome {
  if (!(pValue < alpha) || difference === 0) return "within noise";
  return difference > 0 ? "better" : "worse";
}

function countCorrect(correct: ArrayLike<boolean>): number {
  let n = 0;
  for (let i = 0; i < correct.length; i++) if (correct[i]) n++;
  return n;
}

/**
 * The verdict on two models' predictions on the same images: exact McNemar test at `alpha` (0.05 by default)
 * plus the accuracy gap. `outcome` reads "a is better / worse than b", or "within noise".
 *
 * @example
 * ```ts
 * import { verdict } from "./verdict.ts";
 *
 * const a = Array.from({ length: 1000 }, (_, i) => i % 10 !== 0); // 90 %
 * const b = Array.from({ length: 1000 }, (_, i) => i % 5 !== 0); // 80 %, wrong wherever a is wrong and more
 * verdict({ a: { name: "A", correct: a }, b: { name: "B", correct: b } }).outcome; // "better"
 * ```
 */
export function verdict(pair: { a: PairedModel; b: PairedModel }, options: { alpha?: number } = {}): PairedVerdict {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  checkAlpha(alpha);
  const { a, b } = pair;
  const images = a.correct.length;
  if (images === 0) throw new RangeError(`verdict: ${a.name} and ${b.name} were scored on no images`);
  const test = mcnemarOfPredictions(a.correct, b.correct);
  const accA = wilsonInterval(countCorrect(a.correct), images);
  const accB = wilsonInterval(countCorrect(b.correct), images);
  const gap = accA.estimate - accB.estimate;
  const v: Omit<PairedVerdict, "text"> = {
    kind: "paired",
    outcome: outcomeOf(gap, test.pValue, alpha),
    a: { name: a.name, accuracy: accA },
    b: { name: b.name, accuracy: accB },
    gap,
    images,
    test,
    alpha,
  };
  return { ...v, text: formatVerdict(v) };
}

/**
 * The verdict on two models' accuracies over seeds. With two seeds or more on each side: Welch's t-test of the
 * means at `alpha`. With `options.spread` (the standard deviation measured over the seeds of a reference model,
 * e.g. the family's baseline): a t-test with that spread on both sides, which also judges single runs. Without
 * either, the spread is unknown and this throws.
 *
 * @example
 * ```ts
 * import { verdictOfSeeds } from "./verdict.ts";
 *
 * const v = verdictOfSeeds(
 *   { a: { name: "fresh noise", accuracies: [0.9610] }, b: { name: "4-conv CNN", accuracies: [0.9600] } },
 *   { spread: { sd: 0.0015, seeds: 3 } },
 * );
 * v.outcome; // "within noise"
 * ```
 */
export function verdictOfSeeds(
  pair: { a: SeededModel; b: SeededModel },
  options: { alpha?: number; spread?: { sd: number; seeds: number } } = {},
): SeedsVerdict {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  checkAlpha(alpha);
  const { a, b } = pair;
  const summaryA = seedSummary(a.accuracies);
  const summaryB = seedSummary(b.accuracies);
  let test: TTestResult;
  let method: SeedsVerdict["method"];
  if (options.spread) {
    test = spreadTTest(a.accuracies, b.accuracies, options.spread);
    method = "reference spread";
  } else if (a.accuracies.length >= 2 && b.accuracies.length >= 2) {
    test = welchTTest(a.accuracies, b.accuracies);
    method = "welch";
  } else {
    throw new RangeError(
      `verdictOfSeeds: ${a.name} has ${a.accuracies.length} seed(s) and ${b.name} ${b.accuracies.length}; ` +
        `with fewer than 2 on a side the noise is unknown: pass options.spread (a reference model's seed sd)`,
    );
  }
  const v: Omit<SeedsVerdict, "text"> = {
    kind: "seeds",
    outcome: outcomeOf(test.difference, test.pValue, alpha),
    a: { name: a.name, summary: summaryA },
    b: { name: b.name, summary: summaryB },
    difference: test.difference,
    method,
    test,
    ...(options.spread ? { spread: options.spread } : {}),
    alpha,
  };
  return { ...v, text: formatVerdict(v) };
}

/** A p-value as text: "p = 0.034", or "p < 0.001". */
export function formatPValue(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

/** A difference of two accuracies (fractions) in points, without sign: 0.0052 -> "0.52 points". */
export function formatPoints(difference: number): string {
  return `${(Math.abs(difference) * 100).toFixed(2)} points`;
}

/**
 * An accuracy with its Wilson interval: "96.00 % (95 % interval 95.24 to 96.64 %)".
 *
 * @example
 * ```ts
 * import { wilsonInterval } from "./uncertainty.ts";
 * import { formatInterval } from "./verdict.ts";
 *
 * formatInterval(wilsonInterval(2880, 3000)); // "96.00 % (95 % interval 95.24 to 96.64 %)"
 * ```
 */
export function formatInterval(w: WilsonInterval): string {
  const level = Math.round(w.confidence * 100);
  return `${formatPercent(w.estimate)} (${level} % interval ${(w.lower * 100).toFixed(2)} to ${
    formatPercent(w.upper)
  })`;
}

/** Mean ± sd over seeds: "96.10 ± 0.12 %, 3 seeds", or "96.10 %, 1 seed" when the spread is unknown. */
export function formatSeeds(s: SeedSummary): string {
  const seeds = `${s.n} seed${s.n === 1 ? "" : "s"}`;
  if (s.n < 2) return `${formatPercent(s.mean)}, ${seeds}`;
  return `${(s.mean * 100).toFixed(2)} ± ${formatPercent(s.sd)}, ${seeds}`;
}

/** "1 image", "60 images". */
function imageCount(n: number): string {
  return `${n.toLocaleString("en-US")} image${n === 1 ? "" : "s"}`;
}

function relation(outcome: Outcome, a: string, b: string): string {
  if (outcome === "within noise") return `${a} and ${b} are within noise of each other`;
  return `${a} is ${outcome} than ${b}`;
}

/**
 * The sentence fragment for a verdict, e.g. "A (96.40 %) is better than B (95.90 %) by 0.50 points on 3,000
 * images (exact McNemar p = 0.003; 120 images only A gets right, 105 only B)". Within the noise it reads
 * "A (…) and B (…) are within noise of each other: 0.20 points apart …" and names no direction.
 */
export function formatVerdict(v: VerdictFigures): string {
  const within = v.outcome === "within noise";
  if (v.kind === "paired") {
    const head = relation(
      v.outcome,
      `${v.a.name} (${formatPercent(v.a.accuracy.estimate)})`,
      `${v.b.name} (${formatPercent(v.b.accuracy.estimate)})`,
    );
    const size = within ? `: ${formatPoints(v.gap)} apart` : ` by ${formatPoints(v.gap)}`;
    const images = v.images.toLocaleString("en-US");
    return `${head}${size} on ${images} images (exact McNemar ${formatPValue(v.test.pValue)}; ` +
      `${imageCount(v.test.onlyA)} only ${v.a.name} gets right, ${v.test.onlyB} only ${v.b.name})`;
  }
  const head = relation(
    v.outcome,
    `${v.a.name} (${formatSeeds(v.a.summary)})`,
    `${v.b.name} (${formatSeeds(v.b.summary)})`,
  );
  const size = within ? `: ${formatPoints(v.difference)} apart` : ` by ${formatPoints(v.difference)}`;
  const how = v.method === "welch"
    ? `Welch t = ${Math.abs(v.test.t).toFixed(2)}, ${formatPValue(v.test.pValue)}`
    : `judged by the reference seed spread (sd ${formatPoints(v.spread!.sd)} over ${v.spread!.seeds} seeds), ` +
      formatPValue(v.test.pValue);
  return `${head}${size} (${how})`;
}

/**
 * The sentence of a verdict, or "no verdict between A and B: both are untrained" when neither model learned (two
 * runs that have not left chance differ only in which digit they guess; a test between them says nothing).
 *
 * @example
 * ```ts
 * import { verdict, verdictText } from "./verdict.ts";
 *
 * const v = verdict({ a: { name: "A", correct: [false, true] }, b: { name: "B", correct: [true, false] } });
 * verdictText(v, { aUntrained: true, bUntrained: true }); // "no verdict between A and B: both are untrained"
 * ```
 */
export function verdictText(v: Verdict, untrained: { aUntrained: boolean; bUntrained: boolean }): string {
  return untrained.aUntrained && untrained.bUntrained
    ? `no verdict between ${v.a.name} and ${v.b.name}: both are untrained`
    : v.text;
}
