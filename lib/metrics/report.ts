/**
 * Classification report: precision, recall, f1 and support per class, with
 * accuracy and macro / weighted averages, rendered as scikit-learn's
 * `classification_report` prints it, as plain data (`reportView` and
 * `reportTable` in `lib/plots/tables.ts` show it).
 *
 * @module
 */

import { confusionMatrix } from "./confusion.ts";

/** Scores of one class (or one average). */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-class and averaged scores. */
export interface ClassificationReport {
  labels: number[];
  perClass: ClassScores[];
  accuracy: number;
  macro: ClassScores;
  weighted: ClassScores;
  /** Display names of the classes (default: the labels). */
  names: string[];
  /** Decimals of the text layout. */
  digits: number;
  /** scikit-learn's text layout. */
  text: string;
}

/** Options of {@linkcode classificationReport}. */
export interface ReportOptions {
  /** Classes (default: 0 .. the largest label). */
  labels?: number[];
  /** Display names per class (default: the labels). */
  names?: string[];
  /** Decimals in the text (default 2, as scikit-learn). */
  digits?: number;
}

/**
 * Computes the report; a class never predicted gets precision 0 (scikit-learn's
 * `zero_division` default, without the warning).
 *
 * @example
 * ```ts
 * declare const truth: Uint8Array, predicted: Int32Array;
 * console.log(classificationReport(truth, predicted).text);
 * ```
 */
export function classificationReport(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: ReportOptions = {},
): ClassificationReport {
  const cm = confusionMatrix(truth, predicted, options.labels);
  const k = cm.labels.length;
  const perClass: ClassScores[] = cm.labels.map((_, c) => {
    const tp = cm.counts[c][c];
    const support = cm.counts[c].reduce((a, b) => a + b, 0);
    let predictedCount = 0;
    for (let t = 0; t < k; t++) predictedCount += cm.counts[t][c];
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const total = perClass.reduce((a, s) => a + s.support, 0);
  const avg = (weight: (s: ClassScores) => number, norm: number): ClassScores => ({
    precision: perClass.reduce((a, s) => a + weight(s) * s.precision, 0) / norm,
    recall: perClass.reduce((a, s) => a + weight(s) * s.recall, 0) / norm,
    f1: perClass.reduce((a, s) => a + weight(s) * s.f1, 0) / norm,
    support: total,
  });
  const macro = avg(() => 1, k);
  const weighted = avg((s) => s.support, total || 1);
  let hits = 0;
  for (let c = 0; c < k; c++) hits += cm.counts[c][c];
  const accuracy = total ? hits / total : 0;
  const names = options.names ?? cm.labels.map(String);
  const text = renderReport(names, perClass, accuracy, macro, weighted, options.digits ?? 2);
  return { labels: cm.labels, names, perClass, accuracy, macro, weighted, digits: options.digits ?? 2, text };
}

function renderReport(
  names: string[],
  perClass: ClassScores[],
  accuracy: number,
  macro: ClassScores,
  weighted: ClassScores,
  digits: number,
): string {
  const width = Math.max("weighted avg".length, ...names.map((n) => n.length));
  const num = (v: number) => v.toFixed(digits).padStart(9);
  const int = (v: number) => String(v).padStart(9);
  const row = (name: string, s: ClassScores) =>
    `${name.padStart(width)}  ${num(s.precision)} ${num(s.recall)} ${num(s.f1)} ${int(s.support)}`;
  const head = `${"".padStart(width)}  ${
    ["precision", "recall", "f1-score", "support"].map((h) => h.padStart(9)).join(" ")
  }`;
  return [
    head,
    "",
    ...perClass.map((s, c) => row(names[c], s)),
    "",
    `${"accuracy".padStart(width)}  ${"".padStart(9)} ${"".padStart(9)} ${num(accuracy)} ${int(macro.support)}`,
    row("macro avg", macro),
    row("weighted avg", weighted),
  ].join("\n") + "\n";
}
