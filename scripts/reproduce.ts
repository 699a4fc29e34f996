/**
 * `deno task reproduce [--profile full|quick|smoke] [--data-dir DIR]`: the
 * whole study in one command. Builds the data if absent, runs every notebook
 * headlessly under the profile (`full` by default) and writes
 * `outputs/REPORT.md`: each step's wall time, the results of every model next
 * to the report's figures, and the figures produced.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join, relative } from "node:path";
import { dataDir, outputsDir, REPO_ROOT } from "../lib/data/paths.ts";
import { generateData } from "../lib/data/generate.ts";
import { PROFILES } from "../lib/study/profile.ts";
import { formatDuration } from "../lib/display/progress.ts";
import { forgetResults, readAllResults } from "../lib/study/results.ts";
import { latestRecords } from "../lib/study/ranking.ts";
import { loadLabelsCsv, loadSolution } from "../lib/data/load.ts";
import { scoreSubmission } from "../lib/data/submission.ts";
import { table } from "../lib/display/table.ts";
import { writeFileAtomic } from "../lib/util/fs.ts";
import { ensureKernel, listNotebooks, runNotebook } from "./notebook_runner.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { profile: { type: "string", default: "full" }, "data-dir": { type: "string" } },
});
if (!(PROFILES as readonly string[]).includes(values.profile!)) {
  console.error(`--profile must be one of ${PROFILES.join(", ")}, got "${values.profile}"`);
  Deno.exit(2);
}
const profile = values.profile!;
const data = dataDir(values["data-dir"]);
const outputs = outputsDir();
const steps: { step: string; seconds: number; status: string }[] = [];
const started = new Date();

await ensureKernel();
const gen = await generateData({ dir: data });
steps.push({ step: "data", seconds: gen.seconds, status: gen.written ? "built" : "present, kept" });
// A fresh ledger for this profile only: the rows of other profiles (a long `full` run) are kept.
await forgetResults(profile);
await Deno.remove(join(outputs, "figures"), { recursive: true }).catch(() => {});

const pct = (v?: number) => (v === undefined ? "" : `${(v * 100).toFixed(2)} %`);
const dir = join(REPO_ROOT, "notebooks");
let failed = false;
for (const name of listNotebooks(dir)) {
  console.log(`\n== ${name} (profile ${profile})`);
  const r = await runNotebook(join(dir, name), { profile, dataDir: data, outputsDir: outputs, rerun: false });
  steps.push({ step: name, seconds: r.seconds, status: r.ok ? "ok" : "FAILED" });
  if (!r.ok) {
    failed = true;
    break;
  }
}

const results = latestRecords((await readAllResults()).filter((r) => r.profile === profile));
// The submissions of notebooks 07 (the report's final model) and 08 (our best), scored as the leaderboard would.
const solution = await loadSolution({ dataDir: data });
const submissions: Record<string, string>[] = [];
const written = [...Deno.readDirSync(outputs)].map((e) => e.name).filter((n) => /^submission.*\.csv$/.test(n)).sort();
for (const file of written) {
  const path = join(outputs, file);
  if ((await Deno.stat(path)).mtime! < started) continue; // from an earlier run
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
  for (const e of Deno.readDirSync(join(outputs, "figures"))) if (e.name.endsWith(".svg")) figures.push(e.name);
} catch { /* no figures */ }
figures.sort();
const report = [
  "# noisy-digits: reproduction report",
  "",
  `Profile \`${profile}\`, data from \`${data}\`, started ${started.toISOString()}, ` +
  `total ${formatDuration(steps.reduce((s, x) => s + x.seconds, 0))}.`,
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
const path = join(outputs, "REPORT.md");
await writeFileAtomic(path, report);
console.log(`\nwrote ${path}`);
if (failed) Deno.exit(1);
