import assert from "node:assert/strict";
import { join } from "node:path";
import {
  Checksum,
  cleanTestDigits,
  cleanTrainingDigits,
  dataNoiseRecipe,
  datasetFingerprint,
  generateData,
  loadLabelsCsv,
  loadTest,
  loadTrain,
  PIXELS,
  readSynthesisRecord,
  SYNTHESIS_RECORD,
  synthesizeDatasets,
} from "noisy-digits/data";

const small = { trainCount: 120, testCount: 80, progress: "silent" as const };

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "noisy-digits-gen-" });
}

Deno.test("generateData writes the three files with the competition's shapes", async () => {
  const dir = await tempDir();
  const result = await generateData({ ...small, dir });
  assert.equal(result.written, true);
  const trainText = await Deno.readTextFile(join(dir, "train_data.csv"));
  const rows = trainText.trimEnd().split("\n");
  assert.equal(rows.length, 120);
  assert.equal(rows[0].split(",").length, 785);
  const testRows = (await Deno.readTextFile(join(dir, "test_data.csv"))).trimEnd().split("\n");
  assert.equal(testRows.length, 80);
  assert.equal(testRows[0].split(",").length, 784);
  const solution = await loadLabelsCsv(join(dir, "test_solution.csv"));
  assert.equal(solution.length, 80);
  const train = await loadTrain({ dataDir: dir, cache: false });
  assert.equal(train.count, 120);
  const test = await loadTest({ dataDir: dir, cache: false });
  assert.equal(test.count, 80);
  assert.deepEqual(
    [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
    [SYNTHESIS_RECORD, "test_data.csv", "test_solution.csv", "train_data.csv"],
    "the three files and the record, no temporary files left behind",
  );
});

Deno.test("same seed, same bytes; another seed, other bytes", async () => {
  const a = await tempDir(), b = await tempDir(), c = await tempDir();
  await generateData({ ...small, dir: a, seed: 5 });
  await generateData({ ...small, dir: b, seed: 5 });
  await generateData({ ...small, dir: c, seed: 6 });
  for (const f of ["train_data.csv", "test_data.csv", "test_solution.csv"]) {
    assert.deepEqual(await Deno.readFile(join(a, f)), await Deno.readFile(join(b, f)), f);
  }
  assert.notDeepEqual(await Deno.readFile(join(a, "train_data.csv")), await Deno.readFile(join(c, "train_data.csv")));
});

Deno.test("existing data is left alone unless forced", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(join(dir, "train_data.csv"), "user's own file\n");
  await Deno.writeTextFile(join(dir, "test_data.csv"), "user's own file\n");
  const kept = await generateData({ ...small, dir });
  assert.equal(kept.written, false);
  assert.equal(await Deno.readTextFile(join(dir, "train_data.csv")), "user's own file\n");
  const forced = await generateData({ ...small, dir, force: true });
  assert.equal(forced.written, true);
  assert.notEqual(await Deno.readTextFile(join(dir, "train_data.csv")), "user's own file\n");
});

Deno.test("only one of the two files present: a clear error, nothing written", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(join(dir, "train_data.csv"), "x\n");
  await assert.rejects(() => generateData({ ...small, dir }), /has train_data\.csv but not test_data\.csv.*--force/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["train_data.csv"]);
});

Deno.test("files are column-major: the loader turns digits upright", async () => {
  const dir = await tempDir();
  await generateData({ ...small, dir });
  const raw = (await Deno.readTextFile(join(dir, "train_data.csv"))).split("\n")[0].split(",").map(Number);
  const train = await loadTrain({ dataDir: dir, cache: false });
  // pixel (row y, column x) upright = file column x*28 + y
  for (const [y, x] of [[0, 5], [10, 3], [27, 14]]) {
    assert.equal(train.pixels[y * 28 + x], Math.fround(raw[x * 28 + y]));
  }
});

Deno.test("an option left undefined takes the synthesis' default (seed 2020)", async () => {
  const a = await tempDir(), b = await tempDir();
  await generateData({ ...small, dir: a, seed: undefined });
  await generateData({ ...small, dir: b, seed: 2020 });
  assert.deepEqual(await Deno.readFile(join(a, "train_data.csv")), await Deno.readFile(join(b, "train_data.csv")));
});

