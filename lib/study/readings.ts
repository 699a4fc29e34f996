/**
 * Sentences drawn from several verdicts at once, so that a notebook's summary can never contradict the verdicts
 * printed above it. {@linkcode twoChangesReading} reads two changes of one network, each judged against the network
 * itself and against each other on the same images; no direction is given where the verdicts give none.
 *
 * @example
 * ```ts
 * import { twoChangesReading } from "./readings.ts";
 *
 * twoChangesReading(
 *   { a: "the second channel", b: "the wider dense layer", base: "the 4-conv CNN" },
 *   { a: "within noise", b: "within noise", aVsB: "better" },
 * );
 * // "the second channel is ahead of the wider dense layer on the same images but is not shown ahead of the 4-conv
 * // CNN, so this run does not show that the second channel helps the network"
 * ```
 *
 * @module
 */

import type { Outcome } from "../metrics/verdict.ts";

/** The names of the two changes and of the network both change. */
export interface TwoChanges {
  a: string;
  b: string;
  base: string;
}

/** The outcome of each change against the base network, and of change `a` against change `b` (same images). */
export interface TwoChangesOutcomes {
  a: Outcome;
  b: Outcome;
  aVsB: Outcome;
}

/** What the three verdicts allow one to say about two changes of one network, in one clause. */
export function twoChangesReading(names: TwoChanges, outcomes: TwoChangesOutcomes): string {
  const { base } = names;
  if (outcomes.aVsB === "within noise") {
    const ahead = [names.a, names.b].filter((_, i) => [outcomes.a, outcomes.b][i] === "better");
    const of = ahead.length ? `; ahead of ${base}: ${ahead.join(" and ")}` : `, nor either of them from ${base}`;
    return `the verdicts do not separate ${names.a} from ${names.b}${of}`;
  }
  const [x, y, xVsBase, yVsBase] = outcomes.aVsB === "better"
    ? [names.a, names.b, outcomes.a, outcomes.b]
    : [names.b, names.a, outcomes.b, outcomes.a];
  if (xVsBase === "better" && yVsBase !== "better") {
    return `${x} helped where ${y} did not: it is ahead of both ${base} and ${y} on the same images`;
  }
  if (xVsBase === "better") return `both changes are ahead of ${base}, and ${x} is also ahead of ${y}`;
  // Against the network the verdict gave no direction (within noise, or under the seed spread): not "not ahead".
  return `${x} is ahead of ${y} on the same images but is not shown ahead of ${base}, so this run does not show ` +
    `that ${x} helps the network`;
}
