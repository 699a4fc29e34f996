/**
 * Grouped bars comparing two (or more) models class by class on one metric
 * (precision or recall), as in the report's linear-versus-radial chart.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { ClassificationReport } from "../metrics/report.ts";
import { createDocument, createFigure, type Figure, toSvg } from "./figure.ts";

/** Options of {@linkcode compareModels}. */
export interface CompareModelsOptions {
  /** Per-class score compared (default "precision"). */
  metric?: "precision" | "recall" | "f1";
  title?: string;
  /** File name when saved (default "compare-<metric>"). */
  name?: string;
  width?: number;
  height?: number;
}

/**
 * Draws one group of bars per class, one bar per model, each labelled with its
 * value.
 *
 * @param reports model name -> its classification report
 * @example
 * ```ts
 * import type { ClassificationReport } from "../metrics/report.ts";
 * declare const linReport: ClassificationReport, rbfReport: ClassificationReport;
 * compareModels({ "SVM linear": linReport, "SVM radial": rbfReport }, { metric: "recall" });
 * ```
 */
export function compareModels(
  reports: Record<string, ClassificationReport>,
  options: CompareModelsOptions = {},
): Figure {
  const metric = options.metric ?? "precision";
  const models = Object.keys(reports);
  const data = models.flatMap((model) =>
    reports[model].perClass.map((s, c) => ({ model, digit: String(reports[model].labels[c]), value: s[metric] }))
  );
  const palette = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951"];
  const colors = models.map((_, i) => palette[i % palette.length]);
  // Plot draws legends as HTML outside the SVG, so the key is drawn as marks over the whole frame.
  const legend = models.flatMap((model, i) => [
    Plot.dot([model], {
      frameAnchor: "top-right",
      dx: -150,
      dy: -6 - 14 * (models.length - i),
      r: 5,
      symbol: "square",
      fill: colors[i],
      facet: "super",
    }),
    Plot.text([model], {
      frameAnchor: "top-right",
      dx: -140,
      dy: -6 - 14 * (models.length - i),
      text: (d) => d,
      textAnchor: "start",
      facet: "super",
    }),
  ]);
  const node = Plot.plot({
    document: createDocument(),
    title: options.title ?? `${metric[0].toUpperCase()}${metric.slice(1)} per class`,
    width: options.width ?? 720,
    height: options.height ?? 340,
    marginTop: 30 + 14 * models.length,
    fx: { label: "digit", padding: 0.15 },
    x: { axis: null, domain: models },
    y: { label: metric, domain: [0, 1], grid: true },
    color: { domain: models, range: colors },
    marks: [
      Plot.barY(data, { fx: "digit", x: "model", y: "value", fill: "model" }),
      Plot.text(data, {
        fx: "digit",
        x: "model",
        y: "value",
        text: (d) => d.value.toFixed(2),
        dy: -5,
        fontSize: 8,
      }),
      Plot.ruleY([0]),
      ...legend,
    ],
  }) as unknown as Element;
  return createFigure(options.name ?? `compare-${metric}`, toSvg(node));
}
