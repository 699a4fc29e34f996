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

/** Accuracy against training images (log scale), a named line with dots per series, reference points as crosses labelled on their left. */
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
      // Each line named in one column at the right edge, at the height of its last point, the names pushed apart
      // where lines end close together (inside the SVG: a legend would be HTML beside the chart).
      Plot.text(endLabels(points), { x: "images", y: "y", text: "series", fill: "series", dx: 8, textAnchor: "start" }),
      Plot.dot(marks, { x: "images", y: (d: CurveMark) => d.accuracy * 100, symbol: "times", stroke: "black", r: 5 }),
      Plot.text(marks, {
        x: "images",
        y: (d: CurveMark) => d.accuracy * 100,
        text: "label",
        // Left of the cross: the right edge holds the lines' names.
        dx: -8,
        textAnchor: "end",
        fontSize: 10,
      }),
    ],
  }) as unknown as Element;
  return createFigure(options.name ?? "learning-curves", toSvg(node));
}

/**
 * One name per series, all set at the right edge of the chart (the largest training-image count of any series) at the
 * height of the series' last point, pushed apart so that no two names sit closer than 1/25 of the y range. Lines that
 * end at different image counts are named in one column, so no name runs over another line's last point.
 *
 * @example
 * ```ts
 * import { endLabels } from "./curves.ts";
 *
 * endLabels([
 *   { series: "holdout", images: 9000, accuracy: 0.95 },
 *   { series: "test", images: 12000, accuracy: 0.96 },
 * ]); // both at images 12000, y 95 and 96 (the gap 1/25 of 1 point is kept)
 * ```
 */
export function endLabels(points: readonly CurvePoint[]): { series: string; images: number; y: number }[] {
  const last = new Map<string, CurvePoint>();
  for (const p of points) last.set(p.series, p);
  const ys = points.map((p) => p.accuracy * 100);
  const gap = (Math.max(...ys) - Math.min(...ys) || 1) / 25;
  const edge = Math.max(...points.map((p) => p.images));
  const out = [...last.values()].map((p) => ({ series: p.series, images: edge, y: p.accuracy * 100 }))
    .sort((a, b) => a.y - b.y);
  for (let i = 1; i < out.length; i++) {
    if (out[i].y - out[i - 1].y < gap) out[i].y = out[i - 1].y + gap;
  }
  return out;
}
