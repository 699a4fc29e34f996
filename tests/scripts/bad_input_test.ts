/**
 * Bad input, damaged files and misuse of the commands, as a hostile but
 * ordinary user would try them: each is refused with a message that names the
 * file (and line and column where there is one) and says what was expected,
 * or gives the correct result; nothing that is not the project's is removed
 * or replaced. The kill-anywhere tests are in `fault_injection_test.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  cacheDirFor,
  checkInputFile,
  Checksum,
  clearCache,
  DataFormatError,
  loadCsvDataset,
  type LoadInfo,
  loadLabelsCsv,
} from "noisy-digits/data";
import { CACHE_DIR_NAME } from "../../lib/data/cache.ts"; // internal: this test reaches behind the face on purpose
import { loadNetwork, saveNetwork } from "noisy-digits/train";
import { readModelMeta } from "../../lib/train/io.ts"; // internal: this test reaches behind the face on purpose
import { loadSvm } from "noisy-digits/svm";
import { removeStaleTemps, SavedFileError } from "noisy-digits/util";
import { runScript } from "../support/scripts.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const row = (v: number, label?: number) => new Array(784).fill(v).join(",") + (label === undefined ? "" : `,${label}`);

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "noisy-digits-bad-" });
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(() => null, (e) => e);
  assert.ok(e instanceof Error, "expected a refusal");
  return e;
}

// --- Id,Category files -------------------------------------------------------------------------

const LABEL_CASES: [string, string, RegExp, number, number][] = [
  [
    "empty Category",
    "Id,Category\n0,1\n1,\n2,3\n",
    /expected a Category 0-9 \(one digit\), found an empty field/,
    3,
    2,
  ],
  ["missing field", "Id,Category\n0,1\n1\n", /expected 2 fields "Id,Category", found 1 field/, 3, 0],
  ["empty Id", "Id,Category\n,1\n", /expected Id 0 .*found an empty field/, 2, 1],
  ["leading zero", "Id,Category\n0,1\n1,02\n", /expected a Category 0-9 \(one digit\), found "02"/, 3, 2],
  ["decimal category", "Id,Category\n0,1.0\n", /found "1.0"/, 2, 2],
  ["exponent", "Id,Category\n0,1e0\n", /found "1e0"/, 2, 2],
  ["space", "Id,Category\n0, 1\n", /found " 1"/, 2, 2],
  ["id 01", "Id,Category\n0,1\n01,2\n", /expected Id 1 .*found "01"/, 3, 1],
  ["duplicate id", "Id,Category\n0,1\n1,2\n1,2\n", /expected Id 2 .*found "1" \(a duplicate or out of order\)/, 4, 1],
  ["gap", "Id,Category\n0,1\n2,2\n", /expected Id 1 .*found "2"/, 3, 1],
  ["category 10", "Id,Category\n0,10\n", /found "10"/, 2, 2],
  ["extra field", "Id,Category\n0,1,2\n", /expected 2 fields "Id,Category", found 3 field/, 2, 0],
  ["blank line inside", "Id,Category\n0,1\n\n2,3\n", /found an empty line/, 3, 0],
  ["wrong header", "id,category\n0,1\n", /expected the header "Id,Category", found "id,category"/, 1, 0],
  ["BOM", "\uFEFFId,Category\n0,1\n", /UTF-8 byte-order mark/, 1, 1],
  ["cut last line", "Id,Category\n0,1\n1,", /found an empty field/, 3, 2],
];

for (const [name, text, pattern, line, column] of LABEL_CASES) {
  Deno.test(`Id,Category file refused with file:line:column: ${name}`, async () => {
    const path = join(await tempDir(), "submission.csv");
    await Deno.writeTextFile(path, text);
    const e = await refusal(loadLabelsCsv(path));
    assert.ok(e instanceof DataFormatError, String(e));
    assert.match(e.message, pattern);
    assert.ok(e.message.startsWith(path), e.message);
    assert.deepEqual([e.line, e.column], [line, column], e.message);
  });
}

Deno.test("Id,Category: CRLF and a missing final newline are fine; a row count can be required", async () => {
  const path = join(await tempDir(), "submission.csv");
  await Deno.writeTextFile(path, "Id,Category\r\n0,7\r\n1,0");
  assert.deepEqual(Array.from(await loadLabelsCsv(path)), [7, 0]);
  const e = await refusal(loadLabelsCsv(path, { rows: 3 }));
  assert.match(
    e.message,
    /submission\.csv: expected 3 rows \(one per test image\), found 2 - the file looks truncated/,
  );
});

Deno.test("deno task score refuses a truncated submission instead of scoring it", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(join(dir, "test_solution.csv"), "Id,Category\n0,1\n1,2\n2,3\n");
  await Deno.writeTextFile(join(dir, "sub.csv"), "Id,Category\n0,1\n1,2\n");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/score.ts", "--data-dir", dir, "--submission", join(dir, "sub.csv")],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 1);
  assert.match(new TextDecoder().decode(out.stderr), /sub\.csv: expected 3 rows .* found 2/);
});

// --- pixel CSVs and special files --------------------------------------------------------------

Deno.test("a UTF-8 BOM at the start of a pixel CSV is accepted", async () => {
  const path = join(await tempDir(), "train_data.csv");
  await Deno.writeTextFile(path, "\uFEFF" + row(0.5, 3) + "\n" + row(0.25, 4) + "\n");
  const ds = await loadCsvDataset(path, true, { cache: false });
  assert.deepEqual(Array.from(ds.labels!), [3, 4]);
  assert.equal(ds.pixels[0], 0.5);
});

Deno.test("a directory, a named pipe or a missing file as input: a message naming the path", async () => {
  const dir = await tempDir();
  const fifo = join(dir, "pipe.csv");
  assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
  const cases: [string, RegExp][] = [
    [dir, /is a directory, expected a regular file/],
    [fifo, /is a named pipe \(FIFO\), expected a regular file/],
    [join(dir, "nope.csv"), /file not found/],
  ];
  for (const [path, pattern] of cases) {
    for (const load of [() => loadCsvDataset(path, false), () => loadLabelsCsv(path), () => checkInputFile(path)]) {
      const e = await refusal(load());
      assert.ok(e instanceof DataFormatError, String(e));
      assert.ok(e.message.startsWith(`${path}: `), e.message);
      assert.match(e.message, pattern);
    }
  }
});

// --- the binary cache --------------------------------------------------------------------------

async function cachedCsv(): Promise<{ dir: string; path: string; entry: string }> {
  const dir = await tempDir();
  const path = join(dir, "train_data.csv");
  await Deno.writeTextFile(path, [row(0.25, 1), row(0.75, 2)].join("\n") + "\n");
  await loadCsvDataset(path, true);
  const entry = join(dir, CACHE_DIR_NAME, "train_data.csv.upright-f32.ndc");
  await Deno.stat(entry);
  return { dir, path, entry };
}

Deno.test("cache: same-size corrupted bytes are detected by the checksum and the CSV is parsed again", async () => {
  const { path, entry } = await cachedCsv();
  const bytes = await Deno.readFile(entry);
  bytes[bytes.length - 1] = 200; // the last label
  bytes.fill(0xff, bytes.length - 12, bytes.length - 8); // a pixel becomes NaN
  await Deno.writeFile(entry, bytes);
  const info: Partial<LoadInfo> = {};
  const ds = await loadCsvDataset(path, true, {}, info);
  assert.equal(info.fromCache, false);
  assert.deepEqual(Array.from(ds.labels!), [1, 2]);
  assert.ok(ds.pixels.every((v) => v === 0.25 || v === 0.75));
});

Deno.test("cache: a truncated or extended entry is rebuilt", async () => {
  for (const change of [(b: Uint8Array) => b.subarray(0, b.length - 5), (b: Uint8Array) => new Uint8Array([...b, 0])]) {
    const { path, entry } = await cachedCsv();
    await Deno.writeFile(entry, change(await Deno.readFile(entry)));
    const info: Partial<LoadInfo> = {};
    const ds = await loadCsvDataset(path, true, {}, info);
    assert.equal(info.fromCache, false);
    assert.deepEqual(Array.from(ds.labels!), [1, 2]);
  }
});

Deno.test("cache: an edit that keeps size and modification time (cp -p, touch -r) is not served stale", async () => {
  const { dir, path } = await cachedCsv();
  const before = await Deno.stat(path);
  const other = join(dir, "other.csv");
  await Deno.writeTextFile(other, [row(0.75, 3), row(0.75, 4)].join("\n") + "\n"); // same size
  assert.ok((await new Deno.Command("cp", { args: ["-p", other, path] }).output()).success);
  await Deno.utime(path, before.atime!, before.mtime!); // as touch -r
  const after = await Deno.stat(path);
  assert.equal(after.size, before.size);
  assert.equal(after.mtime!.getTime(), before.mtime!.getTime());
  const ds = await loadCsvDataset(path, true);
  assert.deepEqual(Array.from(ds.labels!), [3, 4]);
});

Deno.test("cache: lives in .noisy-digits-cache/ and clearing it removes only its own entries", async () => {
  const { dir, path } = await cachedCsv();
  assert.equal(cacheDirFor(path), join(dir, ".noisy-digits-cache"));
  const cache = join(dir, CACHE_DIR_NAME);
  await Deno.writeTextFile(join(cache, "notes.txt"), "mine");
  await Deno.mkdir(join(dir, ".cache"));
  await Deno.writeTextFile(join(dir, ".cache", "precious"), "not the project's");
  await Deno.writeTextFile(join(cache, "x.ndc.tmp-999999999-0123abcd"), "a killed write");
  const removed = await clearCache(cache);
  assert.equal(removed.length, 2);
  assert.deepEqual([...Deno.readDirSync(cache)].map((e) => e.name), ["notes.txt"]);
  assert.equal(await Deno.readTextFile(join(dir, ".cache", "precious")), "not the project's");
  await Deno.remove(join(cache, "notes.txt"));
  await clearCache(cache);
  assert.ok(!(await Deno.stat(cache).then(() => true, () => false)), "an emptied cache folder is removed");
});

Deno.test("concurrent loaders on a cold cache all get the same, correct data", async () => {
  const dir = await tempDir();
  const path = join(dir, "train_data.csv");
  await Deno.writeTextFile(path, Array.from({ length: 50 }, (_, i) => row(i / 50, i % 10)).join("\n") + "\n");
  const all = await Promise.all(Array.from({ length: 6 }, () => loadCsvDataset(path, true)));
  const again = await loadCsvDataset(path, true);
  for (const ds of [...all, again]) {
    assert.equal(ds.count, 50);
    assert.equal(ds.labels![49], 9);
    assert.equal(ds.pixels[49 * 784], 49 / 50 === Math.fround(49 / 50) ? 49 / 50 : Math.fround(0.98));
  }
  assert.deepEqual([...Deno.readDirSync(join(dir, CACHE_DIR_NAME))].map((e) => e.name), [
    "train_data.csv.upright-f32.ndc",
  ]);
});

Deno.test("stale temporary files: only those of dead processes are removed", async () => {
  const dir = await tempDir();
  const dead = "train_data.csv.tmp-999999999-0123abcd", alive = `train_data.csv.tmp-${Deno.pid}-0123abcd`;
  for (const n of [dead, alive, "train_data.csv.tmp-notes"]) await Deno.writeTextFile(join(dir, n), "x");
  assert.deepEqual(await removeStaleTemps(dir), [join(dir, dead)]);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [alive, "train_data.csv.tmp-notes"].sort());
});

Deno.test("Checksum: the same in any pieces, different for one flipped bit", () => {
  const b = Uint8Array.from({ length: 10_007 }, (_, i) => (i * 7919) % 251);
  const whole = new Checksum().update(b).digest();
  for (const cut of [1, 2, 3, 5, 4096, 10_000]) {
    assert.equal(new Checksum().update(b.subarray(0, cut)).update(b.subarray(cut)).digest(), whole);
  }
  const c = b.slice();
  c[5000] ^= 1;
  assert.notEqual(new Checksum().update(c).digest(), whole);
});

// --- saved models ------------------------------------------------------------------------------

function tinyModel(): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
}

async function savedModel(): Promise<{ dir: string; weights: string }> {
  await tf.setBackend("cpu");
  const dir = await tempDir();
  await saveNetwork(tinyModel(), dir, { meta: { key: "k" } });
  const weights = [...Deno.readDirSync(dir)].find((e) => e.name.startsWith("weights."))!.name;
  return { dir, weights: join(dir, weights) };
}

Deno.test("model: a weights file longer or shorter than the manifest is refused, naming the file", async () => {
  for (
    const [change, pattern] of [
      [
        (b: Uint8Array) => new Uint8Array([...b, 1, 2, 3, 4]),
        /64 bytes, but model\.json's weight manifest needs 60 - .*longer/,
      ],
      [
        (b: Uint8Array) => b.subarray(0, 20),
        /20 bytes, but model\.json's weight manifest needs 60 - the file is cut short/,
      ],
    ] as const
  ) {
    const { dir, weights } = await savedModel();
    await Deno.writeFile(weights, change(await Deno.readFile(weights)));
    const e = await refusal(loadNetwork(dir));
    assert.ok(e instanceof SavedFileError, String(e));
    assert.ok(e.message.startsWith(weights), e.message);
    assert.match(e.message, pattern);
  }
});

Deno.test("model: a cut model.json, a missing weights file, a directory: errors name the file", async () => {
  const { dir, weights } = await savedModel();
  const json = join(dir, "model.json");
  const text = await Deno.readTextFile(json);
  await Deno.writeTextFile(json, text.slice(0, text.length / 2));
  let e = await refusal(loadNetwork(dir));
  assert.ok(e.message.startsWith(`${json}: not valid JSON`), e.message);
  await Deno.writeTextFile(json, text);
  await Deno.remove(weights);
  e = await refusal(loadNetwork(dir));
  assert.ok(e.message.startsWith(`${weights}: file not found (named by model.json)`), e.message);
  await Deno.mkdir(weights);
  e = await refusal(loadNetwork(dir));
  assert.match(e.message, /is a directory, expected a regular file/);
});

Deno.test("model: saved by the earlier layout (weights.bin + meta.json) still loads", async () => {
  await tf.setBackend("cpu");
  const { dir, weights } = await savedModel();
  const json = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  await Deno.rename(weights, join(dir, "weights.bin"));
  json.weightsManifest[0].paths = ["weights.bin"];
  delete json.meta;
  await Deno.writeTextFile(join(dir, "model.json"), JSON.stringify(json));
  await Deno.writeTextFile(join(dir, "meta.json"), JSON.stringify({ key: "old" }));
  assert.deepEqual(await readModelMeta(dir), { key: "old" });
  assert.equal((await loadNetwork(dir)).getWeights().length, 2);
  // the next save replaces both with one generation
  await saveNetwork(tinyModel(), dir, { meta: { key: "new" } });
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  assert.ok(!names.includes("weights.bin") && !names.includes("meta.json"), names.join());
  assert.deepEqual(await readModelMeta(dir), { key: "new" });
});

Deno.test("model: loads running beside saves always get a whole model", async () => {
  await tf.setBackend("cpu");
  const dir = await tempDir();
  const model = tinyModel();
  model.setWeights(model.getWeights().map((w) => tf.fill(w.shape, 0)));
  await saveNetwork(model, dir, { meta: { tag: 0 } });
  const saves = (async () => {
    for (let t = 1; t <= 15; t++) {
      model.setWeights(model.getWeights().map((w) => tf.fill(w.shape, t)));
      await saveNetwork(model, dir, { meta: { tag: t } });
    }
  })();
  let loaded = 0;
  const loads = (async () => {
    for (let i = 0; i < 15; i++, loaded++) {
      const m = await loadNetwork(dir);
      const values = new Set(m.getWeights().flatMap((w) => Array.from(w.dataSync())));
      assert.equal(values.size, 1, "weights of one save");
    }
  })();
  await Promise.all([saves, loads]);
  assert.equal(loaded, 15);
});

Deno.test("SVM file: cut or damaged is refused naming the file", async () => {
  const dir = await tempDir();
  const path = join(dir, "svm.bin");
  await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
  let e = await refusal(loadSvm(path));
  assert.ok(e instanceof SavedFileError && e.message.startsWith(path), e.message);
  await Deno.writeFile(path, new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 123]));
  e = await refusal(loadSvm(path));
  assert.match(e.message, /header runs past the end of the file/);
});

// --- commands ----------------------------------------------------------------------------------

Deno.test("every command: a mistyped option gives a clear message and exit status 2, no stack trace", async () => {
  const scripts = [
    "scripts/data.ts",
    "scripts/score.ts",
    "scripts/predict.ts",
    "scripts/reproduce.ts",
    "scripts/notebooks.ts",
    "scripts/bench.ts",
    "scripts/lab.ts",
    "scripts/train_recipe.ts",
  ];
  await Promise.all(scripts.map(async (script) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, "--no-such-option"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, `${script}: ${err}`);
    assert.match(err, /^error: Unknown option '--no-such-option'/, script);
    assert.match(err, /usage: /, script);
    assert.doesNotMatch(err, /Uncaught|\bat file:/, script);
  }));
});

Deno.test("deno task data: a bad number is a usage error", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/data.ts", "--train-count", "many"],
    cwd: ROOT,
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /--train-count: expected a decimal integer from 1 to 9007199254740991, got "many"/,
  );
});

Deno.test("deno task data: an unknown --recipe is a usage error naming both recipes, and nothing is built", async () => {
  const dir = await tempDir();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/data.ts", "--data-dir", dir, "--recipe", "overlay"],
    cwd: ROOT,
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, err);
  assert.match(err, /^error: --recipe: noise recipe must be one of max, replace, got "overlay"/);
  assert.match(err, /usage: deno task data .*\[--recipe max\|replace\]/);
  assert.doesNotMatch(err, /Uncaught|\bat file:/);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
});

for (
  const [name, value, message] of [
    ["NOISY_DIGITS_PRECISION", "fp16", /^error: NOISY_DIGITS_PRECISION must be "f32" or "bf16", got "fp16"/],
    [
      "NOISY_DIGITS_CONV_ALGORITHM",
      "fft",
      /^error: NOISY_DIGITS_CONV_ALGORITHM must be "direct" or "winograd", got "fft"/,
    ],
  ] as const
) {
  Deno.test(`deno task reproduce: an unknown ${name} is a usage error naming the values; nothing runs`, async () => {
    const outputs = await tempDir();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/reproduce.ts", "--profile", "smoke"],
      cwd: ROOT,
      env: { [name]: value, NOISY_DIGITS_OUTPUTS: outputs },
      stderr: "piped",
      stdout: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, err);
    assert.match(err, message);
    assert.doesNotMatch(err, /Uncaught|\bat file:/);
    assert.deepEqual([...Deno.readDirSync(outputs)], [], "nothing written");
  });
}

Deno.test("deno task predict: a partial test file gets its own name; a solution of another length writes nothing", async () => {
  await tf.setBackend("cpu");
  const dir = await tempDir(), outputs = join(dir, "outputs"), part = join(dir, "part");
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })],
  });
  await saveNetwork(model, join(outputs, "models", "final-cnn"));
  await Deno.mkdir(part);
  await Deno.writeTextFile(join(part, "test_small.csv"), [row(0.25), row(0.5), row(0.75)].join("\n") + "\n");
  await Deno.writeTextFile(join(outputs, "submission.csv"), "the full run's submission");
  const env = { NOISY_DIGITS_OUTPUTS: outputs };
  let r = await runScript(["scripts/predict.ts", "--test", join(part, "test_small.csv")], env);
  assert.equal(r.code, 0, r.text);
  assert.equal(await Deno.readTextFile(join(outputs, "submission.csv")), "the full run's submission");
  assert.equal((await loadLabelsCsv(join(outputs, "submission-test_small.csv"))).length, 3);
  // A solution of another length beside the test file: refused before anything is written.
  await Deno.writeTextFile(join(part, "test_solution.csv"), "Id,Category\n0,1\n");
  const out = join(dir, "mine.csv");
  r = await runScript(["scripts/predict.ts", "--test", join(part, "test_small.csv"), "--out", out], env);
  assert.equal(r.code, 1);
  assert.match(
    r.text,
    /test_small\.csv holds 3 images but .*test_solution\.csv holds 1 labels: .*test_solution\.csv looks cut short/,
  );
  assert.ok(!(await Deno.stat(out).then(() => true, () => false)), "nothing written");
  // A directory as the test file.
  r = await runScript(["scripts/predict.ts", "--test", part], env);
  assert.equal(r.code, 1);
  assert.match(r.text, new RegExp(`${part}: is a directory, expected a regular file`));
});

Deno.test("deno task reproduce: a failed run publishes nothing and keeps the previous report, figures and files", async () => {
  const dir = await tempDir(), outputs = join(dir, "outputs"), notebooks = join(dir, "nb"), data = join(dir, "data");
  assert.equal(
    (await runScript(["scripts/data.ts", "--data-dir", data, "--train-count", "5", "--test-count", "5"])).code,
    0,
  );
  await Deno.mkdir(notebooks);
  for (const n of ["01_a.ipynb", "02_b.ipynb"]) await Deno.writeTextFile(join(notebooks, n), "{}");
  const env = (tag: string, fail = "") => ({
    NOISY_DIGITS_NOTEBOOK_STUB: join(ROOT, "tests/fixtures/notebook_stub.ts"),
    NOISY_DIGITS_NOTEBOOKS_DIR: notebooks,
    NOISY_DIGITS_OUTPUTS: outputs,
    STUB_TAG: tag,
    STUB_FAIL: fail,
  });
  const reproduce = ["scripts/reproduce.ts", "--profile", "smoke", "--data-dir", data];
  assert.equal((await runScript(reproduce, env("A"))).code, 0);
  await Deno.writeTextFile(join(outputs, "figures", "mine.svg"), "<svg/>");
  const report = await Deno.readTextFile(join(outputs, "REPORT.md"));
  const r = await runScript(reproduce, env("B", "02"));
  assert.equal(r.code, 1);
  assert.match(r.text, /nothing published/);
  assert.equal(await Deno.readTextFile(join(outputs, "REPORT.md")), report);
  assert.match(await Deno.readTextFile(join(outputs, "figures", "01_a-1.svg")), /<!-- A -->/);
  assert.equal(await Deno.readTextFile(join(outputs, "figures", "mine.svg")), "<svg/>");
  // The notebook that finished is kept in the run folder, for the next run to resume.
  assert.match(r.text, /kept in \.reproduce-run-smoke and reused by the next run/);
  assert.deepEqual([...Deno.readDirSync(outputs)].filter((e) => e.name.startsWith(".")).map((e) => e.name), [
    ".reproduce-run-smoke",
  ]);
  // The next run resumes: 01 is reused (run B's), 02 is redone; it replaces the run's own files, keeping the user's.
  const c = await runScript(reproduce, env("C"));
  assert.equal(c.code, 0, c.text);
  assert.match(c.text, /resuming the smoke run started .*: 1 notebook\(s\) finished then/);
  assert.match(c.text, /\[1\/2\] 01_a\.ipynb: reused, finished .* \(total .*\)/);
  assert.match(c.text, /\[2\/2\] 02_b\.ipynb: redone, it had not finished/);
  assert.match(await Deno.readTextFile(join(outputs, "figures", "01_a-1.svg")), /<!-- B -->/);
  assert.match(await Deno.readTextFile(join(outputs, "figures", "02_b-2.svg")), /<!-- C -->/);
  assert.equal(await Deno.readTextFile(join(outputs, "figures", "mine.svg")), "<svg/>");
  assert.match(
    await Deno.readTextFile(join(outputs, "REPORT.md")),
    /01_a\.ipynb \| .* \| ok \(reused from the interrupted run\)/,
  );
  assert.deepEqual([...Deno.readDirSync(outputs)].filter((e) => e.name.startsWith(".")), [], "run folder published");
  // A changed notebook is redone, and says why; --fresh redoes everything.
  assert.equal((await runScript(reproduce, env("D", "02"))).code, 1);
  await Deno.writeTextFile(join(notebooks, "01_a.ipynb"), '{"changed": true}');
  const e = await runScript(reproduce, env("E", "02"));
  assert.match(e.text, /\[1\/2\] 01_a\.ipynb: redone, the notebook changed since the interrupted run/);
  const f = await runScript([...reproduce, "--fresh"], env("F"));
  assert.equal(f.code, 0, f.text);
  assert.doesNotMatch(f.text, /reused|resuming/);
  assert.match(await Deno.readTextFile(join(outputs, "figures", "01_a-1.svg")), /<!-- F -->/);
});