const digest = async (path: string) => new Checksum().update(await Deno.readFile(path)).digest();

Deno.test("the default noise recipe writes the same bytes as before the recipe option existed", async () => {
  const dir = await tempDir(), explicit = await tempDir();
  await generateData({ ...small, dir });
  await generateData({ ...small, dir: explicit, recipe: "max" });
  // Checksums of these three files built at commit 7a28e87, before --recipe.
  const before = {
    "train_data.csv": "7a454b2384a3eaa9",
    "test_data.csv": "70cfcc7287b62859",
    "test_solution.csv": "4a5700eb01c86215",
  };
  for (const [file, sum] of Object.entries(before)) {
    assert.equal(await digest(join(dir, file)), sum, file);
    assert.equal(await digest(join(explicit, file)), sum, `${file} with --recipe max`);
  }
  assert.deepEqual(await readSynthesisRecord(dir), { seed: 2020, trainCount: 120, testCount: 80, recipe: "max" });
});

Deno.test("noise recipe replace: same digits, labels and background noise; strokes as MNIST has them", async () => {
  const a = await tempDir(), b = await tempDir();
  await generateData({ ...small, dir: a });
  await generateData({ ...small, dir: b, recipe: "replace" });
  assert.equal(await dataNoiseRecipe(b), "replace");
  assert.equal(await digest(join(a, "test_solution.csv")), await digest(join(b, "test_solution.csv")));
  const max = await loadTrain({ dataDir: a, cache: false }), replaced = await loadTrain({ dataDir: b, cache: false });
  assert.deepEqual(max.labels, replaced.labels);
  const clean = await cleanTrainingDigits(replaced, small);
  let kept = 0;
  for (let i = 0; i < clean.pixels.length; i++) {
    if (clean.pixels[i] === 0) assert.equal(replaced.pixels[i], max.pixels[i], `background pixel ${i}`);
    else {
      assert.ok(Math.abs(replaced.pixels[i] - clean.pixels[i]) <= 0.0005 + 1e-7, `stroke pixel ${i}`);
      kept++;
    }
  }
  assert.ok(kept > 0);
  // Saved models and caches key on the data's content: the two recipes never share a key.
  assert.notEqual(datasetFingerprint(max), datasetFingerprint(replaced));
});

Deno.test("a build asked for another noise recipe than the data present is refused unless forced", async () => {
  const dir = await tempDir();
  await generateData({ ...small, dir });
  const before = await digest(join(dir, "train_data.csv"));
  await assert.rejects(
    () => generateData({ ...small, dir, recipe: "replace" }),
    /built with the noise recipe max, not replace; pass --force/,
  );
  assert.equal(await digest(join(dir, "train_data.csv")), before, "nothing rewritten");
  assert.equal((await generateData({ ...small, dir })).written, false, "no recipe asked: the data present is kept");
  assert.equal((await generateData({ ...small, dir, recipe: "replace", force: true })).written, true);
  assert.equal(await dataNoiseRecipe(dir), "replace");
});

Deno.test("the synthesis in memory gives what loading the built files gives, clean test originals included", async () => {
  for (const recipe of ["max", "replace"] as const) {
    const dir = await tempDir();
    await generateData({ ...small, dir, recipe });
    const mem = await synthesizeDatasets({ ...small, recipe });
    const train = await loadTrain({ dataDir: dir, cache: false }),
      test = await loadTest({ dataDir: dir, cache: false });
    assert.deepEqual(mem.train.pixels, train.pixels, recipe);
    assert.deepEqual(mem.train.labels, train.labels, recipe);
    assert.deepEqual(mem.test.pixels, test.pixels, recipe);
    assert.deepEqual(mem.test.labels, await loadLabelsCsv(join(dir, "test_solution.csv")), recipe);
    const clean = await cleanTestDigits(test, small);
    assert.deepEqual(clean.labels, mem.test.labels);
    assert.equal(clean.pixels.length, 80 * PIXELS);
  }
  const other = await synthesizeDatasets({ ...small, seed: 9 }); // another seed: not the draw of `small`
  await assert.rejects(() => cleanTestDigits(other.test, small), /does not come from the synthesis|label/);
});
