/**
 * `deno task reproduce [--profile full|quick|smoke] [--data-dir DIR] [--fresh]`:
 * the whole study in one command. Builds the data if absent, runs every
 * notebook headlessly under the profile (`full` by default), one progress line
 * per notebook and the total, renders each executed notebook to HTML and
 * writes `outputs/REPORT.md`: the headline, each step's wall time, the results
 * of every model next to the report's figures, and the figures produced. A
 * `full` run also refreshes the published run, `outputs/published/` (tracked
 * by git: see `scripts/published.ts`).
 *
 * The run writes into its run folder and its outputs are published only when
 * every notebook passed (`scripts/publish.ts`): a failed or interrupted run
 * leaves the previous report and figures as they were, and no command here
 * removes a file it did not make. Run again after an interruption, it reuses
 * the notebooks that finished (while the notebook, the library and the data
 * are unchanged), says which, and redoes the rest; trained models are reused
 * from `outputs/models/` in any case. `--fresh` redoes every notebook.
 * `NOISY_DIGITS_NOTEBOOKS_DIR` (tests) takes the notebooks from another folder.
 *
 * @module
 */

import { isAbsolute, join, relative } from "node:path";
import {
  dataDir,
  generateData,
  loadLabelsCsv,
  loadSolution,
  outputsDir,
  REPO_ROOT,
  repoRelative,
  scoreSubmission,
} from "noisy-digits/data";
import { headline, latestRecords, PROFILES, readAllResults, type ResultRecord, runLedger } from "noisy-digits/study";
import { formatDuration, formatPercent, table } from "noisy-digits/display";
import { exists, lockFolder, onEndingSignal, signalExitCode, stopChildren, writeFileAtomic } from "noisy-digits/util";
import { ensureKernel, listNotebooks, runNotebook, stopRunningNotebook } from "./notebook_runner.ts";
import { orUsageError, parseOptions, usageError } from "./args.ts";
import {
  beginNotebook,
  finishNotebook,
  type NotebookKey,
  notebookKey,
  openRun,
  publish,
  PUBLISHED,
  recoverPublish,
  runDependencies,
} from "./publish.ts";
import {
  describeExecuted,
  indexPage,
  PAGE_STYLESHEET,
  type PublishedNotebook,
  renderHtml,
  reportPage,
} from "./published.ts";
import { expectedEngineDescription, nativeConvAlgorithm, nativePrecision } from "noisy-digits/runtime";
import { helperWorkers } from "noisy-digits/train";
import { machinePeak } from "./bench/peak.ts";

const USAGE = "usage: deno task reproduce [--profile full|quick|smoke] [--data-dir DIR] [--fresh]";

/** One line of the report's steps table. */
interface Step {
  step: string;
  seconds: number;
  status: string;
}

/** What the report is written from: the run's settings, its folders and the steps it took. */
interface ReportInputs {
  profile: string;
  /** The data folder. */
  data: string;
  /** The outputs folder the run publishes to. */
  outputs: string;
  /** The run folder the notebooks wrote to. */
  staging: string;
  /** When the run began (an interrupted run's start, when this one resumes it). */
  started: Date;
  engine: string;
  /** The notebooks, in order. */
  names: string[];
  steps: Step[];
}

const pct = (v?: number) => (v === undefined ? "" : formatPercent(v));

