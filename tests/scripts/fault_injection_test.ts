/**
 * Kill-anywhere tests: each multi-file write of the project (the data build,
 * a model save, a cache write, `deno task reproduce`'s publish) runs in a
 * subprocess that kills itself with SIGKILL at a seeded fault point
 * (`NOISY_DIGITS_CRASH_AT`, see `lib/util/fs.ts`: every open, slice written,
 * rename and removal of those writes is one). After each kill the state must
 * load wholly the old or wholly the new content (never a mix), or refuse with
 * a clear error; a user's file beside ours must still be there; and the
 * temporary files of the killed run must be gone after the next run.
 *
 * 50 distinct kill points per write (`NOISY_DIGITS_KILL_POINTS` to change),
 * drawn with a fixed seed from every step the write takes (counted by a run
 * without a kill), three subprocesses at a time.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { createRandom, shuffleInPlace } from "noisy-digits/util";
import {
  type Dataset,
  loadCsvDataset,
  loadSolution,
  loadTest,
  loadTrain,
  readSynthesisRecord,
  SYNTHESIS_RECORD,
} from "noisy-digits/data";
import { loadNetwork, saveNetwork } from "noisy-digits/train";
import { loadOptimizer, readModelMeta } from "../../lib/train/io.ts"; // internal: this test reaches behind the face on purpose
import { recoverPublish } from "../../scripts/publish.ts";
import { faultModel } from "../fixtures/fault_driver.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const DRIVER = join(ROOT, "tests/fixtures/fault_driver.ts");
const STUB = join(ROOT, "tests/fixtures/notebook_stub.ts");
const KILL_POINTS = Number(Deno.env.get("NOISY_DIGITS_KILL_POINTS") ?? 50);
const SEED = 12;

interface Run {
  code: number;
  signal: string | null;
  stderr: string;
}

async function run(args: string[], env: Record<string, string>, crashAt?: number): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    env: { ...env, NOISY_DIGITS_CRASH_AT: String(crashAt ?? 0), NOISY_DIGITS_CRASH_REPORT: "1" },
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, signal: out.signal, stderr: new TextDecoder().decode(out.stderr) };
}

/** The number of fault points a run without a kill takes. */
async function countSteps(args: string[], env: Record<string, string>): Promise<number> {
  const r = await run(args, env);
  assert.equal(r.code, 0, `the run without a kill failed: ${r.stderr}`);
  const m = /fault-steps: (\d+)/.exec(r.stderr);
  assert.ok(m, `no step count in: ${r.stderr}`);
  return Number(m[1]);
}

/** `KILL_POINTS` distinct points in 1..total, seeded. */
function killPoints(total: number): number[] {
  assert.ok(total >= KILL_POINTS, `only ${total} fault points: the scenario must take at least ${KILL_POINTS}`);
  const all = Array.from({ length: total }, (_, i) => i + 1);
  return shuffleInPlace(all, createRandom(SEED)).slice(0, KILL_POINTS).sort((a, b) => a - b);
}

/** Runs `check(point)` for every point, three at a time (the subprocesses mostly wait on start-up). */
async function forEachPoint(points: number[], check: (point: number) => Promise<void>): Promise<void> {
  const queue = [...points];
  const worker = async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) await check(p);
  };
  await Promise.all([worker(), worker(), worker()]);
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.isFile) await Deno.copyFile(join(from, e.name), join(to, e.name));
    else if (e.isDirectory) await copyDir(join(from, e.name), join(to, e.name));
  }
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

function sameData(a: Dataset, b: Dataset): boolean {
  return a.count === b.count && a.pixels.every((v, i) => v === b.pixels[i]) &&
    (a.labels === null ? b.labels === null : a.labels.every((v, i) => v === b.labels![i]));
}

