import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCsvDataset, type LoadInfo } from "noisy-digits/data";

const row = (v: number, label: number) => new Array(784).fill(v).join(",") + `,${label}`;

Deno.test("a second load comes from the cache with identical content", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "train_data.csv");
  await Deno.writeTextFile(path, [row(0.25, 1), row(0.75, 2)].join("\n") + "\n");
  const first: Partial<LoadInfo> = {}, second: Partial<LoadInfo> = {};
  const a = await loadCsvDataset(path, true, {}, first);
  const b = await loadCsvDataset(path, true, {}, second);
  assert.equal(first.fromCache, false);
  assert.equal(second.fromCache, true);
  assert.deepEqual(b.pixels, a.pixels);
  assert.deepEqual(b.labels, a.labels);
});

Deno.test("a changed CSV is parsed again, not served stale", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "train_data.csv");
  await Deno.writeTextFile(path, row(0.25, 1) + "\n");
  await loadCsvDataset(path, true);
  await Deno.writeTextFile(path, row(0.5, 3) + "\n" + row(0.5, 4) + "\n");
  await Deno.utime(path, new Date(), new Date(Date.now() + 5000));
  const info: Partial<LoadInfo> = {};
  const ds = await loadCsvDataset(path, true, {}, info);
  assert.equal(info.fromCache, false);
  assert.equal(ds.count, 2);
  assert.deepEqual(Array.from(ds.labels!), [3, 4]);
  // and the refreshed entry serves the next load
  const again: Partial<LoadInfo> = {};
  await loadCsvDataset(path, true, {}, again);
  assert.equal(again.fromCache, true);
});

Deno.test("a corrupt cache entry is ignored and rebuilt", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "train_data.csv");
  await Deno.writeTextFile(path, row(0.25, 1) + "\n");
  await loadCsvDataset(path, true);
  for (const e of Deno.readDirSync(join(dir, ".noisy-digits-cache"))) {
    await Deno.writeFile(join(dir, ".noisy-digits-cache", e.name), new Uint8Array([1, 2, 3]));
  }
  const info: Partial<LoadInfo> = {};
  const ds = await loadCsvDataset(path, true, {}, info);
  assert.equal(info.fromCache, false);
  assert.equal(ds.pixels[0], 0.25);
});

Deno.test("cache: false neither reads nor writes the cache", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "test_data.csv");
  await Deno.writeTextFile(path, new Array(784).fill(0.5).join(",") + "\n");
  await loadCsvDataset(path, false, { cache: false });
  assert.equal([...Deno.readDirSync(dir)].length, 1);
});
