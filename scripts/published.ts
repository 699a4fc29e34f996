/**
 * The published run: what a `full` run of `deno task reproduce` leaves in
 * `outputs/published/` (tracked by git) so that a reader sees every output
 * without running anything:
 *
 * - `index.html`: one entry per notebook (its page, its wall time, its
 *   figures) and the run's headline table;
 * - `notebooks/<name>.ipynb` and `notebooks/<name>.html`: each executed
 *   notebook, and its page rendered by nbconvert 7 (from the project's `.venv`,
 *   with `scripts/page_template/`), every page sharing `notebooks/notebook.css`;
 * - `figures/*.svg` (listed by name on the index page), `results.json` (the
 *   ledger of the run), `REPORT.md` and its page `REPORT.html`.
 *
 * Every path in these files is relative to the published folder, and no page
 * loads anything from outside it: the folder reads the same from a web server,
 * a file manager or another machine.
 *
 * @module
 */

import { basename, join } from "node:path";
import { escapeHtml, formatDuration } from "noisy-digits/display";
import { REPO_ROOT } from "noisy-digits/data";
import { boundToParent } from "noisy-digits/util";
import { NOTEBOOK_STUB } from "./notebook_runner.ts";

/** One notebook of the run, for the index page. */
export interface PublishedNotebook {
  /** File name, e.g. `04_simple_cnn.ipynb`. */
  name: string;
  /** Its title (first heading). */
  title: string;
  seconds: number;
  /** Figures (image outputs) the executed notebook shows. */
  figures: number;
  /** The run's status of the notebook when it says more than "ok" (e.g. that it ran on its own, later). */
  status?: string;
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
 * The interpreter with nbconvert 7 that renders the pages: `NOISY_DIGITS_NBCONVERT_PYTHON`, else the project's
 * `.venv/bin/python` (where `.ci/setup` installs JupyterLab and nbconvert 7 from the wheelhouse). Never Debian's
 * nbconvert 6, which strips the inside of inline SVG figures (nbconvert issues 1849 and 1894): blank figures.
 */
export const NBCONVERT_PYTHON: string = Deno.env.get("NOISY_DIGITS_NBCONVERT_PYTHON") ??
  join(REPO_ROOT, ".venv", "bin", "python");

/** The template of a notebook's page: nbconvert's JupyterLab one, its stylesheet in a shared file. */
export const PAGE_TEMPLATE: string = join(REPO_ROOT, "scripts", "page_template", "page.html.j2");

/** The stylesheet every notebook page links, written beside the pages. */
export const PAGE_STYLESHEET = "notebook.css";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const attr = (text: string) => escapeHtml(text).replace(/"/g, "&quot;");

/** nbconvert's version under {@linkcode NBCONVERT_PYTHON} and its lab template's folder; throws when not 7 or newer. */
async function nbconvert7(): Promise<{ version: string; labStatic: string }> {
  const script = "import nbconvert, sys, os; print(nbconvert.__version__); " +
    "print(os.path.join(sys.prefix, 'share', 'jupyter', 'nbconvert', 'templates', 'lab', 'static'))";
  let out: Deno.CommandOutput | undefined;
  try {
    out = await new Deno.Command(NBCONVERT_PYTHON, { args: ["-c", script], stdout: "piped", stderr: "piped" }).output();
  } catch { /* no interpreter there */ }
  const [version = "", labStatic = ""] = out?.success ? decode(out.stdout).trim().split("\n") : [];
  if (!out?.success || Number(version.split(".")[0]) < 7) {
    throw new Error(
      `the notebook pages need nbconvert 7 or newer; ${NBCONVERT_PYTHON} ` +
        (out?.success
          ? `has nbconvert ${version}`
          : `cannot import nbconvert (${out ? decode(out.stderr).trim().split("\n").pop() : "not found"})`) +
        ". Run `bash .ci/setup` (it installs JupyterLab and nbconvert 7 into .venv/ from the wheelhouse) or set " +
        "NOISY_DIGITS_NBCONVERT_PYTHON to a Python that has it. Debian's nbconvert 6 is not used: it strips inline SVG.",
    );
  }
  return { version, labStatic };
}

/** Writes the shared stylesheet of the pages (JupyterLab's, light theme) into `outDir`. */
async function writeStylesheet(outDir: string, labStatic: string): Promise<void> {
  const parts = await Promise.all(["index.css", "theme-light.css"].map((f) => Deno.readTextFile(join(labStatic, f))));
  await Deno.writeTextFile(join(outDir, PAGE_STYLESHEET), parts.join("\n"));
}

/** The output MIME types the pages' stylesheet (JupyterLab's) selects on: `data-mime-type` stays for these only. */
export const STYLED_MIME_TYPES: readonly string[] = ["application/vnd.jupyter.stderr"];

/**
 * Makes a page of nbconvert's smaller without changing what it shows: an SVG figure that is also a file of
 * `figures` (name to SVG text, the run's `figures/` folder beside the pages' folder) is linked as
 * `../figures/<name>` instead of inlined in base64, with its name as alternative text; pygments' whitespace tokens
 * (coloured, but blank) and the tokens the page's stylesheet does not colour lose their `<span>`, neighbouring
 * spans that show the same become one (class unquoted), the inline stylesheet loses its comments; the hidden
 * collapser boxes go, and so does the MIME type an output names, but for {@linkcode STYLED_MIME_TYPES} (the page runs
 * no script, and its stylesheet selects no other); neighbouring plain-text outputs of a cell (progress lines, printed
 * text) become one output holding their lines in the same order.
 */
export function compactPage(html: string, figures: Map<string, string>): string {
  const byContent = new Map([...figures].map(([name, svg]) => [svg, name]));
  // What the page's stylesheet gives each pygments token class (`.highlight .k { … }`); a class without a rule shows
  // nothing, and two classes with the same rule show the same.
  const rules = new Map(
    [...html.matchAll(/\.highlight \.([a-z0-9]{1,3}) \{([^}]*)\}/g)].map((m) => [m[1], m[2].trim()]),
  );
  let page = html
    .replace(/<img alt="[^"]*" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g, (img, data: string) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const name = byContent.get(new TextDecoder().decode(bytes));
      return name ? `<img alt="figure ${attr(name)}" src="../figures/${encodeURIComponent(name)}"` : img;
    })
    .replace(/<span class="w">(\s*)<\/span>/g, "$1")
    .replace(/<div class="jp-Collapser[^"]*">\s*<\/div>\n?/g, "")
    .replace(/ data-mime-type="([^"]*)"/g, (a, type: string) => STYLED_MIME_TYPES.includes(type) ? a : "")
    .replace(/<style type="text\/css">[\s\S]*?<\/style>/g, (style) => style.replace(/ ?\/\*[^*]*\*\//g, ""))
    .replace(
      /<span class="([a-z0-9]{1,3})">([^<]*)<\/span>/g,
      (_span, cls: string, text: string) => rules.has(cls) ? `<span class=${cls}>${text}</span>` : text,
    );
  // Neighbouring token spans that show the same become one span, with the blanks between them (the code is set in
  // a monospaced font, so a blank is as wide in any style).
  const same = /<span class=([a-z0-9]{1,3})>([^<]*)<\/span>([ \t]*)<span class=([a-z0-9]{1,3})>/g;
  for (let before = ""; before !== page;) {
    before = page;
    page = page.replace(
      same,
      (pair, a: string, text: string, blank: string, b: string) =>
        rules.get(a) === rules.get(b) ? `<span class=${a}>${text}${blank}` : pair,
    );
  }
  return page.replace(
    PLAIN_OUTPUT_RUN,
    (run) => plainOutput([...run.matchAll(PLAIN_OUTPUT)].map((m) => m[1]).join("\n")),
  );
}

/** One plain-text output of a code cell as nbconvert writes it (its MIME type gone), `text` already escaped. */
function plainOutput(text: string): string {
  return '<div class="jp-OutputArea-child">\n<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>\n' +
    `<div class="jp-RenderedText jp-OutputArea-output" tabindex="0">\n<pre>${text}</pre>\n</div>\n</div>\n`;
}

/** A plain-text output holding text only (no tags), its text captured. */
const PLAIN_OUTPUT = new RegExp(
  plainOutput("\u0000").replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("\u0000", "([^<]*)"),
  "g",
);

/** Two or more such outputs in a row: one output holds their lines, one after the other, as they were shown. */
const PLAIN_OUTPUT_RUN = new RegExp(`(?:${PLAIN_OUTPUT.source}){2,}`, "g");

/** The SVG files of a figures folder, name to text (empty when there is no folder). */
function readFigures(dir: string): Map<string, string> {
  const figures = new Map<string, string>();
  try {
    for (const e of Deno.readDirSync(dir)) {
      if (e.isFile && e.name.endsWith(".svg")) figures.set(e.name, Deno.readTextFileSync(join(dir, e.name)));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return figures;
}

/**
 * Renders an executed notebook to a page that reads anywhere (`<outDir>/<name>.html`, beside the shared
 * `notebook.css`), with nbconvert 7 ({@linkcode NBCONVERT_PYTHON}) and {@linkcode PAGE_TEMPLATE}: figures inline, no
 * script, nothing loaded from outside the run's folder; figures saved in `<outDir>/../figures/` are linked from
 * there ({@linkcode compactPage}). Under the notebook stand-in of the tests
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
  const { labStatic } = await nbconvert7();
  const nbconvert = boundToParent(NBCONVERT_PYTHON, [
    "-m",
    "nbconvert",
    "--to",
    "html",
    "--template-file",
    PAGE_TEMPLATE,
    "--output-dir",
    outDir,
    "--output",
    name,
    executed,
  ]);
  const out = await new Deno.Command(nbconvert.command, {
    args: nbconvert.args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`nbconvert could not render ${executed}: ${decode(out.stderr).slice(-2000)}`);
  }
  const page = await Deno.readTextFile(target);
  await Deno.writeTextFile(target, compactPage(page, readFigures(join(outDir, "..", "figures"))));
  await writeStylesheet(outDir, labStatic);
  return target;
}

/** The style of the index and report pages (the notebook pages link {@linkcode PAGE_STYLESHEET}). */
const SITE_STYLE = `<style>body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .8rem;text-align:left}
img{max-width:100%}code{background:#f4f4f4;padding:0 .2em}</style>`;

/** Inline Markdown of the report: code, bold, emphasis, links and images; the rest escaped. */
function inline(text: string): string {
  const codes: string[] = [];
  const kept = text.replace(/`([^`]*)`/g, (_, c: string) => `\uE000${codes.push(c) - 1}\uE000`);
  return escapeHtml(kept)
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_, alt, src) => `<img src="${attr(src)}" alt="${attr(alt)}">`)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label, href) => `<a href="${attr(href)}">${label}</a>`)
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:])/g, "$1<em>$2</em>")
    .replace(/\uE000(\d+)\uE000/g, (_, i) => `<code>${escapeHtml(codes[Number(i)])}</code>`);
}

/**
 * The Markdown the reproduction report uses, as HTML: headings, paragraphs, pipe tables (with their alignment row)
 * and the inline forms of {@linkcode inline}. Enough for `REPORT.md`, not a general Markdown renderer.
 */
export function markdownToHtml(markdown: string): string {
  const cells = (row: string) => row.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
  const blocks = markdown.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return blocks.map((block) => {
    const lines = block.split("\n");
    const heading = /^(#{1,6})\s+(.*)$/.exec(block);
    if (heading && lines.length === 1) return `<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`;
    if (lines.length >= 2 && lines.every((l) => l.trim().startsWith("|")) && /^[\s|:-]+$/.test(lines[1])) {
      const head = cells(lines[0]).map((c) => `<th>${inline(c)}</th>`).join("");
      const body = lines.slice(2).map((l) => `<tr>${cells(l).map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`);
      return `<table><thead><tr>${head}</tr></thead><tbody>\n${body.join("\n")}\n</tbody></table>`;
    }
    return `<p>${lines.map(inline).join("\n")}</p>`;
  }).join("\n") + "\n";
}

/** `REPORT.md` as a page (`REPORT.html`, beside it). */
export function reportPage(markdown: string): string {
  const title = /^#\s+(.*)$/m.exec(markdown)?.[1] ?? "noisy-digits: reproduction report";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
${SITE_STYLE}
</head><body>
<p><a href="index.html">The published run</a> · <a href="REPORT.md">this report as Markdown</a></p>
${markdownToHtml(markdown)}</body></html>
`;
}

/**
 * The index page of the published run. `headline` is an HTML table (or empty); `figures` are the file names in
 * `figures/`, each linked by name (no page relies on a server's directory listing).
 */
export function indexPage(
  run: { profile: string; started: string; totalSeconds: number; engine: string },
  notebooks: PublishedNotebook[],
  headline: string,
  figures: string[] = [],
): string {
  const rows = notebooks.map((n) => {
    const page = `notebooks/${encodeURIComponent(basename(n.name, ".ipynb"))}.html`;
    return `<tr><td><a class="notebook" href="${page}">${escapeHtml(n.title)}</a></td>` +
      `<td><code>${escapeHtml(n.name)}</code></td><td>${escapeHtml(formatDuration(n.seconds))}` +
      `${n.status && n.status !== "ok" ? ` <span class="status">(${escapeHtml(n.status)})</span>` : ""}</td>` +
      `<td class="figures">${n.figures}</td></tr>`;
  }).join("\n");
  const figureItems = figures.map((f) =>
    `<li><a class="figure" href="figures/${encodeURIComponent(f)}">${escapeHtml(f)}</a></li>`
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>noisy-digits: the published run</title>
${SITE_STYLE}
</head><body>
<h1>noisy-digits: the published run</h1>
<p>Profile <code>${escapeHtml(run.profile)}</code>, started ${escapeHtml(run.started)}, all notebooks in
${escapeHtml(formatDuration(run.totalSeconds))}. Training engine: ${inline(run.engine)}.
The run's <a href="REPORT.html">report</a> (<a href="REPORT.md">Markdown</a>), its
<a href="results.json">results ledger</a> and its <a href="#figures">figures</a> are beside this page.</p>
${headline ? `<h2>Headline</h2>\n${headline}\n` : ""}<h2>Notebooks, executed</h2>
<table id="notebooks"><thead><tr><th>notebook</th><th>file</th><th>wall time</th><th>figures</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2 id="figures">Figures</h2>
<ul>
${figureItems}
</ul>
</body></html>
`;
}
