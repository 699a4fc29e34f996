/**
 * `deno task reproduce [--profile full|quick|smoke] [--data-dir DIR]`: the
 * whole study in one command. Builds the data if absent, runs every notebook
 * headlessly under the profile (`full` by default) and writes
 * `outputs/REPORT.md`: each step's wall time, the results of every model next
 * to the report's figures, and the figures produced.
 *
 * The run writes into a staging folder and its outputs (report, figures,
 * results of its profile, submissions, executed notebooks) are published only
 * when every notebook passed (`scripts/publish.ts`): a failed or interrupted
 * run leaves the previous report and figures as they were, and no command
 * here removes a file it did not make. `NOISY_DIGITS_NOTEBOOKS_DIR` (tests)
 * takes the notebooks from another folder.
 *
 * @module
 */

import { join, relative } from "node:path";
import { dataDir, outputsDir, REPO_ROOT, repoRelative } from "../lib/data/paths.ts";
import { generateData } from "../lib/data/generate.ts";
import { PROFILES } from "../lib/study/profile.ts";
import { formatDuration } from "../lib/display/progress.ts";
import { readAllResults } from "../lib/study/results.ts";
import { latestRecords } from "../lib/study/ranking.ts";
import { loadLabelsCsv, loadSolution } from "../lib/data/load.ts";
import { scoreSubmission } from "../lib/data/submission.ts";
import { table } from "../lib/display/table.ts";
import { formatPercent } from "../lib/display/format.ts";
import { writeFileAtomic } from "../lib/util/fs.ts";
import { ensureKernel, listNotebooks, runNotebook } from "./notebook_runner.ts";
import { parseOptions, usageError } from "./args.ts";
import { createStaging, discardStaging, publish, recoverPublish } from "./publish.ts";
import { expectedEngineDescription } from "../lib/runtime/native/engine.ts";

const USAGE = "usage: deno task reproduce [--profile full|quick|smoke] [--data-dir DIR]";
const { values } = parseOptions(
  { profile: { type: "string", default: "full" }, "data-dir": { type: "string" } },
  USAGE,
);
if (!(PROFILES as readonly string[]).includes(values.profile!)) {
  usageError(`--profile must be one of ${PROFILES.join(", ")}, got "${values.profile}"`, USAGE);
}
const profile = values.profile!;
const data = dataDir(values["data-dir"]);
const outputs = outputsDir();
const steps: { step: string; seconds: number; status: string }[] = [];
const started = new Date();

try {
  if (await recoverPublish(outputs)) console.log(`completed the publish of an interrupted run in ${outputs}`);
  await ensureKernel();
  const gen = await generateData({ dir: data });
  steps.push({ step: "data", seconds: gen.seconds, status: gen.written ? "built" : "present, kept" });
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
// Everything the notebooks write goes to the staging folder (models and features are shared caches).
const staging = await createStaging(outputs);
const stop = () => {
  discardStaging(staging).finally(() => Deno.exit(130));
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);

const pct = (v?: number) => (v === undefined ? "" : formatPercent(v));
const dir = Deno.env.get("NOISY_DIGITS_NOTEBOOKS_DIR") ?? join(REPO_ROOT, "notebooks");
for (const name of listNotebooks(dir)) {
  console.log(`\n== ${name} (profile ${profile})`);
  const r = await runNotebook(join(dir, name), { profile, dataDir: data, outputsDir: staging, rerun: false });
  steps.push({ step: name, seconds: r.seconds, status: r.ok ? "ok" : "FAILED" });
  if (!r.ok) {
    await discardStaging(staging);
    console.error(
      `\nnotebook ${name} failed under profile ${profile}: nothing published, ${join(outputs, "REPORT.md")} ` +
        `and ${join(outputs, "figures")} are as before`,
    );
    Deno.exit(1);
  }
}

try {
  await writeReport();
} catch (e) {
  await discardStaging(staging);
  console.error(`error: writing the report failed, nothing published: ${e instanceof Error ? e.message : e}`);
  Deno.exit(1);
}
const published = await publish(outputs, staging, profile);
console.log(`\npublished ${published.length} files in ${outputs}, the last ${join(outputs, "REPORT.md")}`);

/** Writes REPORT.md into the staging folder from what this run made. */
async function writeReport(): Promise<void> {
  // The results of this run only (the staging ledger starts empty).
  const results = latestRecords((await readAllResults(staging)).filter((r) => (r.profile ?? profile) === profile));
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
  const report = [
    "# noisy-digits: reproduction report",
    "",
    `Profile \`${profile}\`, data from \`${repoRelative(data)}\`, started ${started.toISOString()}, ` +
    `total ${formatDuration(steps.reduce((s, x) => s + x.seconds, 0))}.`,
    "",
    `Training engine: ${expectedEngineDescription()}.`,
    "",
    "## Steps",
    "",
    table(steps.map((s) => ({ step: s.step, "wall time": formatDuration(s.seconds), status: s.status }))).markdown,
    "",
    "## Results (holdout: 3,000 images of the 75/25 split; test: the 50,000 test images)",
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
  await writeFileAtomic(join(staging, "REPORT.md"), report);
}
