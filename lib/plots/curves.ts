/**
 * Learning curves of several runs in one chart: holdout accuracy after each
 * epoch against the epoch or against the wall time spent so far, so that two
 * training methods can be compared on the same budget (e.g. the report's
 * Adadelta beside our recipe, where an epoch does not cost the same).
 *
 * @example
 * ```ts
 * import type { History } from "../train/fit.ts";
 * declare const ours: History, report: History;
 * accuracyCurves([{ label: "ours", history: ours }, { label: "report's", history: report }], {
 *   x: "seconds",
 *   target: { value: 0.87, label: "report: 87 %" },
 * });
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { History } from "../train/fit.ts";
import { createDocument, createFigure, type Figure, toSvg } from "./figure.ts";

/** One run of {@linkcode accuracyCurves}. */
export interface CurveSeries {
  /** Name in the key. */
  label: string;
  /** Its per-epoch history (`valAccuracy` and `seconds` are read). */
  history: History;
}

/** Options of {@linkcode accuracyCurves}. */
export interface AccuracyCurvesOptions {
  /** Horizontal axis: cumulative wall-clock seconds (default) or the epoch. */
  x?: "seconds" | "epoch";
  /** A level to draw as a dashed line, e.g. the report's figure. */
  target?: { value: number; label: string };
  title?: string;
  /** File name when saved (default "accuracy-curves"). */
  name?: string;
  width?: number;
  height?: number;
}

/** The points of one series: holdout accuracy after each epoch, at that epoch or at the seconds spent so far. */
export function curvePoints(history: History, x: "seconds" | "epoch" = "seconds"): { x: number; y: number }[] {
  let elapsed = 0;
  return history.epoch.flatMap((epoch, i) => {
    elapsed += history.seconds[i];
    const y = history.valAccuracy[i];
    return Number.isFinite(y) ? [{ x: x === "seconds" ? elapsed : epoch, y }] : [];
  });
}

const PALETTE = ["#4269d0", "#ff725c", "#3ca951", "#efb118", "#a463f2"];

/** Holdout accuracy of every series against seconds (or epochs), with a key and an optional target line. */
export function accuracyCurves(series: CurveSeries[], options: AccuracyCurvesOptions = {}): Figure {
  const axis = options.x ?? "seconds";
  const rows = series.flatMap((s) => curvePoints(s.history, axis).map((p) => ({ ...p, run: s.label })));
  const labels = series.map((s) => s.label);
  const colours = labels.map((_, i) => PALETTE[i % PALETTE.length]);
  const key = labels.flatMap((label, i) => [
    Plot.dot([label], {
      frameAnchor: "right",
      dx: -230,
      dy: 16 * i,
      r: 4,
      fill: colours[i],
    }),
    Plot.text([label], {
      frameAnchor: "right",
      dx: -222,
      dy: 16 * i,
      text: (d: string) => d,
      textAnchor: "start",
    }),
  ]);
  const target = options.target;
  const node = Plot.plot({
    document: createDocument(),
    title: options.title,
    width: options.width ?? 720,
    height: options.height ?? 360,
    marginLeft: 50,
    marginRight: 30,
    x: { label: axis === "seconds" ? "wall-clock seconds of training" : "epoch", grid: true, zero: true },
    y: { label: "holdout accuracy", grid: true, domain: [0, 1] },
    color: { domain: labels, range: colours },
    marks: [
      ...(target
        ? [
          Plot.ruleY([target.value], { stroke: "#888", strokeDasharray: "4 3" }),
          Plot.text([target.label], {
            frameAnchor: "top-left",
            dx: 4,
            y: target.value,
            dy: -8,
            text: (d: string) => d,
          }),
        ]
        : []),
      Plot.line(rows, { x: "x", y: "y", stroke: "run", z: "run" }),
      Plot.dot(rows, { x: "x", y: "y", fill: "run", r: 2.5 }),
      ...key,
    ],
  }) as unknown as Element;
  return createFigure(options.name ?? "accuracy-curves", toSvg(node));
}
