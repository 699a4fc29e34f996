/**
 * Figures (Observable Plot rendered to SVG): digits, histograms, training curves, confusion heatmaps, comparisons.
 *
 * @module
 */

export * from "./augmented.ts";
export * from "./compare.ts";
export * from "./confusion.ts";
export * from "./curves.ts";
export * from "./digits.ts";
export * from "./figure.ts";
export * from "./histogram.ts";
export * from "./history.ts";
export * from "./png.ts";
export * from "./runs.ts";
export * from "./tables.ts";
