/**
 * Accuracy, confusion matrices and classification reports, as plain data that can also display itself; and how far
 * a figure can be trusted: Wilson intervals, the exact McNemar test, seed summaries and t-tests, and the one
 * {@link verdict} (better / worse / within noise) every comparison of two models is stated with.
 *
 * @module
 */

export * from "./accuracy.ts";
export * from "./confusion.ts";
export * from "./report.ts";
export * from "./distributions.ts";
export * from "./uncertainty.ts";
export * from "./verdict.ts";
