/**
 * Tables for notebooks: rows of records shown as an HTML table in Jupyter
 * (with a Markdown and an aligned plain-text fallback for other front ends
 * and for `console.log`).
 *
 * @module
 */

import { escapeHtml } from "./format.ts";
import { displayable } from "./jupyter.ts";

/** A cell value. */
export type CellValue = string | number | boolean | null | undefined;

/** Options of {@linkcode table}. */
export interface TableOptions {
  /** Column order (default: keys of the first row). */
  columns?: string[];
  /** Decimals for non-integer numbers (default 3). */
  digits?: number;
  /** Optional caption shown above. */
  title?: string;
}

/** A displayable table; `text` is its plain-text rendering. */
export interface Table {
  readonly text: string;
  readonly markdown: string;
  readonly html: string;
  toString(): string;
}

function format(v: CellValue, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return String(v);
}

/**
 * Builds a table from records.
 *
 * @example
 * ```ts
 * table([{ model: "SVM", accuracy: 0.83 }], { title: "Holdout" });
 * ```
 */
export function table(rows: Record<string, CellValue>[], options: TableOptions = {}): Table {
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  const digits = options.digits ?? 3;
  const cells = rows.map((r) => columns.map((c) => format(r[c], digits)));
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === "number" || r[c] == null));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const pad = (s: string, j: number) => (numeric[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const text = [
    ...(options.title ? [options.title] : []),
    columns.map(pad).join("  "),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map((r) => r.map(pad).join("  ")),
  ].join("\n");
  const markdown = [
    ...(options.title ? [`**${options.title}**`, ""] : []),
    `| ${columns.join(" | ")} |`,
    `| ${numeric.map((n) => (n ? "---:" : ":---")).join(" | ")} |`,
    ...cells.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
  const align = (j: number) => (numeric[j] ? "right" : "left");
  const html = `<table>${options.title ? `<caption>${escapeHtml(options.title)}</caption>` : ""}<thead><tr>${
    columns.map((c, j) => `<th style="text-align:${align(j)}">${escapeHtml(c)}</th>`).join("")
  }</tr></thead><tbody>${
    cells.map((r) => `<tr>${r.map((v, j) => `<td style="text-align:${align(j)}">${escapeHtml(v)}</td>`).join("")}</tr>`)
      .join("")
  }</tbody></table>`;
  const shown = displayable({ "text/html": html, "text/markdown": markdown, "text/plain": text });
  return Object.assign(shown, { text, markdown, html, toString: () => text });
}
