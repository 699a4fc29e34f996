import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { listNotebooks } from "../../scripts/notebook_runner.ts";
import { DENO_KERNELSPEC, notebookProblems, TYPESCRIPT_LANGUAGE_INFO } from "../../scripts/notebook_metadata.ts";

const dirs = ["notebooks", "tests/fixtures"].map((d) => join(REPO_ROOT, d));
const files = dirs.flatMap((dir) => listNotebooks(dir).map((name) => join(dir, name)));

Deno.test("there are notebooks to check", () => {
  assert.ok(files.some((f) => f.includes("/notebooks/01_")), files.join(", "));
});

for (const file of files) {
  Deno.test(`${file.slice(REPO_ROOT.length + 1)} names the Deno kernel and TypeScript, outputs cleared`, async () => {
    const nb = JSON.parse(await Deno.readTextFile(file));
    assert.deepEqual(notebookProblems(nb), []);
  });
}

Deno.test("the metadata check reports what editors would trip on", () => {
  const good = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { ...DENO_KERNELSPEC }, language_info: { ...TYPESCRIPT_LANGUAGE_INFO } },
    cells: [{ cell_type: "code", source: "1", outputs: [], execution_count: null }],
  };
  assert.deepEqual(notebookProblems(good), []);
  const python = {
    ...good,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  };
  const problems = notebookProblems(python);
  assert.ok(problems.some((p) => p.includes("kernelspec.name")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("language_info.name")), problems.join("\n"));
  const run = { ...good, cells: [{ cell_type: "code", source: "1", outputs: [{}], execution_count: 3 }] };
  assert.equal(notebookProblems(run).length, 2);
  assert.deepEqual(notebookProblems(run, { cleared: false }), []);
  assert.match(notebookProblems({ ...good, nbformat: 3 })[0], /nbformat/);
});

Deno.test("VS Code: .vscode recommends the Jupyter and Deno extensions, enables Deno, starts kernels next to the notebook", async () => {
  const read = async (name: string) => JSON.parse(await Deno.readTextFile(join(REPO_ROOT, ".vscode", name)));
  const { recommendations } = await read("extensions.json");
  assert.ok(recommendations.includes("ms-toolsai.jupyter") && recommendations.includes("denoland.vscode-deno"));
  const settings = await read("settings.json");
  assert.equal(settings["deno.enable"], true);
  // The notebooks import "../../lib/...": the kernel must start in notebooks/, as JupyterLab starts it.
  assert.equal(settings["jupyter.notebookFileRoot"], "${fileDirname}");
});
