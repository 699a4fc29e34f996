/**
 * How the study's plain results are shown: a grid search as a table of its
 * cells (best first), a classification report as scikit-learn's text or as a
 * table. The models and metrics return data; this module renders it.
 *
 * @example
 * ```ts
 * import { classificationReport } from "../metrics/report.ts";
 * import { reportTable, reportView } from "./tables.ts";
 *
 * const report = classificationReport([0, 1, 1], [0, 1, 0]);
 * reportView(report); // shows as <pre> in Jupyter, the text in a terminal
 * reportTable(report).text.includes("weighted avg"); // true
 * ```
 *
 * @module
 */

import { escapeHtml } from "../display/format.ts";
import { displayable, type MimeBundle } from "../display/jupyter.ts";
import { type Table, table } from "../display/table.ts";
import type { ClassificationReport } from "../metrics/report.ts";
import type { GridSearchResult } from "../svm/grid_search.ts";

/** The cells of a grid search as a table, best first: rank, C, gamma (rbf), mean accuracy and std over the folds. */
export function gridSearchTable(result: GridSearchResult): Table {
  const ordered = [...result.cells].sort((a, b) => a.rank - b.rank);
  return table(
    ordered.map((c) => ({
      rank: c.rank,
      C: c.C,
      ...(result.kernel === "rbf" ? { gamma: c.gamma } : {}),
      "mean accuracy": c.mean,
      std: c.std,
    })),
    { digits: 4, title: `${result.folds}-fold cross-validation, ${result.seconds.toFixed(1)} s` },
  );
}

/** A classification report as scikit-learn prints it: `<pre>` text in Jupyter, the text elsewhere. */
export function reportView(report: ClassificationReport): { [key: symbol]: () => MimeBundle; toString(): string } {
  return displayable({ "text/plain": report.text, "text/html": `<pre>${escapeHtml(report.text)}</pre>` });
}

/** A classification report as a table: one row per class, then accuracy and the macro and weighted averages. */
export function reportTable(report: ClassificationReport): Table {
  const total = report.macro.support;
  const rows = [
    ...report.perClass.map((s, c) => ({ class: report.names[c], ...s })),
    { class: "accuracy", precision: null, recall: null, f1: report.accuracy, support: total },
    { class: "macro avg", ...report.macro },
    { class: "weighted avg", ...report.weighted },
  ];
  return table(rows, { columns: ["class", "precision", "recall", "f1", "support"], digits: report.digits });
}