Deno.test("data build: killed at 50 points, the loaders see wholly the old set or wholly the new one", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "noisy-digits-fault-data-" });
  try {
    const build = (dir: string, seed: number) => [
      "scripts/data.ts",
      "--force",
      "--data-dir",
      dir,
      "--seed",
      String(seed),
      "--train-count",
      "12",
      "--test-count",
      "12",
    ];
    const env = { NOISY_DIGITS_WRITE_SLICE: "2048" };
    const oldDir = join(tmp, "old"), newDir = join(tmp, "new");
    assert.equal((await run(build(oldDir, 1), env)).code, 0);
    const total = await countSteps(build(newDir, 2), env);
    const load = async (dir: string) => ({
      train: await loadTrain({ dataDir: dir, cache: false }),
      test: await loadTest({ dataDir: dir, cache: false }),
      solution: Array.from((await loadSolution({ dataDir: dir }))!),
    });
    const old = await load(oldDir), fresh = await load(newDir);
    assert.ok(!sameData(old.train, fresh.train), "the two seeds give different sets");
    let sawOld = 0, sawNew = 0;
    await forEachPoint(killPoints(total), async (point) => {
      const dir = join(tmp, `k${point}`);
      await copyDir(oldDir, dir);
      await Deno.writeTextFile(join(dir, "notes.txt"), "a user's file");
      const r = await run(build(dir, 2), env, point);
      assert.equal(r.signal, "SIGKILL", `point ${point}: the build was not killed (${r.code}: ${r.stderr})`);
      const got = await load(dir); // loaders complete a committed build and clean up after a killed one
      const isOld = sameData(got.train, old.train) && sameData(got.test, old.test) &&
        got.solution.join() === old.solution.join();
      const isNew = sameData(got.train, fresh.train) && sameData(got.test, fresh.test) &&
        got.solution.join() === fresh.solution.join();
      assert.ok(isOld || isNew, `point ${point}: a mix of the old and the new data set`);
      if (isOld) sawOld++;
      else sawNew++;
      assert.deepEqual(
        names(dir),
        [SYNTHESIS_RECORD, "notes.txt", "test_data.csv", "test_solution.csv", "train_data.csv"],
        `point ${point}`,
      );
      // The synthesis record belongs to the same unit: it names the seed of the set the loaders see.
      assert.equal((await readSynthesisRecord(dir))?.seed, isOld ? 1 : 2, `point ${point}: record of another set`);
      await Deno.remove(dir, { recursive: true });
    });
    assert.ok(sawOld > 0 && sawNew > 0, `kills fell before and after the commit point (${sawOld} old, ${sawNew} new)`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

async function weightsAll(model: tf.LayersModel): Promise<number[]> {
  const values = new Set<number>();
  for (const w of model.getWeights()) for (const v of await w.data()) values.add(v);
  return [...values];
}

Deno.test("model save: killed at 50 points, the model loads as the old or the new one, weights and metadata together", async () => {
  await tf.setBackend("cpu");
  const tmp = await Deno.makeTempDir({ prefix: "noisy-digits-fault-model-" });
  try {
    const template = join(tmp, "template");
    const env = { NOISY_DIGITS_WRITE_SLICE: "1024" };
    assert.equal((await run([DRIVER, "model", template, "1"], env)).code, 0);
    await Deno.writeTextFile(join(template, "README.txt"), "a user's note");
    const total = await countSteps([DRIVER, "model", join(tmp, "count"), "2"], env);
    const seen = new Set<number>();
    await forEachPoint(killPoints(total), async (point) => {
      const dir = join(tmp, `k${point}`);
      await copyDir(template, dir);
      const r = await run([DRIVER, "model", dir, "2"], env, point);
      assert.equal(r.signal, "SIGKILL", `point ${point}: not killed (${r.code}: ${r.stderr})`);
      const model = await loadNetwork(dir);
      const meta = (await readModelMeta(dir)) as { tag: number };
      assert.deepEqual(await weightsAll(model), [meta.tag], `point ${point}: weights of one save, metadata of another`);
      const opt = tf.train.adam(0.01);
      assert.equal(await loadOptimizer(opt, dir), true, `point ${point}: optimizer state saved with the model`);
      seen.add(meta.tag);
      // The next save cleans up what the killed one left.
      const { model: next } = faultModel(3);
      await saveNetwork(next, dir, { meta: { tag: 3 } });
      const left = names(dir);
      assert.deepEqual(left.filter((n) => n !== "README.txt").length, 2, `point ${point}: ${left.join(", ")}`);
      assert.ok(left.includes("README.txt"), `point ${point}: the user's file is gone`);
      tf.dispose([...model.getWeights(), ...next.getWeights()]);
      await Deno.remove(dir, { recursive: true });
    });
    assert.deepEqual([...seen].sort(), [1, 2], "kills fell before and after the commit point");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

const row = (v: number, label: number) => new Array(784).fill(v).join(",") + `,${label}`;

Deno.test("cache write: killed at 50 points, the next load returns the CSV's current content", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "noisy-digits-fault-cache-" });
  try {
    const env = { NOISY_DIGITS_WRITE_SLICE: "2048" };
    const rows = (v: number) => Array.from({ length: 40 }, (_, i) => row(v, i % 10)).join("\n") + "\n";
    const template = join(tmp, "template");
    await Deno.mkdir(template);
    await Deno.writeTextFile(join(template, "train_data.csv"), rows(0.25));
    await loadCsvDataset(join(template, "train_data.csv"), true); // an entry for the old content
    await Deno.writeTextFile(join(template, "train_data.csv"), rows(0.5)); // same size, new content
    await Deno.writeTextFile(join(template, ".noisy-digits-cache", "mine.txt"), "a user's file");
    const expected = await loadCsvDataset(join(template, "train_data.csv"), true, { cache: false });
    const countDir = join(tmp, "count");
    await copyDir(template, countDir);
    const total = await countSteps([DRIVER, "cache", join(countDir, "train_data.csv")], env);
    await forEachPoint(killPoints(total), async (point) => {
      const dir = join(tmp, `k${point}`);
      await copyDir(template, dir);
      const r = await run([DRIVER, "cache", join(dir, "train_data.csv")], env, point);
      assert.equal(r.signal, "SIGKILL", `point ${point}: not killed (${r.code}: ${r.stderr})`);
      const first = await loadCsvDataset(join(dir, "train_data.csv"), true);
      const info = {};
      const second = await loadCsvDataset(join(dir, "train_data.csv"), true, {}, info);
      assert.ok(
        sameData(first, expected) && sameData(second, expected),
        `point ${point}: stale or damaged data served`,
      );
      assert.deepEqual(info, { fromCache: true, seconds: (info as { seconds: number }).seconds });
      assert.deepEqual(names(join(dir, ".noisy-digits-cache")), ["mine.txt", "train_data.csv.upright-f32.ndc"]);
      await Deno.remove(dir, { recursive: true });
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("reproduce: killed at 50 points, the report, figures and results are the old run's or the new run's", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "noisy-digits-fault-reproduce-" });
  try {
    const data = join(tmp, "data"), notebooks = join(tmp, "notebooks"), template = join(tmp, "template");
    assert.equal(
      (await run(["scripts/data.ts", "--data-dir", data, "--train-count", "10", "--test-count", "10"], {})).code,
      0,
    );
    await Deno.mkdir(notebooks);
    await Deno.writeTextFile(join(notebooks, "01_a.ipynb"), "{}");
    const reproduce = ["scripts/reproduce.ts", "--profile", "smoke", "--data-dir", data];
    const env = (outputs: string, tag: string) => ({
      NOISY_DIGITS_NOTEBOOK_STUB: STUB,
      NOISY_DIGITS_NOTEBOOKS_DIR: notebooks,
      NOISY_DIGITS_OUTPUTS: outputs,
      NOISY_DIGITS_WRITE_SLICE: "32",
      STUB_TAG: tag,
    });
    // The previous state: a published smoke run "A", a full-profile row, a user's figure, a trained model.
    await Deno.mkdir(join(template, "figures"), { recursive: true });
    await Deno.mkdir(join(template, "results"), { recursive: true });
    await Deno.mkdir(join(template, "models", "final-cnn"), { recursive: true });
    await Deno.writeTextFile(join(template, "figures", "mine.svg"), "<svg/>");
    await Deno.writeTextFile(join(template, "models", "final-cnn", "model.json"), "{}");
    await Deno.writeTextFile(
      join(template, "results", "01_a.json"),
      JSON.stringify([{ section: "01_a", model: "model-01_a", profile: "full", note: "FULL" }]),
    );
    assert.equal((await run(reproduce, env(template, "A"))).code, 0);
    const countDir = join(tmp, "count");
    await copyDir(template, countDir);
    const total = await countSteps(reproduce, env(countDir, "B"));
    const tags = new Set<string>();
    await forEachPoint(killPoints(total), async (point) => {
      const outputs = join(tmp, `k${point}`);
      await copyDir(template, outputs);
      const r = await run(reproduce, env(outputs, "B"), point);
      assert.equal(r.signal, "SIGKILL", `point ${point}: not killed (${r.code}: ${r.stderr})`);
      await recoverPublish(outputs); // what the next `reproduce` does first
      const report = await Deno.readTextFile(join(outputs, "REPORT.md"));
      const tag = / \| (A|B) \|\n/.exec(report)?.[1];
      assert.ok(tag, `point ${point}: no run tag in the report`);
      tags.add(tag);
      for (const f of ["01_a-1", "01_a-2"]) {
        const svg = await Deno.readTextFile(join(outputs, "figures", `${f}.svg`));
        assert.ok(svg.includes(`<!-- ${tag} -->`), `point ${point}: figure ${f} is not of run ${tag}`);
      }
      const rows = JSON.parse(await Deno.readTextFile(join(outputs, "results", "01_a.json")));
      const smoke = rows.filter((x: { profile: string }) => x.profile === "smoke");
      assert.deepEqual(smoke.map((x: { note: string }) => x.note), [tag], `point ${point}: results`);
      const executed = JSON.parse(await Deno.readTextFile(join(outputs, "notebooks", "01_a.ipynb")));
      assert.equal(executed.tag, tag, `point ${point}: the executed notebook is of another run`);
      const full = JSON.parse(await Deno.readTextFile(join(outputs, "results", "01_a.json")))
        .filter((x: { profile: string }) => x.profile === "full");
      assert.equal(full.length, 1, `point ${point}: the full profile's row is gone`);
      assert.ok(names(join(outputs, "figures")).includes("mine.svg"), `point ${point}: the user's figure is gone`);
      assert.ok(names(join(outputs, "models", "final-cnn")).includes("model.json"), `point ${point}: a model is gone`);
      // Killed before the publish: at most the run folder stays, with its progress, for the next run to resume (none
      // when the kill came before the run folder was made); after the publish: nothing.
      const left = names(outputs).filter((n) => n.startsWith("."));
      if (tag === "B") assert.deepEqual(left, [], `point ${point}: left beside a published run`);
      else {
        assert.ok(
          left.length === 0 || (left.length === 1 && left[0] === ".reproduce-run-smoke"),
          `point ${point}: ${left}`,
        );
        if (left.length) {
          assert.ok(names(join(outputs, left[0])).includes("progress.json"), `point ${point}: a run folder to resume`);
        }
      }
      await Deno.remove(outputs, { recursive: true });
    });
    assert.deepEqual([...tags].sort(), ["A", "B"], "kills fell before and after the commit point");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
