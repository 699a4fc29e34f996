/**
 * One table for the whole study (notebook 08): every model the notebooks
 * recorded in the results ledger, scored again on the same test images and
 * ranked. The model a record's `savedAs` names under `outputs/models/` (a
 * network or an SVM pipeline) is opened as a `Classifier` and scored; records
 * without a saved model keep what they recorded.
 *
 * @module
 */

import { join } from "node:path";
import type { Dataset } from "../data/dataset.ts";
import { outputsDir } from "../data/paths.ts";
import { accuracy } from "../metrics/accuracy.ts";
import type { Classifier } from "../data/classifier.ts";
import { openSavedPipeline } from "../svm/pipeline.ts";
import { openSavedNetwork } from "../train/classifier.ts";
import { helperWorkers } from "../train/parallel.ts";
import { exists } from "../util/fs.ts";
import { isExtraSeed, recordId } from "./registry.ts";
import type { ResultRecord } from "./results.ts";
import { type Table, table } from "../display/table.ts";

/** A ledger record, its test accuracy measured by {@linkcode scoreSavedModels} when it names a saved model. */
export type RankedRecord = ResultRecord;

/** Opens the model saved under `outputs/models/<savedAs>` as a classifier, whichever kind it is. */
export async function openSaved(savedAs: string): Promise<Classifier> {
  const path = join(outputsDir(), "models", savedAs);
  if (!(await exists(path))) throw new Error(`no saved model at ${path}`);
  const classifier = await openSavedNetwork(path, { workers: helperWorkers(), label: savedAs }) ??
    await openSavedPipeline(path);
  if (!classifier) throw new Error(`${path} holds neither a saved network nor an SVM pipeline`);
  return classifier;
}

/** Predicted labels of a model saved under `outputs/models/<savedAs>` (network or SVM pipeline). */
export async function predictSaved(savedAs: string, test: Dataset): Promise<ArrayLike<number>> {
  const classifier = await openSaved(savedAs);
  try {
    return await classifier.predict(test);
  } finally {
    classifier.dispose();
  }
}

/**
 * One record per model: the last one, in the order given, of its entry's own seed (the rows of its other seeds are
 * left out: `isExtraSeed`). A model is its registry id (`recordId`); a row the registry does not know is its section
 * and label.
 */
export function latestRecords<T extends ResultRecord>(records: readonly T[]): T[] {
  const own = records.filter((r) => !isExtraSeed(r));
  return [...new Map(own.map((r) => [recordId(r) ?? `${r.section}\u0000${r.model}`, r])).values()];
}

/**
 * The ledger of one run: every row of `profile` (a row without a profile is the run's own), each seed's run its own
 * row, a row recorded twice alike (an SVM notebook 08 records again under notebook 03's id) kept once, in order.
 *
 * @example
 * ```ts
 * import { runLedger } from "./ranking.ts";
 *
 * const row = { id: "m", section: "6", model: "m", holdoutAccuracy: 0.9, seed: 3 };
 * runLedger([row, { ...row }, { ...row, seed: 4 }], "full").length; // 2
 * ```
 */
export function runLedger<T extends ResultRecord>(records: readonly T[], profile: string): T[] {
  const rows = records.filter((r) => (r.profile ?? profile) === profile);
  return [...new Map(rows.map((r) => [JSON.stringify(r), r])).values()];
}

/**
 * Scores every record with a saved model on `test` (labels required); the
 * others keep their recorded test accuracy, if any. Models whose files are
 * gone are reported in `note` instead of failing the table.
 */
export async function scoreSavedModels(records: ResultRecord[], test: Dataset): Promise<RankedRecord[]> {
  if (!test.labels) throw new Error(`${test.name} has no labels: the test images cannot be scored`);
  const out: RankedRecord[] = [];
  for (const r of latestRecords(records)) {
    if (!r.savedAs) {
      out.push({ ...r });
      continue;
    }
    try {
      out.push({
        ...r,
        testAccuracy: accuracy(test.labels, await predictSaved(r.savedAs, test)),
        testImages: test.count,
      });
    } catch (e) {
      out.push({ ...r, note: [r.note, (e as Error).message].filter(Boolean).join("; ") });
    }
  }
  return out;
}

/**
 * The ranking: best holdout accuracy first (records without one last), one
 * row per model (a model recorded by two notebooks keeps its last record).
 */
export function rankingTable(records: RankedRecord[], title = "Every model of the study"): Table {
  const sorted = latestRecords(records).sort((a, b) => (b.holdoutAccuracy ?? -1) - (a.holdoutAccuracy ?? -1));
  return table(
    sorted.map((r) => ({
      section: r.section,
      model: r.model,
      holdout: r.holdoutAccuracy ?? null,
      test: r.testAccuracy ?? null,
      "test images": r.testImages ?? null,
      "train (s)": r.trainSeconds === undefined ? null : Math.round(r.trainSeconds),
      parameters: r.parameters ?? null,
      report: r.reportAccuracy ?? null,
    })),
    { title, digits: 4 },
  );
}

/** The lowest and highest holdout accuracy of the models `ids` among `records` (undefined when none has one). */
export function holdoutSpan(
  records: readonly ResultRecord[],
  ids: readonly string[],
): { min: number; max: number } | undefined {
  const xs = latestRecords(records).filter((r) => ids.includes(recordId(r) ?? "")).map((r) => r.holdoutAccuracy)
    .filter((x): x is number => x !== undefined);
  return xs.length ? { min: Math.min(...xs), max: Math.max(...xs) } : undefined;
}

/**
 * The model whose holdout and test accuracies lie furthest apart (the first of equals; `model` "none" and `gap` 0
 * when no record has both), and how many records have both.
 */
export function widestHoldoutTestGap(records: readonly ResultRecord[]): { model: string; gap: number; scored: number } {
  const gaps = latestRecords(records).filter((r) => r.holdoutAccuracy !== undefined && r.testAccuracy !== undefined)
    .map((r) => ({ model: r.model, gap: Math.abs(r.holdoutAccuracy! - r.testAccuracy!) }));
  const widest = gaps.reduce((a, b) => (b.gap > a.gap ? b : a), { model: "none", gap: 0 });
  return { ...widest, scored: gaps.length };
}
