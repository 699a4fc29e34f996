/**
 * The bridge to the Deno Jupyter kernel: detecting it and sending display
 * messages, including in-place updates of an output (used by progress bars).
 *
 * Outside the kernel every function here is a no-op returning `false`, so
 * library code can call them from scripts and tests alike.
 *
 * @module
 */

/** A MIME bundle, e.g. `{ "image/svg+xml": "<svg…>", "text/plain": "…" }`. */
export type MimeBundle = Record<string, unknown>;

/** True when running inside `deno jupyter` (a notebook kernel). */
export function inJupyter(): boolean {
  try {
    return typeof (Deno as unknown as { jupyter?: unknown }).jupyter === "object";
  } catch {
    return false; // Deno throws on access outside the kernel
  }
}

interface JupyterApi {
  broadcast(type: string, content: Record<string, unknown>): Promise<void>;
}

function api(): JupyterApi | null {
  return inJupyter() ? (Deno as unknown as { jupyter: JupyterApi }).jupyter : null;
}

/**
 * Sends a `display_data` message. With `displayId`, a later
 * {@linkcode updateDisplay} with the same id replaces it in place.
 * Returns false when not in a kernel.
 */
export async function sendDisplay(bundle: MimeBundle, displayId?: string): Promise<boolean> {
  const j = api();
  if (!j) return false;
  await j.broadcast("display_data", {
    data: bundle,
    metadata: {},
    transient: displayId ? { display_id: displayId } : {},
  });
  return true;
}

/** Replaces the output shown under `displayId`. Returns false when not in a kernel. */
export async function updateDisplay(bundle: MimeBundle, displayId: string): Promise<boolean> {
  const j = api();
  if (!j) return false;
  await j.broadcast("update_display_data", {
    data: bundle,
    metadata: {},
    transient: { display_id: displayId },
  });
  return true;
}

/**
 * Wraps a MIME bundle in an object the kernel renders when it is the last
 * expression of a cell (and that prints as plain text elsewhere).
 */
export function displayable(bundle: MimeBundle): { [key: symbol]: () => MimeBundle; toString(): string } {
  return {
    [Symbol.for("Jupyter.display")]: () => bundle,
    toString: () => String(bundle["text/plain"] ?? ""),
  };
}

/**
 * Markdown text that a notebook renders as formatted prose (and a terminal
 * prints as it is). For findings whose numbers come from the run: the cell
 * computes the sentence, so the prose can never disagree with the figures.
 *
 * @example
 * ```ts
 * import { formatPercent } from "./format.ts";
 * import { show } from "./show.ts";
 *
 * const holdout = 0.9581;
 * await show(markdown(`The network reaches **${formatPercent(holdout)}** on the holdout.`));
 * ```
 */
export function markdown(text: string): { [key: symbol]: () => MimeBundle; toString(): string } {
  return displayable({ "text/markdown": text, "text/plain": text });
}
