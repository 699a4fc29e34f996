/**
 * The study's headline, like for like: the report's leaderboard figure, the
 * report's own final pipeline on our data (notebook 07), and our best model
 * trained two ways (notebook 08): from the competition files alone, as anyone
 * with the real Kaggle files can, and with the clean originals that only our
 * data recipe can recover. Plain data; the display layer renders it.
 *
 * @example
 * ```ts
 * import { FINAL_MODEL_ID, headline } from "./headline.ts";
 *
 * const rows = headline([
 *   { id: FINAL_MODEL_ID, section: "7", model: "4-conv CNN, all 12,000 images (final)", testAccuracy: 0.955 },
 * ]);
 * console.log(rows.map((r) => `${r.row}: ${r.testAccuracy ?? "not run"}`).join("\n"));
 * ```
 *
 * @module
 */

import { recordOf } from "./registry.ts";
import type { ResultRecord } from "./results.ts";

/** The report's final score (its conclusions, section 8): about 0.95 on the competition's leaderboard. */
export const REPORT_FINAL_ACCURACY = 0.95;

/** The registry id of notebook 07's final model (the report's model and data volume, our recipe). */
export const FINAL_MODEL_ID = "final-cnn";

/** The registry ids of notebook 08's two best-model runs (section 8.6). */
export const BEST_MODEL_IDS = {
  competition: "best-cnn-competition-files",
  originals: "best-cnn",
} as const;

/** One row of the headline. */
export interface HeadlineRow {
  row: string;
  /** Test accuracy, when the run recorded one. */
  testAccuracy?: number;
  /** Test images it is over. */
  testImages?: number;
  /** Who can expect this figure. */
  who: string;
  /** The row a user with the real competition files should expect (a renderer may stress it). */
  expected?: boolean;
  /** Where the figure comes from. */
  source: string;
}

/**
 * The four headline rows from a run's ledger (the latest record of each id; rows of the published ledger, written
 * before ids, by the id of their label); a row whose run is missing keeps its label, without a figure.
 */
export function headline(records: readonly ResultRecord[]): HeadlineRow[] {
  const final = recordOf(records, FINAL_MODEL_ID);
  const competition = recordOf(records, BEST_MODEL_IDS.competition);
  const originals = recordOf(records, BEST_MODEL_IDS.originals);
  return [
    {
      row: "The report's final model (its own figure)",
      testAccuracy: REPORT_FINAL_ACCURACY,
      who: "as reported: Kaggle scored its predictions of test.csv at about 0.95",
      source: "the report, section 8 (conclusions)",
    },
    {
      row: "The report's final model and data volume, our training recipe",
      testAccuracy: final?.testAccuracy,
      testImages: final?.testImages,
      who: "anyone with the competition files, if they are as hard as our rebuild (notebook 09)",
      source: "notebook 07",
    },
    {
      row: "Our best model, from the competition files alone",
      testAccuracy: competition?.testAccuracy,
      testImages: competition?.testImages,
      who: "anyone with the competition files: this is the figure to expect, if they are as hard as our rebuild " +
        "(notebook 09)",
      expected: true,
      source: "notebook 08, section 8.6",
    },
    {
      row: "Our best model, with the clean originals",
      testAccuracy: originals?.testAccuracy,
      testImages: originals?.testImages,
      who: "only with this project's rebuilt data (the originals are not in the competition files)",
      source: "notebook 08, section 8.6",
    },
  ];
}
