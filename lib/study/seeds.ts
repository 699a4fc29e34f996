/**
 * Seeds where the study draws its conclusions: how many each profile trains, the names of the extra runs, a table of
 * mean ± sd over seeds, and the seed-to-seed spread of a baseline as the noise threshold single runs of its family are
 * judged by (`verdictOfSeeds(…, { spread })`).
 *
 * @example
 * ```ts
 * import { seedRunName, seedsFor, seedSpread, seedTable } from "./seeds.ts";
 *
 * seedsFor("full", 3); // [3, 4, 5]
 * seedRunName("four-conv-cnn", 3, 3); // "four-conv-cnn" (the first seed keeps the run's own name)
 * seedRunName("four-conv-cnn", 4, 3); // "four-conv-cnn-seed4"
 * seedSpread([0.951, 0.955, 0.953]); // { sd: 0.002, seeds: 3 }
 * seedTable([{ name: "4-conv CNN", accuracies: [0.951, 0.955, 0.953] }]);
 * ```
 *
 * @module
 */

import { type Table, table } from "../display/table.ts";
import { formatPercent } from "../display/format.ts";
import { seedSummary } from "../metrics/uncertainty.ts";
import type { SeededModel } from "../metrics/verdict.ts";
import type { ProfileName } from "./profile.ts";

/**
 * Seeds per profile: 3 under `full` (the minimum for a headline row), 2 under `quick` and `smoke` (so that the
 * spread is computed and its code runs in CI).
 */
export const SEED_COUNTS: Readonly<Record<ProfileName, number>> = Object.freeze({ smoke: 2, quick: 2, full: 3 });

/**
 * The seeds a profile trains, starting from `first` (the run's existing seed, so that its saved model is reused).
 */
export function seedsFor(profile: ProfileName, first: number): number[] {
  return Array.from({ length: SEED_COUNTS[profile] }, (_, i) => first + i);
}

/** The saved name of the run with `seed`: the run's own name for its first seed, `<name>-seed<seed>` otherwise. */
export function seedRunName(name: string, seed: number, first: number): string {
  return seed === first ? name : `${name}-seed${seed}`;
}

/**
 * The seed-to-seed spread of a baseline's accuracies, for `verdictOfSeeds(pair, { spread })`; needs two seeds or more.
 */
export function seedSpread(accuracies: readonly number[]): { sd: number; seeds: number } {
  if (accuracies.length < 2) {
    throw new RangeError(`seedSpread: the spread needs at least 2 seeds, got ${accuracies.length}`);
  }
  return { sd: seedSummary(accuracies).sd, seeds: accuracies.length };
}

/** One row per model: its seeds, mean ± sd (sd left empty for one seed) and the 95 % t-interval of the mean. */
export function seedTable(models: readonly SeededModel[], title = "Accuracy over seeds (holdout)"): Table {
  return table(
    models.map((m) => {
      const s = seedSummary(m.accuracies);
      const one = s.n < 2;
      return {
        model: m.name,
        seeds: s.n,
        mean: formatPercent(s.mean),
        sd: one ? "" : `${(s.sd * 100).toFixed(2)} points`,
        "95 % interval of the mean": one ? "" : `${(s.lower * 100).toFixed(2)} to ${formatPercent(s.upper)}`,
        each: m.accuracies.map((a) => formatPercent(a)).join(", "),
      };
    }),
    { title },
  );
}
