/**
 * Small text formatters shared by every layer that shows something: one
 * percentage format, one gap format (percentage points) and one HTML escaper.
 *
 * @example
 * ```ts
 * import { escapeHtml, formatPercent } from "./format.ts";
 *
 * formatPercent(0.95467); // "95.47 %"
 * escapeHtml("a < b & c"); // "a &lt; b &amp; c"
 * ```
 *
 * @module
 */

/** A fraction in [0, 1] as a percentage with `digits` decimals and a spaced sign: `0.9547` -> `"95.47 %"`. */
export function formatPercent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** Options of {@linkcode formatGap}. */
export interface GapOptions {
  /** Decimals of the points (default 1). */
  digits?: number;
  /** Writes "+" before a gain, as well as "-" before a loss (default false: only "-"). */
  signed?: boolean;
}

/**
 * A difference of two accuracies (fractions) in percentage points: `formatGap(0.9612 - 0.95)` is "1.1 points",
 * `formatGap(-0.0123, { digits: 2, signed: true })` "-1.23 points". The gap only: whether it is more than noise is a
 * paired test's verdict, not this formatter's.
 */
export function formatGap(difference: number, options: GapOptions = {}): string {
  const { digits = 1, signed = false } = options;
  if (!Number.isFinite(difference)) throw new RangeError(`a gap must be a finite number, got ${difference}`);
  const sign = signed ? (difference < 0 ? "-" : "+") : "";
  return `${sign}${(signed ? Math.abs(difference * 100) : difference * 100).toFixed(digits)} points`;
}

/** Text made safe inside HTML or SVG elements: escapes `&`, `<` and `>`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
