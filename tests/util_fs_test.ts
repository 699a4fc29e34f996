import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, writeAtomic, writeFileAtomic } from "../lib/util/fs.ts";

Deno.test("writeFileAtomic writes bytes and text, creating the folders, and replaces a file whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a", "b", "file.txt");
    await writeFileAtomic(path, "first");
    assert.equal(await Deno.readTextFile(path), "first");
    await writeFileAtomic(path, new TextEncoder().encode("second, longer"));
    assert.equal(await Deno.readTextFile(path), "second, longer");
    assert.deepEqual([...Deno.readDirSync(join(dir, "a", "b"))].map((e) => e.name), ["file.txt"], "no temporary left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeAtomic: a write that fails leaves the old file as it was and no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "model.bin");
    await writeFileAtomic(path, "the old contents");
    await assert.rejects(
      () =>
        writeAtomic(path, async (file) => {
          await file.write(new TextEncoder().encode("half of the new"));
          throw new Error("disk full");
        }),
      /disk full/,
    );
    assert.equal(await Deno.readTextFile(path), "the old contents");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["model.bin"]);
    // A failed first write leaves nothing under the final name either.
    const fresh = join(dir, "new.bin");
    await assert.rejects(() => writeAtomic(fresh, () => Promise.reject(new Error("stop"))), /stop/);
    assert.equal(await exists(fresh), false);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["model.bin"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exists: true for files and folders, false for a missing path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await exists(dir), true);
    assert.equal(await exists(join(dir, "missing")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
