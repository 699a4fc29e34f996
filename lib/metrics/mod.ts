/**
 * Accuracy, confusion matrices and classification reports, as plain data that can also display itself.
 *
 * @module
 */

export * from "./accuracy.ts";
export * from "./confusion.ts";
export * from "./report.ts";
export * from "./error_sources.ts";
