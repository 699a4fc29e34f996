/**
 * `deno task pages [--dir DIR]`: renders the pages of a published run again from its files, without running a
 * notebook: each executed notebook's page (nbconvert 7 from `.venv`, see `published.ts`), `REPORT.html` from
 * `REPORT.md`, and `index.html` from `REPORT.md` (start, engine, each notebook's wall time, the headline table) and
 * the figures present. The executed notebooks, the figures, `REPORT.md` and `results.json` are left as they are.
 * DIR defaults to `outputs/published/`.
 *
 * @module
 */

import { join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { describeExecuted, indexPage, markdownToHtml, renderHtml, reportPage } from "./published.ts";
import { parseOptions, usageError } from "./args.ts";

/** Seconds of a wall time as `formatDuration` writes it (`7.5s`, `5m53s`, `1h02m`); NaN when it is none. */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(text.trim());
  if (!m || !text.trim()) return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** What the index page needs from a run's `REPORT.md`. */
export function runFromReport(report: string, source = "REPORT.md") {
  const head = /^Profile `(\w+)`, data from .*, started (\S+), total (\S+)\.$/m.exec(report);
  const engine = /Training engine: (.*)\.$/m.exec(report)?.[1];
  if (!head || !engine) throw new Error(`${source}: no "Profile …, started …" line or no "Training engine: …"`);
  const steps = new Map<string, number>(), statuses = new Map<string, string>();
  for (const m of report.matchAll(/^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$/gm)) {
    const seconds = parseDuration(m[2]);
    if (!Number.isFinite(seconds)) continue;
    steps.set(m[1], seconds);
    statuses.set(m[1], m[3]);
  }
  const headline = /^## Headline[^\n]*\n\n((?:\|.*\n)+)/m.exec(report)?.[1] ?? "";
  return {
    run: { profile: head[1], started: head[2], totalSeconds: [...steps.values()].reduce((a, b) => a + b, 0), engine },
    steps,
    statuses,
    headlineHtml: headline ? markdownToHtml(headline) : "",
  };
}

if (import.meta.main) {
  const USAGE = "usage: deno task pages [--dir DIR]   (DIR: a published run, default outputs/published)";
  const { values } = parseOptions({ dir: { type: "string" } }, USAGE);
  const dir = values.dir ?? join(REPO_ROOT, "outputs", "published");
  let report: string;
  try {
    report = await Deno.readTextFile(join(dir, "REPORT.md"));
  } catch {
    usageError(`${dir} holds no REPORT.md: not a published run`, USAGE);
  }
  const { run, steps, statuses, headlineHtml } = runFromReport(report, join(dir, "REPORT.md"));
  const notebooksDir = join(dir, "notebooks");
  const names = [...Deno.readDirSync(notebooksDir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb")).sort();
  const notebooks = [];
  for (const name of names) {
    const executed = join(notebooksDir, name);
    const page = await renderHtml(executed, notebooksDir);
    console.log(`${page}: ${(Deno.statSync(page).size / 1024).toFixed(0)} KB`);
    notebooks.push({
      ...describeExecuted(name, await Deno.readTextFile(executed)),
      seconds: steps.get(name) ?? 0,
      status: statuses.get(name),
    });
  }
  const figures = [...Deno.readDirSync(join(dir, "figures"))].map((e) => e.name).filter((n) => n.endsWith(".svg"))
    .sort();
  await Deno.writeTextFile(join(dir, "REPORT.html"), reportPage(report));
  await Deno.writeTextFile(join(dir, "index.html"), indexPage(run, notebooks, headlineHtml, figures));
  console.log(`${join(dir, "REPORT.html")} and ${join(dir, "index.html")} written`);
}
