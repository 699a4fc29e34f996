/**
 * Accuracy, confusion matrices and classification reports, as plain data that can also display itself.
 *
 * @module
 */

export { accuracy } from "./accuracy.ts";
export { type ConfusionMatrix, confusionMatrix, formatConfusion } from "./confusion.ts";
export { type ClassificationReport, classificationReport, type ClassScores, type ReportOptions } from "./report.ts";
export { type ErrorSources, splitErrors } from "./error_sources.ts";
