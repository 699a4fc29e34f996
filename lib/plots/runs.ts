/**
 * Learning curves of several training runs in one figure, against training time: loss (left) and accuracy (right),
 * one colour per run, training solid and validation dashed. This is how the report's own method and the study's
 * recipe are compared on the same budget (notebooks 06 and 07).
 *
 * @example
 * ```ts
 * import type { History } from "../train/callbacks.ts";
 * declare const ours: History, report: History;
 * runsPlot({ "our recipe": ours, "the report's Adadelta": report }, { title: "Same budget", name: "budget" });
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { History } from "../train/callbacks.ts";
import { createDocument, createFigure, type Figure, legendMarkup, sideBySide, svgElement, toSvg } from "./figure.ts";

/** Options of {@linkcode runsPlot}. */
export interface RunsPlotOptions {
  /** Title above both charts (default none). */
  title?: string;
  /** File name when saved (default "runs"). */
  name?: string;
  /** Horizontal axis: cumulative training time in minutes (default) or epochs. */
  x?: "minutes" | "epoch";
  /** Width of each of the two charts (default 420). */
  width?: number;
  /** Height of each chart (default 280). */
  height?: number;
  /** An accuracy to mark with a dashed rule on the accuracy chart, e.g. the report's figure. */
  target?: { value: number; label: string };
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b"];

interface Point {
  x: number;
  value: number;
  run: string;
}

/** The points of one curve of every run: training or validation, loss or accuracy. */
function curves(runs: [string, History][], key: "loss" | "accuracy", validation: boolean, x: "minutes" | "epoch") {
  return runs.flatMap(([run, h]) => {
    let minutes = 0;
    return h.epoch.map((epoch, i) => {
      minutes += h.seconds[i] / 60;
      const value = validation ? (key === "loss" ? h.valLoss[i] : h.valAccuracy[i]) : h[key][i];
      return { x: x === "minutes" ? minutes : epoch, value, run };
    }).filter((p) => Number.isFinite(p.value));
  });
}

/**
 * Loss and accuracy of every run in `runs` (label to history) against training time (or epochs): a run's
 * training curve solid, its validation curve (when it has one) dashed, one colour per run. Throws on more runs
 * than it has colours (five) or on none.
 */
export function runsPlot(runs: Record<string, History>, options: RunsPlotOptions = {}): Figure {
  const entries = Object.entries(runs);
  if (entries.length === 0 || entries.length > COLOURS.length) {
    throw new RangeError(`runsPlot: 1 to ${COLOURS.length} runs, got ${entries.length}`);
  }
  const width = options.width ?? 420, height = options.height ?? 280, x = options.x ?? "minutes";
  const colour = { domain: entries.map(([run]) => run), range: COLOURS.slice(0, entries.length), legend: false };
  const panel = (key: "loss" | "accuracy") => {
    const marks = [false, true].flatMap((validation) => {
      const rows: Point[] = curves(entries, key, validation, x);
      const dash = validation ? "5,3" : "none";
      return [
        Plot.line(rows, { x: "x", y: "value", stroke: "run", z: "run", strokeDasharray: dash }),
        Plot.dot(rows.length <= 80 ? rows : [], { x: "x", y: "value", fill: "run", r: 2 }),
      ];
    });
    if (key === "accuracy" && options.target) {
      const t = options.target;
      marks.push(
        Plot.ruleY([t.value], { stroke: "#555", strokeDasharray: "2,3" }),
        Plot.text([t.value], { y: (v: number) => v, frameAnchor: "left", dx: 4, dy: -7, text: () => t.label }),
      );
    }
    return toSvg(Plot.plot({
      document: createDocument(),
      width,
      height,
      marginLeft: 50,
      x: { label: x === "minutes" ? "training time (min)" : "epoch", grid: true },
      y: { label: key, grid: true, ...(key === "accuracy" ? { domain: [0, 1] } : {}) },
      color: colour,
      marks,
    }) as unknown as Element);
  };
  const legend = legendMarkup(
    entries.map(([label], i) => ({ label, colour: COLOURS[i] })),
    { x: 2 * width - 300, y: 30, dx: 0, dy: 16 },
  ) + svgElement("text", { x: 4, y: 36, "font-size": 12, fill: "#555" }, "solid: training; dashed: validation");
  const svg = sideBySide(panel("loss"), panel("accuracy"), {
    width,
    height,
    top: 28 + 16 * entries.length,
    title: options.title,
    legend,
  });
  return createFigure(options.name ?? "runs", svg);
}
