/**
 * The train suite's ratios with their turns: a figure timed in turns (`train.ts`: one core, the replicas, the
 * independent replicas and PyTorch take turns, round after round) is compared with another turn by turn as well as
 * over all of them, so that a ratio shows how far it moved within the run and a target says how many turns met it.
 *
 * @example
 * ```ts
 * const r = pairedRatio({ rate: 880, turns: [820, 900, 910, 890] }, { rate: 500, turns: [500, 500, 500, 500] }, 1.8);
 * console.log(r.value, r.target); // 1.76 ">= 1.8 (missed; 2 of 4 turns at or above)"
 * console.log(r.turns); // "turn ratios: 1.64 / 1.80 / 1.82 / 1.78"
 * ```
 *
 * @module
 */

import type { Turn } from "./_turn_protocol.ts";

/**
 * A target's verdict as the bench prints it: `>= shown (met)` or `(missed)`, with `more` inside the brackets (e.g. how
 * many turns met it); `shown` is how the target reads (default: the number itself).
 */
export function atLeast(value: number, target: number, shown = `${target}`, more = ""): string {
  return `>= ${shown} (${value >= target ? "met" : "missed"}${more})`;
}

/** A figure's images/s over all its turns, and each turn's when it was timed in turns. */
export interface Figure {
  rate: number;
  turns?: number[];
}

/** Turns taken as one: their steps and milliseconds summed. */
export function sumTurns(turns: Turn[]): Turn {
  return turns.reduce((s, t) => ({ steps: s.steps + t.steps, ms: s.ms + t.ms }), { steps: 0, ms: 0 });
}

/**
 * Processes training side by side in turns, as one figure: their images/s together over all turns, and in each turn
 * (`NaN` for a turn in which any of them timed no step). `turns[i]` holds process `i`'s turns, `batches[i]` its batch.
 */
export function sideBySide(turns: Turn[][], batches: number[]): Required<Figure> {
  const rate = (t: Turn, i: number) => (batches[i] * 1000 * t.steps) / t.ms;
  const together = (pick: (ts: Turn[]) => Turn) =>
    turns.reduce((sum, ts, i) => {
      const t = pick(ts);
      return sum + (t.steps ? rate(t, i) : NaN);
    }, 0);
  return { rate: together(sumTurns), turns: (turns[0] ?? []).map((_, k) => together((ts) => ts[k])) };
}

/** A ratio of two figures: its value (two decimals), its target's verdict, and its turns' ratios for the note. */
export interface PairedRatio {
  value: number;
  /** `>= T (met|missed)`, with how many turns met it when both figures have turns; absent without a target. */
  target?: string;
  /** `turn ratios: a / b / ...`, each turn of `a` over the same turn of `b`; absent unless both have as many turns. */
  turns?: string;
}

/**
 * `a` over `b`: the ratio of their rates over all turns, and (when both were timed in as many turns, the k-th of each
 * in the same round) each round's ratio, so that one disturbed turn shows as such; `target` gives a verdict on the
 * whole ratio and counts the turns at or above it.
 */
export function pairedRatio(a: Figure, b: Figure, target?: number): PairedRatio {
  const ratio = a.rate / b.rate, value = +ratio.toFixed(2);
  const paired = a.turns && b.turns && a.turns.length > 0 && a.turns.length === b.turns.length;
  const each = paired ? a.turns!.map((t, k) => t / b.turns![k]) : undefined;
  const out: PairedRatio = { value };
  if (each) out.turns = `turn ratios: ${each.map((r) => Number.isFinite(r) ? r.toFixed(2) : "-").join(" / ")}`;
  if (target !== undefined) {
    // A turn in which either figure timed no step meets nothing.
    const met = each?.filter((r) => Number.isFinite(r) && r >= target).length;
    // Read from the unrounded ratio: 1.499 misses 1.5.
    out.target = atLeast(ratio, target, `${target}`, each ? `; ${met} of ${each.length} turns at or above` : "");
  }
  return out;
}
