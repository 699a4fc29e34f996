/**
 * Progress bars for long work (data build, training, grid search,
 * prediction). In a notebook the bar is one output line updated in place; in
 * a terminal it redraws one line on stderr; in a log (CI, pipes) it prints a
 * line every tenth of the way.
 *
 * @module
 */

import { inJupyter, sendDisplay, updateDisplay } from "./jupyter.ts";

/** Options for {@linkcode createProgress}. */
export interface ProgressOptions {
  /** Total number of steps. */
  total: number;
  /** Text before the bar, e.g. "training". */
  label?: string;
  /** Unit of a step, shown in the rate, e.g. "img". */
  unit?: string;
  /** Where to draw: auto-detected by default. */
  mode?: "notebook" | "terminal" | "log" | "silent";
  /** Minimum milliseconds between redraws (default 200). */
  intervalMs?: number;
  /** Width of the bar in characters (default 30). */
  width?: number;
}

/** A running progress bar. */
export interface Progress {
  /** Advances by `steps` (default 1), with optional live metrics to show. */
  tick(steps?: number, metrics?: Record<string, number | string>): void;
  /** Sets the position directly. */
  update(done: number, metrics?: Record<string, number | string>): void;
  /** Marks completion and draws the final state. Returns the elapsed seconds. */
  finish(metrics?: Record<string, number | string>): number;
  /** Steps done so far. */
  readonly done: number;
}

/** Formats seconds as `1h02m`, `3m05s` or `12.3s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  if (m < 60) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function formatMetric(v: number | string): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** Renders the one-line text of a bar (exported for tests). */
export function renderBar(
  done: number,
  total: number,
  elapsedS: number,
  options: { label?: string; unit?: string; width?: number; metrics?: Record<string, number | string> } = {},
): string {
  const width = options.width ?? 30;
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = done > 0 && done < total ? (total - done) / rate : done >= total ? 0 : NaN;
  const parts = [
    options.label ? `${options.label} ` : "",
    `${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}`,
    ` [${formatDuration(elapsedS)}<${formatDuration(eta)}`,
    rate > 0 ? `, ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} ${options.unit ?? "it"}/s]` : "]",
  ];
  const metrics = Object.entries(options.metrics ?? {}).map(([k, v]) => `${k}=${formatMetric(v)}`);
  return parts.join("") + (metrics.length ? " " + metrics.join(" ") : "");
}

function detectMode(): NonNullable<ProgressOptions["mode"]> {
  if (Deno.env.get("NOISY_DIGITS_PROGRESS") === "silent") return "silent";
  if (inJupyter()) return "notebook";
  return Deno.stderr.isTerminal() ? "terminal" : "log";
}

/**
 * Starts a progress bar.
 *
 * @example
 * ```ts
 * const bar = createProgress({ total: 100, label: "epoch 1", unit: "img" });
 * for (let i = 0; i < 100; i++) bar.tick(1, { loss: 0.5 });
 * bar.finish();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const mode = options.mode ?? detectMode();
  const interval = options.intervalMs ?? 200;
  const start = performance.now();
  const displayId = `progress-${crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  let done = 0, lastDraw = -Infinity, lastLoggedDecile = -1, shown = false;
  let pending: Promise<unknown> = Promise.resolve();

  const draw = (final: boolean, metrics?: Record<string, number | string>) => {
    const elapsed = (performance.now() - start) / 1000;
    const text = renderBar(done, options.total, elapsed, { ...options, metrics });
    if (mode === "notebook") {
      const bundle = { "text/plain": text };
      const first = !shown;
      shown = true;
      pending = pending.then(() => first ? sendDisplay(bundle, displayId) : updateDisplay(bundle, displayId))
        .catch(() => {});
    } else if (mode === "terminal") {
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${text}${final ? "\n" : ""}`));
    } else if (mode === "log") {
      const decile = Math.floor((done / Math.max(1, options.total)) * 10);
      if (final || decile > lastLoggedDecile) {
        lastLoggedDecile = decile;
        console.error(text);
      }
    }
  };

  const maybeDraw = (metrics?: Record<string, number | string>) => {
    const now = performance.now();
    if (now - lastDraw >= interval) {
      lastDraw = now;
      draw(false, metrics);
    }
  };

  return {
    get done() {
      return done;
    },
    tick(steps = 1, metrics) {
      done += steps;
      maybeDraw(metrics);
    },
    update(position, metrics) {
      done = position;
      maybeDraw(metrics);
    },
    finish(metrics) {
      done = Math.max(done, options.total);
      draw(true, metrics);
      return (performance.now() - start) / 1000;
    },
  };
}
