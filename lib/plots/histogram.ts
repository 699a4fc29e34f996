/**
 * The class histogram: how many images of each digit a set holds.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { classCounts, NUM_CLASSES } from "../data/dataset.ts";
import { createDocument, createFigure, type Figure, toSvg } from "./figure.ts";

/** Options of {@linkcode classHistogram}. */
export interface ClassHistogramOptions {
  /** Figure title (default "Images per class"). */
  title?: string;
  /** File name when saved (default "class-histogram"). */
  name?: string;
  /** Bar colour (default steelblue). */
  fill?: string;
  width?: number;
  height?: number;
}

/**
 * Bar chart of the number of images per class 0-9, each bar labelled with its
 * count, plus a dashed rule at the mean (a balanced set has every bar on it).
 */
export function classHistogram(labels: ArrayLike<number>, options: ClassHistogramOptions = {}): Figure {
  const counts = classCounts(labels);
  const data = counts.map((count, digit) => ({ digit: String(digit), count }));
  const mean = labels.length / NUM_CLASSES;
  const node = Plot.plot({
    document: createDocument(),
    title: options.title ?? "Images per class",
    width: options.width ?? 560,
    height: options.height ?? 300,
    marginTop: 30,
    x: { label: "digit", domain: data.map((d) => d.digit) },
    y: { label: "images", grid: true },
    marks: [
      Plot.barY(data, { x: "digit", y: "count", fill: options.fill ?? "steelblue" }),
      Plot.text(data, { x: "digit", y: "count", text: (d) => String(d.count), dy: -6, fontSize: 10 }),
      Plot.ruleY([mean], { stroke: "#444", strokeDasharray: "4,3" }),
      Plot.ruleY([0]),
    ],
  }) as unknown as Element;
  return createFigure(options.name ?? "class-histogram", toSvg(node));
}
