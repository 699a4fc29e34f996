/**
 * `show`: how a notebook cell puts its result on screen, reliably.
 *
 * Deno's Jupyter kernel (measured on 2.9.6; 2.8.1 did not do this) evaluates code on
 * one thread and talks to Jupyter on another. A value the cell leaves as its
 * last expression, or an output sent just before the cell ends, can reach
 * Jupyter after the kernel has already reported the cell finished ("idle").
 * When cells are queued, as with Run All, the front end has stopped listening
 * for that cell by then: the output is dropped, or lands under the next cell.
 * Measured with 40 queued cells, 8 runs: 25 of 320 last-expression results
 * arrived late and 13 went missing or to the wrong cell; with `await show(…)`,
 * none of 320. It sends each value as a display message, then yields to the
 * event loop briefly so the kernel forwards it while the cell is still running.
 *
 * @example Last line of a cell
 * ```ts
 * declare const figure: { [key: symbol]: () => Record<string, unknown> }; // e.g. a histogram
 * await show(figure);
 * ```
 *
 * @module
 */

import { inJupyter, type MimeBundle, sendDisplay } from "./jupyter.ts";

const DISPLAY = Symbol.for("Jupyter.display");

/** How long {@linkcode show} yields after sending, in milliseconds (one timer turn was enough; this leaves margin). */
export const SHOW_SETTLE_MS = 20;

/**
 * The MIME bundle a value displays as: its `Symbol.for("Jupyter.display")`
 * method when it has one (figures, tables), the text itself for a string, and
 * Deno's inspection of anything else.
 */
export function bundleOf(value: unknown): MimeBundle {
  const method = (value as { [DISPLAY]?: unknown } | null | undefined)?.[DISPLAY];
  if (typeof method === "function") {
    const bundle = method.call(value) as MimeBundle;
    return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": plainName(value) };
  }
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": Deno.inspect(value, { colors: false, depth: 4 }) };
}

function plainName(value: unknown): string {
  const name = (value as { name?: unknown }).name;
  return typeof name === "string" ? `[figure ${name}]` : "[display]";
}

/** A value that can save itself under its name (a figure) and has not been saved yet. */
function unsavedFigure(value: unknown): value is { name: string; save(): Promise<unknown> } {
  const v = value as { name?: unknown; save?: unknown; path?: unknown } | null | undefined;
  return typeof v?.name === "string" && typeof v.save === "function" && v.path === undefined;
}

/**
 * Shows each value as an output of the running cell, in order, and returns once
 * the kernel has had time to forward them. Use it, awaited, as a cell's last
 * statement instead of leaving the value as the last expression. Outside a
 * notebook it prints each value's text form to stdout. A figure (a value with a
 * `name` and a `save` method) is saved first, under its name, unless it was
 * saved already, so that every figure shown appears in `outputs/REPORT.md`.
 */
export async function show(...values: unknown[]): Promise<void> {
  const kernel = inJupyter();
  for (const value of values) {
    if (unsavedFigure(value)) await value.save();
    const bundle = bundleOf(value);
    if (kernel) await sendDisplay(bundle);
    else console.log(String(bundle["text/plain"]));
  }
  if (kernel) await new Promise((resolve) => setTimeout(resolve, SHOW_SETTLE_MS));
}
