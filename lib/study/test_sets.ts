/**
 * The labelled test images the study scores its saved models on: notebook 08's ranking and the test scores other
 * notebooks quote use this one definition (the first `rankingTestImages` of the 50,000 test images, with the labels
 * of `test_solution.csv`), so a model gets one test figure wherever it is quoted.
 *
 * @example
 * ```ts
 * import { accuracy } from "../metrics/accuracy.ts";
 * import { predictSaved } from "./ranking.ts";
 * const test = await loadRankingTest("smoke");
 * if (test) accuracy(test.labels, await predictSaved("smoke/four-conv-cnn", test));
 * ```
 *
 * @module
 */

import { asLabelled, head, type LabelledDataset, withLabels } from "../data/dataset.ts";
import { loadSolution, loadTest } from "../data/load.ts";
import { BEYOND_SETTINGS } from "./notebooks.ts";
import type { ProfileName } from "./profile.ts";

/**
 * The ranking's test images under `profile`: the first `BEYOND_SETTINGS[profile].rankingTestImages` test images
 * with their labels, or null with the real competition files (no `test_solution.csv`).
 */
export function loadRankingTest(profile: ProfileName): Promise<LabelledDataset | null> {
  return loadLabelledTest(BEYOND_SETTINGS[profile].rankingTestImages);
}

/** The first `images` test images (all of them when undefined) with their labels, or null without test labels. */
export async function loadLabelledTest(images?: number): Promise<LabelledDataset | null> {
  const solution = await loadSolution();
  if (!solution) return null;
  return asLabelled(head(withLabels(await loadTest(), solution, "test images"), images));
}
