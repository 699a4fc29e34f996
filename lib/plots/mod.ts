/**
 * Figures (Observable Plot rendered to SVG): digits, histograms, training curves, confusion heatmaps, comparisons.
 *
 * @module
 */

export { augmentedDigits, type AugmentedDigitsOptions } from "./augmented.ts";
export { compareModels, type CompareModelsOptions } from "./compare.ts";
export { confusionHeatmap, type ConfusionHeatmapOptions } from "./confusion.ts";
export { type CurveMark, type CurvePoint, endLabels, type LearningCurveOptions, learningCurvePlot } from "./curves.ts";
export { digitGrid, type DigitGridOptions, type DigitRow, digitRows } from "./digits.ts";
export { createFigure, type Figure } from "./figure.ts";
export { classHistogram, type ClassHistogramOptions } from "./histogram.ts";
export { historyPlot, type HistoryPlotOptions } from "./history.ts";
export { runsPlot, type RunsPlotOptions } from "./runs.ts";
export { gridSearchTable, reportView } from "./tables.ts";
