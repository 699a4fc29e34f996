/**
 * The published run: what a `full` run of `deno task reproduce` leaves in
 * `outputs/published/` (tracked by git) so that a reader sees every output
 * without running anything:
 *
 * - `index.html`: one entry per notebook (its page, its wall time, its
 *   figures) and the run's headline table;
 * - `notebooks/<name>.ipynb` and `notebooks/<name>.html`: each executed
 *   notebook, and its page rendered by nbconvert (Debian's `jupyter-nbconvert`);
 * - `figures/*.svg`, `results.json` (the ledger of the run), `REPORT.md`.
 *
 * Every path in these files is relative to the published folder.
 *
 * @module
 */

import { basename, join } from "node:path";
import { escapeHtml } from "../lib/display/format.ts";
import { formatDuration } from "../lib/display/progress.ts";
import { JUPYTER_PYTHON, NOTEBOOK_STUB } from "./notebook_runner.ts";
import { boundToParent } from "../lib/util/process.ts";

/** One notebook of the run, for the index page. */
export interface PublishedNotebook {
  /** File name, e.g. `04_simple_cnn.ipynb`. */
  name: string;
  /** Its title (first heading). */
  title: string;
  seconds: number;
  /** Figures (image outputs) the executed notebook shows. */
  figures: number;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { data?: Record<string, unknown> }[];
}

const text = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);

/** Title and figure count of an executed notebook. */
export function describeExecuted(name: string, json: string): Omit<PublishedNotebook, "seconds"> {
  const cells: Cell[] = JSON.parse(json).cells ?? [];
  const heading = cells.filter((c) => c.cell_type === "markdown").map((c) => /^#\s+(.+)$/m.exec(text(c.source)))
    .find((m) => m)?.[1];
  const figures =
    cells.flatMap((c) => c.outputs ?? []).filter((o) =>
      o.data && Object.keys(o.data).some((k) => k.startsWith("image/"))
    ).length;
  return { name, title: heading ?? basename(name, ".ipynb"), figures };
}

/**
 * Renders an executed notebook to a standalone HTML page with nbconvert
 * (`<outDir>/<name>.html`). Under the notebook stand-in of the tests
 * (`NOISY_DIGITS_NOTEBOOK_STUB`) a minimal page is written instead.
 */
export async function renderHtml(executed: string, outDir: string): Promise<string> {
  const name = basename(executed, ".ipynb");
  const target = join(outDir, `${name}.html`);
  await Deno.mkdir(outDir, { recursive: true });
  if (NOTEBOOK_STUB) {
    await Deno.writeTextFile(target, `<!doctype html><title>${escapeHtml(name)}</title><h1>${escapeHtml(name)}</h1>`);
    return target;
  }
  const nbconvert = boundToParent(
    JUPYTER_PYTHON,
    ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, "--output", name, executed],
  );
  const out = await new Deno.Command(nbconvert.command, {
    args: nbconvert.args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`nbconvert could not render ${executed}: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
  }
  return target;
}

/** The index page of the published run. `headline` is an HTML table (or empty). */
export function indexPage(
  run: { profile: string; started: string; totalSeconds: number; engine: string },
  notebooks: PublishedNotebook[],
  headline: string,
): string {
  const rows = notebooks.map((n) => {
    const page = `notebooks/${encodeURIComponent(basename(n.name, ".ipynb"))}.html`;
    return `<tr><td><a class="notebook" href="${page}">${escapeHtml(n.title)}</a></td>` +
      `<td><code>${escapeHtml(n.name)}</code></td><td>${escapeHtml(formatDuration(n.seconds))}</td>` +
      `<td class="figures">${n.figures}</td></tr>`;
  }).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>noisy-digits: the published run</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .8rem;text-align:left}</style>
</head><body>
<h1>noisy-digits: the published run</h1>
<p>Profile <code>${escapeHtml(run.profile)}</code>, started ${escapeHtml(run.started)}, all notebooks in
${escapeHtml(formatDuration(run.totalSeconds))}. Training engine: ${escapeHtml(run.engine)}.
The run's <a href="REPORT.md">report</a>, <a href="results.json">results ledger</a> and
<a href="figures/">figures</a> are beside this page.</p>
${headline ? `<h2>Headline</h2>\n${headline}\n` : ""}<h2>Notebooks, executed</h2>
<table id="notebooks"><thead><tr><th>notebook</th><th>file</th><th>wall time</th><th>figures</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
