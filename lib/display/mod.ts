/**
 * How things are shown in a notebook or a terminal: Jupyter display bundles, tables, in-place progress bars, `show`, text formatters. Imports util only.
 *
 * @module
 */

export { escapeHtml, formatGap, formatPercent, type GapOptions } from "./format.ts";
export { displayable, markdown, type MimeBundle } from "./jupyter.ts";
export { createProgress, formatDuration, type Progress, type ProgressOptions } from "./progress.ts";
export { show } from "./show.ts";
export { type CellValue, type Table, table, type TableOptions } from "./table.ts";
