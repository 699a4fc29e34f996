/**
 * Confusion matrix: counts of (true class, predicted class) pairs.
 *
 * @module
 */

/** A confusion matrix; `counts[t][p]` = samples of class `labels[t]` predicted as `labels[p]`. */
export interface ConfusionMatrix {
  labels: number[];
  counts: number[][];
}

/**
 * Counts predictions per true class (rows) and predicted class (columns), as
 * scikit-learn's `confusion_matrix`.
 *
 * @param labels classes, in row order (default: 0 .. the largest label seen)
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 0, 1]).counts; // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labels?: number[],
): ConfusionMatrix {
  if (truth.length !== predicted.length) {
    throw new RangeError(`length mismatch: ${truth.length} labels vs ${predicted.length} predictions`);
  }
  let max = -1;
  for (let i = 0; i < truth.length; i++) max = Math.max(max, truth[i], predicted[i]);
  const classes = labels ?? Array.from({ length: max + 1 }, (_, i) => i);
  const index = new Map(classes.map((c, i) => [c, i]));
  const counts = classes.map(() => new Array<number>(classes.length).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = index.get(truth[i]), p = index.get(predicted[i]);
    if (t !== undefined && p !== undefined) counts[t][p]++;
  }
  return { labels: classes, counts };
}

/** Renders a confusion matrix as aligned text (rows: truth, columns: prediction). */
export function formatConfusion(cm: ConfusionMatrix): string {
  const width = Math.max(3, ...cm.counts.flat().map((v) => String(v).length)) + 1;
  const head = " ".repeat(6) + cm.labels.map((l) => String(l).padStart(width)).join("");
  const rows = cm.counts.map((row, t) =>
    `${String(cm.labels[t]).padStart(5)} ` + row.map((v) => String(v).padStart(width)).join("")
  );
  return ["true \\ predicted", head, ...rows].join("\n");
}
