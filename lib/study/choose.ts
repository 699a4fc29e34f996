/**
 * Every choice the study makes (how many views at test time, which model is submitted, which setting is kept) is made
 * on the holdout, and only there: {@linkcode chooseOnHoldout} takes each candidate's per-image correctness on the
 * holdout and nothing else, so no test label can steer it. Candidates come in order of cost, the default first; each
 * replaces the choice so far only when the exact McNemar test on the holdout says it is better than that choice, so a
 * difference inside the noise keeps the cheaper option.
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
  /** Each later candidate's verdict against the choice so far when its turn came (the first: against the default). */
  verdicts: PairedVerdict[];
  /** One sentence: what was chosen and the verdict behind it. */
  text: string;
}

/**
 * Chooses among `candidates` on the holdout alone. They come in order of cost: the first is the default (the simpler
 * or cheaper option), and each later one replaces the choice so far only when it is better than that choice by the
 * exact McNemar test at `alpha`. A costlier option inside the noise of a cheaper one is never taken.
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
  let index = 0;
  const verdicts: PairedVerdict[] = [];
  candidates.slice(1).forEach((c, i) => {
    const held = candidates[index];
    const v = verdict(
      { a: { name: c.name, correct: c.holdoutCorrect }, b: { name: held.name, correct: held.holdoutCorrect } },
      { alpha: options.alpha },
    );
    verdicts.push(v);
    if (v.outcome === "better") index = i + 1;
  });
  const why = verdicts.length === 0 ? "the only candidate" : verdicts.map((v) => v.text).join("; ");
  return {
    chosen: candidates[index],
    index,
    verdicts,
    text: `chosen on the holdout: ${candidates[index].name} (${why})`,
  };
}
