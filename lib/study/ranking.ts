/**
 * One table for the whole study (notebook 08): every model the notebooks
 * recorded in the results ledger, scored again on the same test images and
 * ranked. Saved networks (`outputs/models/<dir>/`) and SVM pipelines
 * (`outputs/models/<file>.bin`) named by a record's `savedAs` are reloaded
 * and scored; records without a saved model keep what they recorded.
 *
 * @module
 */

import { join } from "node:path";
import type { Dataset } from "../data/dataset.ts";
import { outputsDir } from "../data/paths.ts";
import { accuracy } from "../metrics/accuracy.ts";
import { loadModel as loadSvm } from "../svm/svm_io.ts";
import { loadModel as loadNetwork } from "../train/io.ts";
import { argMaxRows, predictProbaAllCores } from "../train/predict.ts";
import { exists } from "../util/fs.ts";
import type { ResultRecord } from "./results.ts";
import { type Table, table } from "../display/table.ts";

/** A ledger record, its test accuracy measured by {@linkcode scoreSavedModels} when it names a saved model. */
export type RankedRecord = ResultRecord;

/** Predicted labels of a model saved under `outputs/models/<savedAs>` (network or SVM pipeline). */
export async function predictSaved(savedAs: string, test: Dataset): Promise<ArrayLike<number>> {
  const path = join(outputsDir(), "models", savedAs);
  if (!(await exists(path))) throw new Error(`no saved model at ${path}`);
  if (savedAs.endsWith(".bin")) {
    const { svc, pca } = await loadSvm(path);
    return await svc.predict(pca ? await pca.transform(test) : test);
  }
  const model = await loadNetwork(path);
  try {
    return argMaxRows(await predictProbaAllCores(model, test, { label: savedAs }));
  } finally {
    model.dispose();
  }
}

/** One record per (section, model): the last one, in the order given. */
export function latestRecords<T extends ResultRecord>(records: T[]): T[] {
  return [...new Map(records.map((r) => [`${r.section}\u0000${r.model}`, r])).values()];
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
 * row per model (a model recorded by two notebooks under the same section
 * and name keeps its last record).
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
