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
      // Each line named at its last point (an SVG of its own: a legend would be HTML beside it).
      Plot.text(
        points,
        Plot.selectLast({
          x: "images",
          y: (d: CurvePoint) => d.accuracy * 100,
          z: "series",
          text: "series",
          fill: "series",
          dx: 6,
          textAnchor: "start",
          fontSize: 10,
        }),
      ),
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
