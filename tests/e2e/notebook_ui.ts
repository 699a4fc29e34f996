/**
 * `deno task e2e`: the notebooks used as people use them, in JupyterLab 4 in a
 * real browser.
 *
 * Starts JupyterLab from the project's `.venv/` (installed by `.ci/setup` from
 * the local wheelhouse) on a loopback port with a token and the Deno kernel,
 * with its own settings (autosave off, no news) and workspace in a temporary
 * directory, drives Debian's headless Chromium through `playwright-core`, and
 * for each notebook under test (`smoke` profile):
 *
 * - Run ▸ Run All Cells from the menu bar, then waits until the kernel is idle
 *   and no cell is queued;
 * - every code cell ran, none shows an error, the figures are SVG images with a
 *   real size, every cell ending with `await show(...)` has its output;
 * - a middle cell runs again on its own (keyboard, Ctrl+Enter);
 * - Kernel ▸ Restart Kernel…, then the setup cell and one later section run
 *   without error (what the README promises);
 * - screenshots in the light and the dark theme.
 *
 * A fixture notebook then builds the data set and the test samples its output
 * while it runs: the progress bar must change and stay one output. Finally the
 * notebook files on disk must be unchanged. Screenshots and the server log go
 * to `outputs/e2e/`; the browser, the server and its kernels are stopped by
 * process id, also on failure. Prints a summary and exits non-zero when a
 * check fails.
 *
 * Without JupyterLab (a machine without the wheelhouse `/opt/pypi/files`, where
 * `.ci/setup` cannot install it) the test says so and is skipped.
 *
 * Not a `*_test.ts` file on purpose: the unit `deno test` run does not pick it up.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { Page } from "playwright-core";
import { dataDir, generateData, outputPath, REPO_ROOT } from "noisy-digits/data";
import { formatDuration } from "noisy-digits/display";
import { modelDir, profiledName } from "../../lib/train/reuse.ts"; // internal, tested on purpose
import { ensureKernel } from "../../scripts/notebook_runner.ts";
import { findExecutable, type JupyterServer, startJupyter } from "../../scripts/jupyter_server.ts";
import { launchChromium, type LaunchedBrowser } from "./browser.ts";

/** A notebook under test. */
interface NotebookCase {
  path: string;
  /** Short name for screenshots. */
  tag: string;
  /** Figures that must be SVG in the page, found by the source of the cell that shows them. */
  figures: { name: string; source: RegExp }[];
  /** The cell re-run on its own after Run All. */
  rerun: RegExp;
  /** The `## ` heading of the section run after the restart (after the setup cell). */
  section: string;
  /** Models it trains under `smoke` (`deno task notebooks --profile smoke` has saved them when run before). */
  models?: string[];
}

