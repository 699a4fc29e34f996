/**
 * How things are shown in a notebook or a terminal: Jupyter display bundles, tables, in-place progress bars, `show`, text formatters. Imports util only.
 *
 * @module
 */

export * from "./format.ts";
export * from "./jupyter.ts";
export * from "./progress.ts";
export * from "./show.ts";
export * from "./table.ts";
