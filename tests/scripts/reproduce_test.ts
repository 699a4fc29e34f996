/**
 * What `deno task reproduce` publishes, with a stand-in for the notebooks
 * (tests/fixtures/notebook_stub.ts): a `full` run refreshes the published run
 * as a whole; other profiles leave it alone.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { runScript } from "../support/scripts.ts";

function reproduce(profile: string, env: Record<string, string>) {
  return runScript(["scripts/reproduce.ts", "--profile", profile, "--data-dir", env.DATA], env);
}

/**
 * A project in `dir` for the notebook stand-in: a tiny data set, the notebooks `names` (empty), and the environment
 * that points reproduce at them (`extra` added: the stand-in's STUB_* switches).
 */
async function stubProject(dir: string, names: string[]) {
  const data = join(dir, "data"), notebooks = join(dir, "nb"), outputs = join(dir, "outputs");
  const made = await runScript(["scripts/data.ts", "--data-dir", data, "--train-count", "5", "--test-count", "5"]);
  assert.equal(made.code, 0, made.text);
  await Deno.mkdir(notebooks);
  for (const n of names) await Deno.writeTextFile(join(notebooks, n), "{}");
  const env = (extra: Record<string, string> = {}) => ({
    DATA: data,
    NOISY_DIGITS_NOTEBOOK_STUB: join(REPO_ROOT, "tests/fixtures/notebook_stub.ts"),
    NOISY_DIGITS_NOTEBOOKS_DIR: notebooks,
    NOISY_DIGITS_OUTPUTS: outputs,
    ...extra,
  });
  return { notebooks, outputs, env };
}

Deno.test("reproduce: a full run publishes index, pages, executed notebooks, figures, ledger and report; smoke does not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noisy-digits-reproduce-" });
  try {
    const { outputs, env } = await stubProject(dir, ["01_a.ipynb", "02_b.ipynb"]);
    const full = await reproduce("full", env({ STUB_TAG: "F" }));
    assert.equal(full.code, 0, full.text);
    assert.match(full.text, /\[1\/2\] 01_a\.ipynb: ok in .* \(total .*\)/);
    assert.match(full.text, /all 2 notebooks passed in/);
    const pub = join(outputs, "published");
    const list = (d: string) => [...Deno.readDirSync(d)].map((e) => e.name).sort();
    assert.deepEqual(list(pub), ["REPORT.html", "REPORT.md", "figures", "index.html", "notebooks", "results.json"]);
    assert.deepEqual(list(join(pub, "notebooks")), ["01_a.html", "01_a.ipynb", "02_b.html", "02_b.ipynb"]);
    assert.deepEqual(list(join(pub, "figures")), ["01_a-1.svg", "01_a-2.svg", "02_b-1.svg", "02_b-2.svg"]);
    const rows = JSON.parse(await Deno.readTextFile(join(pub, "results.json")));
    assert.deepEqual(rows.map((r: { model: string }) => r.model), ["model-01_a", "model-02_b"]);
    const index = await Deno.readTextFile(join(pub, "index.html"));
    assert.match(index, /<a class="notebook" href="notebooks\/01_a\.html">/);
    assert.match(index, /Our best model, from the competition files alone/);
    assert.match(index, /anyone with the competition files: this is the figure to expect/);
    assert.doesNotMatch(index, /\*\*/, "no Markdown markup in the HTML page");
    // Every figure is linked by name, and the report has its page: nothing relies on a directory listing.
    assert.deepEqual([...index.matchAll(/<a class="figure" href="figures\/([^"]+)">/g)].map((m) => m[1]), [
      "01_a-1.svg",
      "01_a-2.svg",
      "02_b-1.svg",
      "02_b-2.svg",
    ]);
    assert.match(index, /<a href="REPORT\.html">report<\/a>/);
    assert.match(await Deno.readTextFile(join(pub, "REPORT.html")), /<h2>Headline[^<]*<\/h2>\n<table>/);
    const report = await Deno.readTextFile(join(pub, "REPORT.md"));
    assert.match(report, /## Headline/);
    assert.match(report, /\*\*anyone with the competition files: this is the figure to expect[^*]*\*\*/);
    assert.match(report, /^Machine: .+ cores/m);
    // The bench's sgemm peak of the machine that ran it, a measured positive figure (the native libraries are installed).
    const peak = /Matrix-product peak .*?: ([0-9.]+) GMAC\/s on 1 core, ([0-9.]+) GMAC\/s on (\d+) cores/.exec(report);
    assert.ok(peak, "REPORT.md states the machine's sgemm peak");
    assert.ok(Number(peak[1]) > 1 && Number(peak[2]) > 1, `a measured peak, got ${peak[0]}`);
    assert.ok(!report.includes(dir), "the report names no absolute path of this machine");
    // A smoke run afterwards leaves the published run as it was.
    const before = await Deno.readTextFile(join(pub, "REPORT.md"));
    assert.equal((await reproduce("smoke", env({ STUB_TAG: "S" }))).code, 0);
    assert.equal(await Deno.readTextFile(join(pub, "REPORT.md")), before);
    assert.match(await Deno.readTextFile(join(outputs, "REPORT.md")), /^Profile `smoke`/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reproduce: resuming undoes the rows an interrupted notebook wrote, and redoes every notebook after a changed one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noisy-digits-resume-" });
  try {
    const { notebooks, outputs, env } = await stubProject(dir, ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb"]);
    // 02 writes a row, then fails: the row stays in the run folder only.
    assert.equal((await reproduce("smoke", env({ STUB_PARTIAL: "02" }))).code, 1);
    const stale = await Deno.readTextFile(join(outputs, ".reproduce-run-smoke", "results", "02_b.json"));
    assert.match(stale, /partial-02_b/);
    // Resumed: 01 reused, 02 redone from the ledger as it was before it, 03 run; the partial row is gone.
    const r = await reproduce("smoke", env());
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /\[1\/3\] 01_a\.ipynb: reused/);
    const rows = JSON.parse(await Deno.readTextFile(join(outputs, "results", "02_b.json")));
    assert.deepEqual(rows.map((x: { model: string }) => x.model), ["model-02_b"]);
    // A changed first notebook makes the later ones redone too (they build on it).
    assert.equal((await reproduce("smoke", env({ STUB_FAIL: "03" }))).code, 1);
    await Deno.writeTextFile(join(notebooks, "01_a.ipynb"), '{"changed": true}');
    const again = await reproduce("smoke", env());
    assert.equal(again.code, 0, again.text);
    assert.match(again.text, /\[1\/3\] 01_a\.ipynb: redone, the notebook changed since the interrupted run/);
    assert.match(again.text, /\[2\/3\] 02_b\.ipynb: redone, an earlier notebook changed since the interrupted run/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
