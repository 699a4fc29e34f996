/**
 * Learning curves: accuracy against the number of training images, one line per model and scored set, with
 * reference points (another study's figures) drawn as labelled markers where they fit.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { createDocument, createFigure, type Figure, toSvg } from "./figure.ts";

/** One measured point of a curve. */
export interface CurvePoint {
  /** Names the line, e.g. "4-conv CNN, holdout". */
  series: string;
  /** Training images. */
  images: number;
  /** Accuracy in [0, 1]. */
  accuracy: number;
}

/** A reference point drawn as a marker with its label. */
export interface CurveMark {
  label: string;
  images: number;
  accuracy: number;
}

/** Options of {@linkcode learningCurvePlot}. */
export interface LearningCurveOptions {
  title?: string;
  /** File name when saved (default "learning-curves"). */
  name?: string;
  width?: number;
  height?: number;
}

/** Accuracy against training images (log scale), a named line with dots per series, reference points as labelled crosses. */
export function learningCurvePlot(
  points: readonly CurvePoint[],
  marks: readonly CurveMark[] = [],
  options: LearningCurveOptions = {},
): Figure {
  const node = Plot.plot({
    document: createDocument(),
    title: options.title ?? "Accuracy against training images",
    width: options.width ?? 680,
    height: options.height ?? 380,
    marginTop: 30,
    marginRight: 150,
    x: { type: "log", label: "training images" },
    y: { label: "accuracy (%)", grid: true },
    marks: [
      Plot.lineY(points, { x: "images", y: (d: CurvePoint) => d.accuracy * 100, stroke: "series" }),
      Plot.dot(points, { x: "images", y: (d: CurvePoint) => d.accuracy * 100, fill: "series", r: 3 }),
      // Each line named at its last point, the names pushed apart where lines end close together (an SVG of its
      // own: a legend would be HTML beside the chart).
      Plot.text(endLabels(points), { x: "images", y: "y", text: "series", fill: "series", dx: 6, textAnchor: "start" }),
      Plot.dot(marks, { x: "images", y: (d: CurveMark) => d.accuracy * 100, symbol: "times", stroke: "black", r: 5 }),
      Plot.text(marks, {
        x: "images",
        y: (d: CurveMark) => d.accuracy * 100,
        text: "label",
        dx: 8,
        textAnchor: "start",
        fontSize: 10,
      }),
    ],
  }) as unknown as Element;
  return createFigure(options.name ?? "learning-curves", toSvg(node));
}

/** The last point of each series, its height nudged so that no two names sit closer than 1/25 of the y range. */
export function endLabels(points: readonly CurvePoint[]): { series: string; images: number; y: number }[] {
  const last = new Map<string, CurvePoint>();
  for (const p of points) last.set(p.series, p);
  const ys = points.map((p) => p.accuracy * 100);
  const gap = (Math.max(...ys) - Math.min(...ys) || 1) / 25;
  const out = [...last.values()].map((p) => ({ series: p.series, images: p.images, y: p.accuracy * 100 }))
    .sort((a, b) => a.y - b.y);
  for (let i = 1; i < out.length; i++) {
    if (out[i].images === out[i - 1].images && out[i].y - out[i - 1].y < gap) out[i].y = out[i - 1].y + gap;
  }
  return out;
}
