import assert from "node:assert/strict";
import { join } from "node:path";
import { commitStaged, exists, recoverStaged, stagedBy, writeAtomic, writeFileAtomic } from "noisy-digits/util";

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

Deno.test("recoverStaged completes a commit whose process has ended, and leaves a running one's alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const applied: string[] = [];
    const apply = (r: { staging: string; pid: number }) => Promise.resolve(void applied.push(r.staging));
    await Deno.mkdir(join(dir, "work"));
    // The record of this process (still running, named by its pid and start): nothing is done.
    await Deno.writeTextFile(join(dir, "rec.json"), JSON.stringify({ staging: "work", ...stagedBy() }));
    assert.deepEqual(await recoverStaged(dir, "rec.json", apply), { completed: false, removed: [] });
    assert.deepEqual(applied, []);
    // The record of a process that has ended: applied again, then the record and the staging folder go.
    const ended = new Deno.Command("true").spawn();
    await ended.status;
    await Deno.writeTextFile(join(dir, "rec.json"), JSON.stringify({ staging: "work", pid: ended.pid }));
    assert.equal((await recoverStaged(dir, "rec.json", apply)).completed, true);
    assert.deepEqual(applied, ["work"]);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("commitStaged applies, then removes the record and the staging folder; a record it cannot write drops the staged work", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "work"));
    let seen = "";
    await commitStaged(dir, "rec.json", { staging: "work", pid: Deno.pid }, async () => {
      seen = await Deno.readTextFile(join(dir, "rec.json")); // the record exists while applying
    });
    assert.match(seen, /"staging":"work"/);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    await Deno.mkdir(join(dir, "work"));
    await Deno.mkdir(join(dir, "rec.json")); // a folder in the record's place: the commit point cannot be written
    await assert.rejects(commitStaged(dir, "rec.json", { staging: "work", pid: Deno.pid }, () => Promise.resolve()));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["rec.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
