/**
 * Small text formatters shared by every layer that shows something: one
 * percentage format and one HTML escaper.
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

/** Text made safe inside HTML or SVG elements: escapes `&`, `<` and `>`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
