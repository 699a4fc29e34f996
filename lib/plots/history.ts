/**
 * Training curves: loss and accuracy per epoch, training and validation, side
 * by side (the two charts the report draws after every training run).
 *
 * @example
 * ```ts
 * import type * as tf from "@tensorflow/tfjs";
 * import type { Dataset } from "../data/dataset.ts";
 * import { fit } from "../train/fit.ts";
 * declare const model: tf.LayersModel, train: Dataset, holdout: Dataset;
 * const history = await fit(model, train, { validation: holdout });
 * historyPlot(history, { title: "4-conv CNN" }); // last value of a cell: shown inline
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { History } from "../train/callbacks.ts";
import { createDocument, createFigure, type Figure, legendMarkup, sideBySide, toSvg } from "./figure.ts";

/** Options of {@linkcode historyPlot}. */
export interface HistoryPlotOptions {
  /** Title above both charts (default none). */
  title?: string;
  /** File name when saved (default "history"). */
  name?: string;
  /** Width of each of the two charts (default 420). */
  width?: number;
  /** Height of each chart (default 280). */
  height?: number;
}

const SETS = { train: "#1f77b4", validation: "#ff7f0e" };

function panel(
  rows: { epoch: number; value: number; set: string }[],
  label: string,
  width: number,
  height: number,
): string {
  const node = Plot.plot({
    document: createDocument(),
    width,
    height,
    marginLeft: 50,
    // Epochs are whole numbers: no "1.000000" ticks when there is only one.
    x: { label: "epoch", grid: true, tickFormat: (d: number) => Number.isInteger(d) ? String(d) : "" },
    y: { label, grid: true, ...(label === "accuracy" ? { domain: [0, 1] } : {}) },
    color: { domain: Object.keys(SETS), range: Object.values(SETS), legend: false },
    marks: [
      Plot.line(rows, { x: "epoch", y: "value", stroke: "set", z: "set" }),
      Plot.dot(rows.length <= 60 ? rows : [], { x: "epoch", y: "value", fill: "set", r: 2 }),
    ],
  }) as unknown as Element;
  return toSvg(node);
}

/** Loss (left) and accuracy (right) per epoch, training in blue and validation in orange. */
export function historyPlot(history: History, options: HistoryPlotOptions = {}): Figure {
  const width = options.width ?? 420, height = options.height ?? 280;
  const rows = (key: "loss" | "accuracy") => {
    const val = key === "loss" ? history.valLoss : history.valAccuracy;
    return history.epoch.flatMap((epoch, i) => [
      { epoch, value: history[key][i], set: "train" },
      ...(Number.isFinite(val[i]) ? [{ epoch, value: val[i], set: "validation" }] : []),
    ]);
  };
  const legend = legendMarkup(
    Object.entries(SETS).map(([label, colour]) => ({ label, colour })),
    { x: 2 * width - 190, y: 10, dx: 80, dy: 0 },
  );
  const svg = sideBySide(
    panel(rows("loss"), "loss", width, height),
    panel(rows("accuracy"), "accuracy", width, height),
    {
      width,
      height,
      top: 28,
      title: options.title,
      legend,
    },
  );
  return createFigure(options.name ?? "history", svg);
}
