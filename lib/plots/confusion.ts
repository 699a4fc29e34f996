/**
 * Confusion-matrix heatmap: true class down, predicted class across, each
 * cell shaded by its count and labelled with it.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { ColorScheme } from "@observablehq/plot";
import type { ConfusionMatrix } from "../metrics/confusion.ts";
import { createDocument, createFigure, type Figure, toSvg } from "./figure.ts";

/** Options of {@linkcode confusionHeatmap}. */
export interface ConfusionHeatmapOptions {
  /** Figure title (default "Confusion matrix"). */
  title?: string;
  /** File name when saved (default "confusion"). */
  name?: string;
  /** Colour scheme of the counts (default "blues"). */
  scheme?: ColorScheme;
  /** Side in pixels (default 420). */
  size?: number;
}

/**
 * Draws a confusion matrix as a heatmap.
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "../metrics/confusion.ts";
 * declare const truth: Uint8Array, predicted: Int32Array;
 * confusionHeatmap(confusionMatrix(truth, predicted), { title: "SVM RBF" });
 * ```
 */
export function confusionHeatmap(cm: ConfusionMatrix, options: ConfusionHeatmapOptions = {}): Figure {
  const data = cm.counts.flatMap((row, t) =>
    row.map((count, p) => ({ truth: String(cm.labels[t]), predicted: String(cm.labels[p]), count }))
  );
  const max = Math.max(1, ...data.map((d) => d.count));
  const domain = cm.labels.map(String);
  const size = options.size ?? 420;
  const node = Plot.plot({
    document: createDocument(),
    title: options.title ?? "Confusion matrix",
    width: size + 40,
    height: size,
    marginLeft: 50,
    marginTop: 40,
    padding: 0.04,
    x: { label: "predicted", domain, axis: "top" },
    y: { label: "true", domain },
    color: { type: "sqrt", scheme: options.scheme ?? "blues", domain: [0, max] },
    marks: [
      Plot.cell(data, { x: "predicted", y: "truth", fill: "count" }),
      Plot.text(data, {
        x: "predicted",
        y: "truth",
        text: (d) => (d.count ? String(d.count) : ""),
        fill: (d) => (d.count > max * 0.45 ? "white" : "#222"),
        fontSize: 10,
      }),
    ],
  }) as unknown as Element;
  return createFigure(options.name ?? "confusion", toSvg(node));
}
