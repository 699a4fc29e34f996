/**
 * Every choice the study makes (how many views at test time, which model is submitted, which setting is kept) is made
 * on the holdout, and only there: {@linkcode chooseOnHoldout} takes each candidate's per-image correctness on the
 * holdout and nothing else, so no test label can steer it. A candidate replaces the default only when the exact
 * McNemar test on the holdout says it is better; a difference inside the noise keeps the default.
 *
 * @example
 * ```ts
 * import { chooseOnHoldout } from "./choose.ts";
 *
 * const one = [true, true, false, true];
 * const three = [true, true, true, true]; // one image more: inside the noise
 * chooseOnHoldout([{ name: "one view", holdoutCorrect: one }, { name: "3 views", holdoutCorrect: three }]).chosen.name;
 * // "one view"
 * ```
 *
 * @module
 */

import { type PairedVerdict, verdict } from "../metrics/verdict.ts";

/** One option of a choice, with its per-image correctness on the holdout. */
export interface HoldoutCandidate {
  name: string;
  /** `holdoutCorrect[i]`: whether this option classified holdout image i correctly. */
  holdoutCorrect: ArrayLike<boolean>;
}

/** What {@linkcode chooseOnHoldout} decided, and why. */
export interface HoldoutChoice<C extends HoldoutCandidate> {
  chosen: C;
  /** Index of `chosen` among the candidates. */
  index: number;
  /** Each other candidate's verdict against the default (the first candidate), in order. */
  verdicts: PairedVerdict[];
  /** One sentence: what was chosen and the verdict behind it. */
  text: string;
}

/**
 * Chooses among `candidates` on the holdout alone. The first candidate is the default (the simpler or cheaper
 * option); another replaces it only when it is better by the exact McNemar test at `alpha`, and among several such
 * the one with the highest holdout accuracy wins.
 */
export function chooseOnHoldout<C extends HoldoutCandidate>(
  candidates: readonly C[],
  options: { alpha?: number } = {},
): HoldoutChoice<C> {
  if (candidates.length === 0) throw new RangeError("chooseOnHoldout: no candidates");
  const n = candidates[0].holdoutCorrect.length;
  const bad = candidates.find((c) => c.holdoutCorrect.length !== n);
  if (bad) {
    throw new RangeError(
      `chooseOnHoldout: ${bad.name} was scored on ${bad.holdoutCorrect.length} holdout images, ` +
        `${candidates[0].name} on ${n}: candidates must be scored on the same images`,
    );
  }
  const base = candidates[0];
  const verdicts = candidates.slice(1).map((c) =>
    verdict({ a: { name: c.name, correct: c.holdoutCorrect }, b: { name: base.name, correct: base.holdoutCorrect } }, {
      alpha: options.alpha,
    })
  );
  let index = 0;
  let bestAccuracy = verdicts.length ? verdicts[0].b.accuracy.estimate : NaN;
  verdicts.forEach((v, i) => {
    if (v.outcome === "better" && v.a.accuracy.estimate > bestAccuracy) {
      index = i + 1;
      bestAccuracy = v.a.accuracy.estimate;
    }
  });
  const why = verdicts.length === 0 ? "the only candidate" : verdicts.map((v) => v.text).join("; ");
  return {
    chosen: candidates[index],
    index,
    verdicts,
    text: `chosen on the holdout: ${candidates[index].name} (${why})`,
  };
}