const NOTEBOOKS: NotebookCase[] = [
  {
    path: "notebooks/01_data_exploration.ipynb",
    tag: "01",
    figures: [
      { name: "class histogram", source: /classHistogram\(train\.labels/ },
      { name: "digit grid", source: /digitGrid\(train,/ },
    ],
    rerun: /digitGrid\(train,/,
    section: "A training / holdout split",
  },
  {
    path: "notebooks/04_simple_cnn.ipynb",
    tag: "04",
    figures: [
      { name: "training history", source: /historyPlot\(plain\.history/ },
      { name: "confusion heatmap", source: /confusionHeatmap\(/ },
    ],
    rerun: /historyPlot\(plain\.history/,
    section: "6.1.1 Assess performance",
    models: ["simple-cnn", "simple-cnn-report-stage1", "simple-cnn-report-stage2", "simple-cnn-augmented"],
  },
];
/** The fixture whose long cell must show a progress bar updating in place. */
const PROGRESS_NOTEBOOK = "tests/fixtures/progress_ui.ipynb";
const PROGRESS_CELL = /generateData\(/;
/**
 * Whole-run budget: the issue's target is under 4 minutes, as in `deno task ci`, where the smoke notebooks ran just
 * before and saved their models. Run alone on a fresh clone, notebook 04 trains them first: 3 more minutes.
 */
const TRAINED = NOTEBOOKS.flatMap((n) => n.models ?? []).every((m) =>
  existsSync(join(modelDir(profiledName(m, "smoke")), "model.json"))
);
const BUDGET_S = 235 + (TRAINED ? 0 : 180);
const LIGHT = "JupyterLab Light";
const DARK = "JupyterLab Dark";

const outDir = outputPath("e2e");
const t0 = performance.now();
const seconds = () => (performance.now() - t0) / 1000;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
const checks: Check[] = [];
/** Records a check and logs it as it happens. */
function check(name: string, ok: boolean, detail = ""): boolean {
  checks.push({ name, ok, detail });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  return ok;
}
/** Logs a step with the elapsed time. */
function step(text: string) {
  console.log(`[${seconds().toFixed(1).padStart(5)} s] ${text}`);
}

/** What the page knows about one cell (from JupyterLab's notebook model and its DOM). */
interface CellInfo {
  index: number;
  type: string;
  source: string;
  executionCount: number | null;
  running: boolean;
  outputTypes: string[];
  errors: string[];
  svgs: { width: number; height: number }[];
  tables: number;
  text: string;
}

/**
 * Reads every cell of the notebook in the main area. JupyterLab runs with
 * `expose_app_in_browser`, so the page has `window.jupyterapp`.
 */
function readCells(page: Page): Promise<CellInfo[]> {
  return page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    // deno-lint-ignore no-explicit-any
    return panel.content.widgets.map((cell: any, index: number) => {
      const model = cell.model;
      // deno-lint-ignore no-explicit-any
      const outputs: any[] = model.type === "code" ? model.outputs.toJSON() : [];
      const node = cell.node as HTMLElement;
      const prompt = node.querySelector(".jp-InputPrompt")?.textContent ?? "";
      return {
        index,
        type: model.type,
        source: model.sharedModel.getSource(),
        executionCount: model.type === "code" ? model.executionCount ?? null : null,
        running: model.type === "code" && (model.executionState === "running" || prompt.includes("*")),
        outputTypes: outputs.map((o) => o.output_type),
        errors: outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`),
        // JupyterLab shows image/svg+xml as an <img> with a data URL; count those and any inline <svg>.
        svgs: [
          ...node.querySelectorAll(".jp-OutputArea-output[data-mime-type='image/svg+xml'] img"),
          ...node.querySelectorAll(".jp-OutputArea-output svg:not(svg svg)"),
        ].map((s) => {
          const box = s.getBoundingClientRect();
          return { width: box.width, height: box.height };
        }),
        tables: node.querySelectorAll(".jp-OutputArea-output table").length,
        text: [...node.querySelectorAll(".jp-OutputArea-output")].map((o) => o.textContent ?? "").join("\n").slice(
          0,
          2000,
        ),
      };
    });
  });
}

/** Waits until the notebook's kernel is idle and no cell is queued or running, twice in a row 300 ms apart. */
async function waitIdle(page: Page, timeout: number) {
  const idle = () =>
    page.waitForFunction(
      () => {
        // deno-lint-ignore no-explicit-any
        const panel = (globalThis as any).jupyterapp?.shell?.currentWidget;
        if (panel?.sessionContext?.session?.kernel?.status !== "idle") return false;
        // deno-lint-ignore no-explicit-any
        return !panel.content.widgets.some((cell: any) =>
          cell.model.type === "code" &&
          (cell.model.executionState === "running" ||
            (cell.node.querySelector(".jp-InputPrompt")?.textContent ?? "").includes("*"))
        );
      },
      null,
      { timeout, polling: 200 },
    );
  await idle();
  await new Promise((r) => setTimeout(r, 300));
  await idle();
}

/** Opens a notebook in JupyterLab and waits for its Deno kernel to be idle. */
async function openNotebook(page: Page, server: JupyterServer, path: string) {
  await page.goto(server.urlFor(`/lab/tree/${path}`), { waitUntil: "domcontentloaded" });
  await page.waitForFunction(
    (path) => {
      // deno-lint-ignore no-explicit-any
      const panel = (globalThis as any).jupyterapp?.shell?.currentWidget;
      return panel?.context?.path === path && panel.content?.widgets?.length > 0 &&
        panel.sessionContext?.session?.kernel?.status === "idle" &&
        panel.sessionContext.session.kernel.name === "deno";
    },
    path,
    { timeout: 90_000, polling: 250 },
  );
  await waitIdle(page, 60_000);
}

/** Clicks `label` in the top menu `menu` (e.g. Run ▸ Run All Cells). */
async function menu(page: Page, menu: string, label: string) {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${menu}$`) }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: new RegExp(`^${label}$`) }).first().click();
}

/** Selects cell `index` by clicking its prompt area (command mode). */
async function selectCell(page: Page, index: number, shift = false) {
  const cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".jp-InputPrompt").first().click({ modifiers: shift ? ["Shift"] : [] });
}

/** Switches the theme through JupyterLab's own command (Settings ▸ Theme). */
async function setTheme(page: Page, theme: string) {
  await page.evaluate(
    // deno-lint-ignore no-explicit-any
    (theme) => (globalThis as any).jupyterapp.commands.execute("apputils:change-theme", { theme }),
    theme,
  );
  await page.waitForFunction((theme) => document.body.dataset.jpThemeName === theme, theme, { timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 500));
}

/** Saves a screenshot of one cell (or the viewport) under outputs/e2e/. */
async function shoot(page: Page, name: string, cellIndex?: number) {
  const path = join(outDir, `${name}.png`);
  try {
    if (cellIndex === undefined) await page.screenshot({ path });
    else {
      await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(cellIndex).screenshot({
        path,
      });
    }
  } catch (error) {
    console.log(`  (screenshot ${name} failed: ${error instanceof Error ? error.message.split("\n")[0] : error})`);
  }
}

const firstLine = (source: string) => source.split("\n").find((l) => l.trim() && !l.startsWith("//")) ?? "";
const sha = async (path: string) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(path))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
const hasFigure = (c: CellInfo) => c.svgs.some((s) => s.width > 100 && s.height > 50);
const describeSvgs = (c: CellInfo) =>
  c.svgs.length
    ? c.svgs.map((s) => `${s.width.toFixed(0)}x${s.height.toFixed(0)} px`).join(", ")
    : `no SVG in cell ${c.index}, outputs: ${c.outputTypes.join(", ") || "none"}`;

/** Code cells grouped under the `## ` headings, as in `scripts/execute_notebook.py`. */
function sections(cells: CellInfo[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  let title = "(top)";
  for (const cell of cells) {
    if (cell.type === "markdown" && cell.source.trimStart().startsWith("## ")) {
      title = cell.source.trimStart().slice(3).split("\n")[0].trim();
    } else if (cell.type === "code") groups.set(title, [...(groups.get(title) ?? []), cell.index]);
  }
  return groups;
}

/** One notebook: Run All, checks, one cell again, restart + setup + a section, both themes. */
async function testNotebook(page: Page, server: JupyterServer, nb: NotebookCase) {
  step(`opening ${nb.path}`);
  await openNotebook(page, server, nb.path);
  check(`${nb.tag}: notebook opens in JupyterLab with the Deno kernel`, true);

  step(`${nb.tag}: Run ▸ Run All Cells`);
  const started = performance.now();
  await menu(page, "Run", "Run All Cells");
  await page.waitForFunction(
    () =>
      // deno-lint-ignore no-explicit-any
      (globalThis as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel.status !== "idle" ||
      [...document.querySelectorAll(".jp-InputPrompt")].some((p) => /\d/.test(p.textContent ?? "")),
    null,
    { timeout: 10_000 },
  );
  await waitIdle(page, 180_000);
  const runS = (performance.now() - started) / 1000;
  let cells = await readCells(page);
  const code = () => cells.filter((c) => c.type === "code");
  // The Deno kernel can publish a result just after it reports idle: give late outputs a moment to land.
  for (let waited = 0; waited < 5_000; waited += 250) {
    const figureCells = nb.figures.map((f) => code().find((c) => f.source.test(c.source)));
    if (figureCells.every((c) => c && hasFigure(c))) break;
    await new Promise((r) => setTimeout(r, 250));
    cells = await readCells(page);
  }
  const executed = code().filter((c) => typeof c.executionCount === "number");
  check(
    `${nb.tag}: every code cell ran`,
    executed.length === code().length,
    `${executed.length}/${code().length} in ${runS.toFixed(1)} s`,
  );
  const failing = code().filter((c) => c.errors.length);
  check(
    `${nb.tag}: no cell shows an error`,
    failing.length === 0,
    failing.map((c) => `cell ${c.index} (${firstLine(c.source)}): ${c.errors[0]}`).join("; "),
  );
  for (const figure of nb.figures) {
    const cell = code().find((c) => figure.source.test(c.source));
    if (!check(`${nb.tag}: ${figure.name} cell found`, cell !== undefined, figure.source.source)) continue;
    check(`${nb.tag}: ${figure.name} is an SVG in the page`, hasFigure(cell!), describeSvgs(cell!));
    await shoot(page, `${nb.tag}-light-${figure.name.replaceAll(" ", "-")}`, cell!.index);
  }
  const tables = code().filter((c) => /await show\(\s*table\(/.test(c.source));
  if (tables.length) {
    check(
      `${nb.tag}: tables render as HTML tables`,
      tables.every((c) => c.tables > 0),
      `${tables.filter((c) => c.tables > 0).length}/${tables.length} cells`,
    );
    await shoot(page, `${nb.tag}-light-table`, tables[0].index);
  }
  // Deno's kernel can forward a last-expression result after the cell is idle, and the page then drops it;
  // the notebooks end their cells with `await show(...)`, which waits for its output to leave (lib/display/show.ts).
  const showing = code().filter((c) => /await show\(/.test(c.source));
  const silent = showing.filter((c) => c.outputTypes.length === 0);
  check(
    `${nb.tag}: every cell ending with show() has its output`,
    showing.length > 0 && silent.length === 0,
    silent.length ? `no output in ${silent.map((c) => `cell ${c.index}`).join(", ")}` : `${showing.length} cells`,
  );
  await shoot(page, `${nb.tag}-light-after-run-all`);

  // A middle cell again, alone, from the keyboard.
  const middle = code().find((c) => nb.rerun.test(c.source)) ?? code()[Math.floor(code().length / 2)];
  step(`${nb.tag}: re-running cell ${middle.index} alone (${firstLine(middle.source)})`);
  await selectCell(page, middle.index);
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction(
    ([index, count]) => {
      // deno-lint-ignore no-explicit-any
      const cell = (globalThis as any).jupyterapp.shell.currentWidget.content.widgets[index];
      return typeof cell.model.executionCount === "number" && cell.model.executionCount !== count;
    },
    [middle.index, middle.executionCount] as const,
    { timeout: 60_000 },
  );
  await waitIdle(page, 60_000);
  cells = await readCells(page);
  const again = cells[middle.index];
  check(
    `${nb.tag}: a middle cell runs again on its own`,
    again.errors.length === 0 && (again.executionCount ?? 0) > (middle.executionCount ?? 0) && hasFigure(again),
    again.errors.length
      ? again.errors[0]
      : `[${middle.executionCount}] -> [${again.executionCount}], ${describeSvgs(again)}`,
  );

  // Kernel ▸ Restart Kernel…, confirm; then the setup cell and one later section.
  step(`${nb.tag}: Kernel ▸ Restart Kernel…`);
  await menu(page, "Kernel", "Restart Kernel…");
  await page.locator(".jp-Dialog .jp-mod-accept").click();
  await page.waitForFunction(
    // deno-lint-ignore no-explicit-any
    () => (globalThis as any).jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === "idle",
    null,
    { timeout: 60_000 },
  );
  const groups = sections(cells);
  const section = groups.get(nb.section);
  if (!check(`${nb.tag}: section '${nb.section}' found`, section !== undefined, [...groups.keys()].join(" | "))) {
    return;
  }
  const setup = code()[0].index;
  const targets = [setup, ...section!];
  await selectCell(page, setup);
  await page.keyboard.press("Control+Enter");
  await waitIdle(page, 120_000);
  await selectCell(page, section![0]);
  if (section!.length > 1) await selectCell(page, section![section!.length - 1], true);
  await page.keyboard.press("Control+Enter");
  await waitIdle(page, 120_000);
  cells = await readCells(page);
  // A fresh kernel numbers its executions from 1: the setup cell is [1], the section's cells follow in order.
  const rerunOk = targets.every((i, k) => cells[i].executionCount === k + 1 && cells[i].errors.length === 0);
  check(
    `${nb.tag}: after a restart, the setup cell and section '${nb.section}' run without error`,
    rerunOk,
    targets.map((i) =>
      `cell ${i} [${cells[i].executionCount}]${cells[i].errors.length ? ` ${cells[i].errors[0]}` : ""}`
    )
      .join(", "),
  );
  const sectionShows = section!.filter((i) => /await show\(/.test(cells[i].source));
  check(
    `${nb.tag}: the section's show() cells have their output again`,
    sectionShows.every((i) => cells[i].outputTypes.length > 0),
    `${sectionShows.length} cells`,
  );
  await shoot(page, `${nb.tag}-light-after-restart`, section![section!.length - 1]);

  // The same figures in the dark theme.
  await setTheme(page, DARK);
  for (const figure of nb.figures) {
    const cell = code().find((c) => figure.source.test(c.source));
    if (cell) await shoot(page, `${nb.tag}-dark-${figure.name.replaceAll(" ", "-")}`, cell.index);
  }
  if (tables.length) await shoot(page, `${nb.tag}-dark-table`, tables[0].index);
  await shoot(page, `${nb.tag}-dark-view`);
  await setTheme(page, LIGHT);
}

/** The fixture: a long cell's progress bar updates in place, as one output. */
async function testProgress(page: Page, server: JupyterServer) {
  step(`opening ${PROGRESS_NOTEBOOK}`);
  await openNotebook(page, server, PROGRESS_NOTEBOOK);
  const cells = await readCells(page);
  const target = cells.find((c) => c.type === "code" && PROGRESS_CELL.test(c.source));
  if (!check("progress cell found", target !== undefined)) return;
  step("Run ▸ Run All Cells (builds the data set in a scratch directory)");
  await menu(page, "Run", "Run All Cells");
  // Sample the cell's outputs while it runs: the bar must change, the number of outputs must not grow.
  const texts = new Set<string>();
  let maxOutputs = 0, samples = 0;
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const sample = await page.evaluate((index) => {
      // deno-lint-ignore no-explicit-any
      const panel = (globalThis as any).jupyterapp.shell.currentWidget;
      const cell = panel.content.widgets[index];
      const areas = [...cell.node.querySelectorAll(".jp-OutputArea-output")] as HTMLElement[];
      return {
        outputs: areas.length,
        bar: areas.map((a) => a.textContent ?? "").find((t) => t.includes("building data")) ?? "",
        running: cell.model.executionState === "running",
        idle: panel.sessionContext.session?.kernel?.status === "idle",
      };
    }, target!.index);
    samples++;
    if (sample.bar) {
      texts.add(sample.bar.replace(/\s+/g, " ").trim());
      maxOutputs = Math.max(maxOutputs, sample.outputs);
      if (texts.size === 2) await shoot(page, "progress-running", target!.index);
    }
    if (!sample.running && sample.idle && samples > 3) break;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await waitIdle(page, 30_000);
  const done = (await readCells(page))[target!.index];
  check("progress cell ran without error", done.errors.length === 0, done.errors[0] ?? "");
  const bars = done.text.split("\n").filter((l) => l.includes("building data"));
  check(
    "progress bar updates in place as one output",
    bars.length === 1 && maxOutputs <= 2 && texts.size >= 2 && /100%/.test(bars[0] ?? ""),
    `${texts.size} distinct states seen in ${samples} samples, at most ${maxOutputs} outputs, final: ${
      (bars[0] ?? "none").trim().slice(0, 90)
    }`,
  );
  await shoot(page, "progress-done", target!.index);
}

/**
 * JupyterLab's user settings and workspaces for this run only, in a temporary
 * directory: autosave off (the repository keeps notebooks with outputs cleared,
 * and the test checks the files are unchanged), no news or update checks, every
 * cell kept in the DOM (no windowing) so the test can read it.
 */
async function labEnv(): Promise<{ env: Record<string, string>; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "noisy-digits-lab-" });
  const settings = join(dir, "settings"), ext = join(settings, "@jupyterlab");
  const write = async (plugin: string, file: string, value: unknown) => {
    await Deno.mkdir(join(ext, plugin), { recursive: true });
    await Deno.writeTextFile(join(ext, plugin, `${file}.jupyterlab-settings`), JSON.stringify(value));
  };
  await write("docmanager-extension", "plugin", { autosave: false });
  await write("apputils-extension", "notification", { fetchNews: "false", checkForUpdates: false });
  await write("apputils-extension", "themes", { theme: LIGHT });
  await write("notebook-extension", "tracker", { windowingMode: "none" });
  return {
    dir,
    env: { JUPYTERLAB_SETTINGS_DIR: settings, JUPYTERLAB_WORKSPACES_DIR: join(dir, "workspaces") },
  };
}

// ---- main ------------------------------------------------------------------------------------------------------

if (!findExecutable("jupyter-lab")) {
  const wheelhouse = await Deno.stat("/opt/pypi/files").then(() => true, () => false);
  if (wheelhouse) {
    console.log("FAIL JupyterLab is not installed although /opt/pypi/files is there: run `bash .ci/setup`");
    Deno.exit(1);
  }
  console.log("e2e skipped: JupyterLab is not installed (no wheelhouse at /opt/pypi/files for .ci/setup to use)");
  Deno.exit(0);
}

await Deno.mkdir(outDir, { recursive: true });
for (const entry of Deno.readDirSync(outDir)) {
  if (entry.isFile) await Deno.remove(join(outDir, entry.name)); // screenshots of an earlier run
}
let server: JupyterServer | null = null;
let chromium: LaunchedBrowser | null = null;
let lab: { env: Record<string, string>; dir: string } | null = null;
let stopping: Promise<void> | null = null;
/** Stops everything once; a second caller (watchdog and main flow) waits for the same stop. */
const stopAll = () => stopping ??= stopEverything();
const stopEverything = async () => {
  if (chromium) {
    step(`stopping chromium (pid ${chromium.pid})`);
    await chromium.stop();
  }
  if (server) {
    step(`stopping jupyter lab (pid ${server.pid}) and its kernels`);
    await server.stop();
  }
  if (lab) await Deno.remove(lab.dir, { recursive: true }).catch(() => {});
};
const watchdog = setTimeout(async () => {
  check("finishes within the time budget", false, `still running after ${BUDGET_S} s`);
  await stopAll();
  Deno.exit(1);
}, BUDGET_S * 1000);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    await stopAll();
    Deno.exit(130);
  });
}

const watched = [...NOTEBOOKS.map((n) => n.path), PROGRESS_NOTEBOOK].map((p) => join(REPO_ROOT, p));
const checkpointDirs = [...new Set(watched.map((p) => join(p, "..", ".ipynb_checkpoints")))];
const hadCheckpoints = await Promise.all(checkpointDirs.map((d) => Deno.stat(d).then(() => true, () => false)));
const hashes = await Promise.all(watched.map(sha));

try {
  await ensureKernel();
  const data = dataDir();
  const built = await generateData({ dir: data });
  step(built.written ? `built the data set in ${data}` : `data: ${data}`);
  if (!TRAINED) step(`the smoke models are not saved yet: notebook 04 trains them (budget ${BUDGET_S} s)`);
  lab = await labEnv();
  server = await startJupyter({
    dir: REPO_ROOT,
    frontEnd: "lab",
    env: { ...lab.env, NOISY_DIGITS_PROFILE: "smoke", NOISY_DIGITS_DATA: data, NO_COLOR: "1" },
    logFile: join(outDir, "jupyter.log"),
    extraArgs: ["--LabApp.expose_app_in_browser=True"],
  });
  step(`jupyter lab (pid ${server.pid}) on ${server.url}`);
  chromium = await launchChromium();
  step(`chromium (pid ${chromium.pid}) with profile ${chromium.userDataDir}`);
  const context = chromium.browser.contexts()[0] ?? await chromium.browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1400, height: 1000 });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));

  for (const nb of NOTEBOOKS) {
    await testNotebook(page, server, nb);
    // Free the kernel's memory before the next notebook.
    await page.evaluate(() =>
      // deno-lint-ignore no-explicit-any
      (globalThis as any).jupyterapp.shell.currentWidget.sessionContext.shutdown()
    );
  }
  await testProgress(page, server);
  if (pageErrors.length) console.log(`  (page errors: ${pageErrors.slice(0, 3).join(" | ")})`);
} catch (error) {
  check("browser test ran to the end", false, error instanceof Error ? error.message.split("\n")[0] : String(error));
} finally {
  clearTimeout(watchdog);
  await stopAll();
}

const after = await Promise.all(watched.map(sha));
check(
  "notebook files on disk unchanged",
  after.every((h, i) => h === hashes[i]),
  watched.filter((_, i) => after[i] !== hashes[i]).map((p) => relative(REPO_ROOT, p)).join(", "),
);
for (const [i, dir] of checkpointDirs.entries()) {
  if (!hadCheckpoints[i]) await Deno.remove(dir, { recursive: true }).catch(() => {});
}

const failed = checks.filter((c) => !c.ok);
const shots = [...Deno.readDirSync(outDir)].filter((e) => e.name.endsWith(".png")).length;
console.log(
  `\ne2e: ${checks.length - failed.length} passed, ${failed.length} failed in ${formatDuration(seconds())}; ` +
    `${shots} screenshots and jupyter.log in ${relative(Deno.cwd(), outDir) || outDir}`,
);
for (const c of failed) console.log(`  FAIL ${c.name}${c.detail ? `: ${c.detail}` : ""}`);
Deno.exit(failed.length ? 1 : 0);