/** Runs the study: the data, every notebook under the profile, the report, the publish. */
async function main(): Promise<void> {
  const { values } = parseOptions(
    {
      profile: { type: "string", default: "full" },
      "data-dir": { type: "string" },
      fresh: { type: "boolean", default: false },
    },
    USAGE,
  );
  if (!(PROFILES as readonly string[]).includes(values.profile!)) {
    usageError(`--profile must be one of ${PROFILES.join(", ")}, got "${values.profile}"`, USAGE);
  }
  const profile = values.profile!;
  const [data, outputs] = orUsageError(() => [dataDir(values["data-dir"]), outputsDir()]);
  // The notebooks' kernels inherit the environment: a bad precision or algorithm is refused here, before anything runs.
  orUsageError(() => [nativePrecision(), nativeConvAlgorithm()]);
  const steps: Step[] = [];

  const fail = (message: string): never => {
    console.error(`error: ${message}`);
    Deno.exit(1);
  };
  const run = await (async () => {
    try {
      // One command at a time writes in the outputs folder; the data folder is not rebuilt while the run reads it.
      await lockFolder(outputs, { purpose: `a reproduce run (profile ${profile})` });
      if (await recoverPublish(outputs)) console.log(`completed the publish of an interrupted run in ${outputs}`);
      await ensureKernel();
      const gen = await generateData({ dir: data });
      steps.push({ step: "data", seconds: gen.seconds, status: gen.written ? "built" : "present, kept" });
      await lockFolder(data, { purpose: `a reproduce run reading it (profile ${profile})`, shared: true });
      // Everything the notebooks write goes to the run folder (models and features are shared caches).
      return await openRun(outputs, profile, values.fresh);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  })();
  const staging = run.dir;
  /** When the run began (an interrupted run's start, when this one resumes it). */
  const started = new Date(run.progress.startedAt);
  // An interrupted run keeps its folder, so that the next one can resume it.
  let publishing = false, ending = false;
  // Ctrl+C, kill, a closed terminal: the notebook's executor and kernel are stopped before this process exits.
  onEndingSignal(async (signal) => {
    if (publishing) {
      console.error(`\n${signal} while publishing: finishing the publish first (it takes a moment)`);
      return;
    }
    ending = true;
    await stopRunningNotebook();
    await stopChildren(); // what else it started (the HTML renderer)
    console.error(
      `\ninterrupted (${signal}): nothing published; run the same command again to resume (${
        relative(outputs, staging)
      })`,
    );
    Deno.exit(signalExitCode(signal));
  });

  const dir = Deno.env.get("NOISY_DIGITS_NOTEBOOKS_DIR") ?? join(REPO_ROOT, "notebooks");
  const names = listNotebooks(dir);
  if (run.resumed) {
    const finished = Object.keys(run.progress.notebooks).length;
    console.log(`resuming the ${profile} run started ${run.progress.startedAt}: ${finished} notebook(s) finished then`);
  }
  let total = 0, upstream = "";
  const engine = expectedEngineDescription();
  const dependencies = await runDependencies(join(REPO_ROOT, "lib"), data, profile, engine, [
    join(REPO_ROOT, "deno.lock"),
    join(REPO_ROOT, "scripts", "execute_notebook.py"),
  ]);
  for (const [i, name] of names.entries()) {
    const key = await notebookKey(join(dir, name), dependencies, upstream);
    const keyText = JSON.stringify(key);
    upstream = keyText;
    const done = run.progress.notebooks[name];
    const counter = `[${i + 1}/${names.length}]`;
    if (done && done.key === keyText) {
      total += done.seconds;
      steps.push({ step: name, seconds: done.seconds, status: "ok (reused from the interrupted run)" });
      console.log(
        `${counter} ${name}: reused, finished ${done.finishedAt} in ${formatDuration(done.seconds)} ` +
          `(total ${formatDuration(total)})`,
      );
      continue;
    }
    if (done) {
      const old = JSON.parse(done.key) as NotebookKey;
      const what: Record<keyof NotebookKey, string> = {
        notebook: "the notebook",
        library: "lib/",
        data: "the data",
        profile: "the profile",
        engine: "the engine",
        runner: "deno.lock or the executor",
        upstream: "an earlier notebook",
      };
      const changed = (Object.keys(key) as (keyof NotebookKey)[]).filter((k) => old[k] !== key[k]).map((k) => what[k]);
      console.log(`${counter} ${name}: redone, ${changed.join(" and ")} changed since the interrupted run`);
    } else if (run.resumed) {
      console.log(`${counter} ${name}: redone, it had not finished`);
    }
    console.log(`\n== ${counter} ${name} (profile ${profile})`);
    await beginNotebook(run, name);
    const r = await runNotebook(join(dir, name), { profile, dataDir: data, outputsDir: staging, rerun: false });
    total += r.seconds;
    steps.push({ step: name, seconds: r.seconds, status: r.ok ? "ok" : "FAILED" });
    console.log(
      `${counter} ${name}: ${r.ok ? "ok" : "FAILED"} in ${formatDuration(r.seconds)} (total ${formatDuration(total)})`,
    );
    if (!r.ok) {
      fail(
        `notebook ${name} failed under profile ${profile}: nothing published, ${join(outputs, "REPORT.md")} and ` +
          `${join(outputs, "figures")} are as before; the notebooks that finished are kept in ` +
          `${relative(outputs, staging)} and reused by the next run (--fresh to start over)`,
      );
    }
    await finishNotebook(run, name, keyText, r.seconds);
  }
  console.log(`\nall ${names.length} notebooks passed in ${formatDuration(total)}`);

  try {
    await writeReport({ profile, data, outputs, staging, started, engine, names, steps });
  } catch (e) {
    if (ending) await new Promise<never>(() => {}); // stopped by a signal: its handler speaks and exits
    fail(`writing the report failed, nothing published: ${e instanceof Error ? e.message : e}`);
  }
  if (ending) await new Promise<never>(() => {}); // a signal came while the report was written: nothing published
  publishing = true;
  const published = await publish(outputs, staging, profile);
  console.log(
    `\npublished ${published.length} files in ${outputs}, the last ${join(outputs, "REPORT.md")}` +
      (profile === "full" ? `; the published run is in ${join(outputs, PUBLISHED)}` : ""),
  );
}

if (import.meta.main) await main();

/** The machine, in one line: CPU model, cores, memory. */
function machine(): string {
  let cpu = "unknown CPU";
  try {
    cpu = /model name\s*:\s*(.+)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const gib = Deno.systemMemoryInfo().total / 2 ** 30;
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${gib.toFixed(0)} GiB memory (${Deno.build.os})`;
}

/**
 * The text of an executed notebook with the paths its cells printed made
 * relative to the repository (the run folder named as the outputs folder it
 * is published to; a data or outputs folder outside the repository as
 * `<data-dir>` / `<outputs>`), so that no machine's path is published.
 */
function relativePaths(text: string, { outputs, staging, data }: ReportInputs): string {
  const root = REPO_ROOT.replace(/\/$/, "");
  const shownOutputs = inRepo(outputs) ?? "<outputs>", shownData = inRepo(data) ?? "<data-dir>";
  return text.replaceAll(`${staging}/`, `${shownOutputs}/`).replaceAll(`${outputs}/`, `${shownOutputs}/`)
    .replaceAll(data, shownData).replaceAll(`${root}/`, "");
}

/** `path` relative to the repository, or null when it lies outside it. */
function inRepo(path: string): string | null {
  const shown = repoRelative(path);
  return isAbsolute(shown) ? null : shown;
}

/** The data folder as the report names it: relative to the repository, never a machine's absolute path. */
function dataFolder(data: string): string {
  const shown = inRepo(data);
  return shown === null ? "a folder outside the repository (`--data-dir`)" : `\`${shown}\``;
}

/** The headline as a table of plain rows; the row to expect in bold when `markdown`. */
function headlineRows(results: ResultRecord[], markdown: boolean): Record<string, string>[] {
  return headline(results).map((h) => ({
    "": h.row,
    "test accuracy": h.testAccuracy === undefined ? "not in this run" : pct(h.testAccuracy),
    "test images": h.testImages === undefined ? "" : h.testImages.toLocaleString("en-US"),
    "who can expect it": h.expected && markdown ? `**${h.who}**` : h.who,
    from: h.source,
  }));
}

/**
 * Writes REPORT.md and the HTML page of each executed notebook into the run
 * folder from what this run made, and for the `full` profile the published run.
 */
async function writeReport(inputs: ReportInputs): Promise<void> {
  const { profile, data, outputs, staging, started, engine, names, steps } = inputs;
  // The results of this run only (the run folder's ledger starts empty).
  // Every row of this run (the ledger: each seed's run its own row); the tables show each model's own seed.
  const ledger = runLedger(await readAllResults(staging), profile);
  const results = latestRecords(ledger);
  // The submissions of notebooks 07 (the report's final model) and 08 (our best), scored as the leaderboard would.
  const solution = await loadSolution({ dataDir: data });
  const submissions: Record<string, string>[] = [];
  const written = [...Deno.readDirSync(staging)].map((e) => e.name).filter((n) => /^submission.*\.csv$/.test(n)).sort();
  for (const file of written) {
    const path = join(staging, file);
    const made = file.startsWith("submission-best") ? "notebook 08" : "notebook 07";
    const predicted = await loadLabelsCsv(path);
    const score = solution && predicted.length === solution.length ? pct(scoreSubmission(predicted, solution)) : "";
    submissions.push({
      file,
      "made by": made,
      rows: String(predicted.length),
      accuracy: score || "not scored (no test_solution.csv, or a partial file)",
    });
  }
  const figures: string[] = [];
  try {
    for (const e of Deno.readDirSync(join(staging, "figures"))) if (e.name.endsWith(".svg")) figures.push(e.name);
  } catch { /* no figures */ }
  figures.sort();
  const totalSeconds = steps.reduce((s, x) => s + x.seconds, 0);
  // The machine's limit as the bench measures it, taken now that the notebooks are done and the machine is quiet.
  const peak = machinePeak(helperWorkers() + 1);
  const peakText = peak
    ? ` Matrix-product peak (\`deno task bench\`'s sgemm measure, taken after the notebooks): ` +
      `${peak.oneCore.toFixed(1)} GMAC/s on 1 core, ${peak.allCores.toFixed(1)} GMAC/s on ${peak.cores} cores.`
    : "";
  const report = [
    "# noisy-digits: reproduction report",
    "",
    `Profile \`${profile}\`, data from ${dataFolder(data)}, started ${started.toISOString()}, ` +
    `total ${formatDuration(totalSeconds)}.`,
    "",
    `Machine: ${machine()}. Training engine: ${engine}.${peakText}`,
    "",
    "## Headline (test accuracy on the test images of our rebuild)",
    "",
    table(headlineRows(results, true)).markdown,
    "",
    "## Steps",
    "",
    table(steps.map((s) => ({ step: s.step, "wall time": formatDuration(s.seconds), status: s.status }))).markdown,
    "",
    "## Results (holdout: 3,000 images of the 75/25 split; test: the 50,000 test images of our rebuild)",
    "",
    results.length
      ? table(results.map((r) => ({
        section: r.section,
        model: r.model,
        holdout: pct(r.holdoutAccuracy),
        "report's figure": pct(r.reportAccuracy),
        test: pct(r.testAccuracy),
        "test images": r.testImages ?? "",
        "train time": r.trainSeconds === undefined ? "" : formatDuration(r.trainSeconds),
        parameters: r.parameters ?? "",
        note: r.note ?? "",
      }))).markdown
      : "_No notebook recorded results._",
    "",
    "## Submissions (leaderboard-style score on the test labels)",
    "",
    submissions.length ? table(submissions).markdown : "_No submission file was written._",
    "",
    "## Figures",
    "",
    ...figures.map((f) => `![${f}](${relative(outputs, join(outputs, "figures", f))})`),
    "",
  ].join("\n");
  // Each executed notebook as a page, beside it.
  const executedDir = join(staging, "notebooks");
  const notebooks: PublishedNotebook[] = [];
  for (const name of names) {
    const executed = join(executedDir, name), text = relativePaths(await Deno.readTextFile(executed), inputs);
    await writeFileAtomic(executed, text);
    await renderHtml(executed, executedDir);
    const seconds = steps.find((s) => s.step === name)?.seconds ?? 0;
    notebooks.push({ ...describeExecuted(name, text), seconds });
  }
  await writeFileAtomic(join(staging, "REPORT.md"), report);
  if (profile !== "full") return;
  // The published run: a self-contained folder, every path in it relative to it.
  const pub = join(staging, PUBLISHED);
  await Deno.remove(pub, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(pub, "notebooks"), { recursive: true });
  await Deno.mkdir(join(pub, "figures"), { recursive: true });
  for (const n of notebooks) {
    const stem = n.name.replace(/\.ipynb$/, "");
    await Deno.copyFile(join(executedDir, n.name), join(pub, "notebooks", n.name));
    await Deno.copyFile(join(executedDir, `${stem}.html`), join(pub, "notebooks", `${stem}.html`));
  }
  // The stylesheet the pages share (none under the notebook stand-in of the tests).
  const stylesheet = join(executedDir, PAGE_STYLESHEET);
  if (await exists(stylesheet)) await Deno.copyFile(stylesheet, join(pub, "notebooks", PAGE_STYLESHEET));
  for (const f of figures) await Deno.copyFile(join(staging, "figures", f), join(pub, "figures", f));
  await Deno.writeTextFile(join(pub, "results.json"), JSON.stringify(ledger, null, 1) + "\n");
  await Deno.writeTextFile(join(pub, "REPORT.md"), report);
  await Deno.writeTextFile(join(pub, "REPORT.html"), reportPage(report));
  const headlineHtml = table(headlineRows(results, false)).html;
  await Deno.writeTextFile(
    join(pub, "index.html"),
    indexPage({ profile, started: started.toISOString(), totalSeconds, engine }, notebooks, headlineHtml, figures),
  );
}
