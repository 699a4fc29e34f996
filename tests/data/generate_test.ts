import assert from "node:assert/strict";
import { join } from "node:path";
import { generateData, loadLabelsCsv, loadTest, loadTrain } from "noisy-digits/data";

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
  assert.equal([...Deno.readDirSync(dir)].length, 3, "no temporary files left behind");
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
