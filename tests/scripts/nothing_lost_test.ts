/**
 * Nothing lost, second round (issue 24): settings that would make a command write where the user did not mean,
 * commands that would write over their own inputs or over a fuller result, two commands in one folder at once,
 * a pid reused by another process, system errors and binary input, numbers that do not mean what they say. Each
 * is refused with a message naming the file or folder and what was expected, and nothing is written.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkInputFile, dataDir, FolderSettingError, outputsDir, REPO_ROOT } from "noisy-digits/data";
import { saveNetwork } from "noisy-digits/train";
import {
  childPids,
  FolderLockedError,
  LOCK_FILE,
  lockFolder,
  notTextReason,
  processAlive,
  processIdentity,
  processStart,
  recoverStaged,
  removeStaleLock,
  stopChildren,
  WriteError,
  writeFileAtomic,
} from "noisy-digits/util";
import { runScript } from "../support/scripts.ts";

const row = (v: number) => new Array(784).fill(v).join(",");
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "noisy-digits-lost-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Files at the top of the repository, to check that a refused command made none there. */
const topLevel = () => [...Deno.readDirSync(REPO_ROOT)].map((e) => e.name).sort();

// --- settings -----------------------------------------------------------------------------------------------------

Deno.test("an empty NOISY_DIGITS_DATA or NOISY_DIGITS_OUTPUTS is refused, not taken as the working directory", async () => {
  for (const name of ["NOISY_DIGITS_DATA", "NOISY_DIGITS_OUTPUTS"]) {
    Deno.env.set(name, "");
    try {
      const f = name === "NOISY_DIGITS_DATA" ? dataDir : outputsDir;
      assert.throws(
        () => f(),
        (e: Error) => e instanceof FolderSettingError && e.message.includes(`${name}="" is empty`),
      );
    } finally {
      Deno.env.delete(name);
    }
  }
  const before = topLevel();
  const data = await runScript(["scripts/data.ts", "--train-count", "3", "--test-count", "3"], {
    NOISY_DIGITS_DATA: "",
  });
  assert.equal(data.code, 1, data.text);
  assert.match(
    data.text,
    /error: NOISY_DIGITS_DATA="" is empty: set it to a folder \(or unset it for the default, data\)/,
  );
  for (
    const [script, variable] of [["scripts/reproduce.ts", "NOISY_DIGITS_OUTPUTS"], [
      "scripts/predict.ts",
      "NOISY_DIGITS_OUTPUTS",
    ]]
  ) {
    const r = await runScript([script], { [variable]: "" });
    assert.equal(r.code, 2, `${script}: ${r.text}`);
    assert.match(r.text, new RegExp(`error: ${variable}="" is empty`), script);
    assert.doesNotMatch(r.text, /Uncaught|\bat file:/, script);
  }
  assert.deepEqual(topLevel(), before, "nothing written at the top of the repository");
});

Deno.test("NOISY_DIGITS_OUTPUTS naming a file: 'a file, expected a folder', not an OS error", async () => {
  await withTemp(async (dir) => {
    const file = join(dir, "outputs");
    await Deno.writeTextFile(file, "mine");
    const r = await runScript(["scripts/reproduce.ts", "--profile", "smoke"], { NOISY_DIGITS_OUTPUTS: file });
    assert.equal(r.code, 2, r.text);
    assert.match(r.text, new RegExp(`NOISY_DIGITS_OUTPUTS=${file} names ${file}, which is a file: expected a folder`));
    assert.equal(await Deno.readTextFile(file), "mine");
  });
});

// --- predict: its own inputs, a fuller submission ------------------------------------------------------------------

Deno.test("predict: --out over an input is refused; another data folder never replaces the full submission", async () => {
  await tf.setBackend("cpu");
  await withTemp(async (dir) => {
    const outputs = join(dir, "outputs"), small = join(dir, "small");
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })],
    });
    await saveNetwork(model, join(outputs, "models", "final-cnn"));
    await Deno.mkdir(small);
    const test = join(small, "test_data.csv"), solution = join(small, "test_solution.csv");
    const testText = [row(0.25), row(0.5)].join("\n") + "\n", solutionText = "Id,Category\n0,1\n1,2\n";
    await Deno.writeTextFile(test, testText);
    await Deno.writeTextFile(solution, solutionText);
    const full = "Id,Category\n" + Array.from({ length: 50 }, (_, i) => `${i},3`).join("\n") + "\n";
    await Deno.writeTextFile(join(outputs, "submission.csv"), full);
    const env = { NOISY_DIGITS_OUTPUTS: outputs };
    for (const input of [test, solution, join(outputs, "models", "final-cnn", "model.json")]) {
      const r = await runScript(["scripts/predict.ts", "--data-dir", small, "--out", input], env);
      assert.equal(r.code, 1, r.text);
      assert.match(r.text, /is one of the inputs .*: refused, it would be overwritten/);
    }
    assert.equal(await Deno.readTextFile(test), testText);
    assert.equal(await Deno.readTextFile(solution), solutionText);
    // --data-dir small/: its own file, named after the folder; the full submission stays.
    let r = await runScript(["scripts/predict.ts", "--data-dir", small], env);
    assert.equal(r.code, 0, r.text);
    assert.ok(await exists(join(outputs, "submission-small.csv")));
    assert.equal(await Deno.readTextFile(join(outputs, "submission.csv")), full);
    // The small folder as the default data folder: the default output would replace 50 rows by 2, refused.
    r = await runScript(["scripts/predict.ts"], { ...env, NOISY_DIGITS_DATA: small });
    assert.equal(r.code, 1, r.text);
    assert.match(
      r.text,
      /holds 50 predictions and this test set has 2 images: refused to replace the fuller submission/,
    );
    assert.equal(await Deno.readTextFile(join(outputs, "submission.csv")), full);
    // A test file cut at a row boundary is blamed on the test file, not on the solution.
    await Deno.writeTextFile(test, row(0.25) + "\n");
    r = await runScript(["scripts/predict.ts", "--data-dir", small], env);
    assert.equal(r.code, 1, r.text);
    assert.match(r.text, new RegExp(`${test} holds 1 images but ${solution} holds 2 labels: ${test} looks cut short`));
  });
});

// --- score ---------------------------------------------------------------------------------------------------------

Deno.test("score: a mistyped data folder is named as such, not blamed on the competition", async () => {
  await withTemp(async (dir) => {
    const r = await runScript(["scripts/score.ts", "--data-dir", join(dir, "dat")]);
    assert.equal(r.code, 1, r.text);
    assert.match(r.text, new RegExp(`${join(dir, "dat")}: no such data folder, so there is no test_solution.csv`));
    assert.doesNotMatch(r.text, /competition/);
    const empty = await runScript(["scripts/score.ts", "--data-dir", dir]);
    assert.match(empty.text, /has no test_solution\.csv \(nor test_data\.csv\): it does not look like a data folder/);
  });
});

// --- locks and process identity ------------------------------------------------------------------------------------

Deno.test("lockFolder: a second process is refused with the holder's pid and command; the lock dies with its holder", async () => {
  await withTemp(async (dir) => {
    const holder = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { lockFolder } from "${join(REPO_ROOT, "lib/util/lock.ts")}";` +
        `await lockFolder(${JSON.stringify(dir)}, { purpose: "building the data set" }); console.log("locked");` +
        "await new Promise((r) => setTimeout(r, 60000));",
      ],
      stdout: "piped",
    }).spawn();
    const reader = holder.stdout.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /locked/);
    const e = await lockFolder(dir, { purpose: "another build" }).then(() => null, (e) => e);
    assert.ok(e instanceof FolderLockedError, String(e));
    assert.match(
      e.message,
      new RegExp(`${dir} is in use by another process \\(pid ${holder.pid}, .*building the data set since`),
    );
    assert.match(e.message, /nothing was changed/);
    // A data build in the locked folder: refused, nothing written.
    const r = await runScript(["scripts/data.ts", "--data-dir", dir, "--train-count", "3", "--test-count", "3"]);
    assert.equal(r.code, 1, r.text);
    assert.match(r.text, /is in use by another process/);
    assert.ok(!(await exists(join(dir, "train_data.csv"))));
    holder.kill("SIGKILL");
    await holder.status;
    await reader.cancel();
    // Its holder killed: its file stays and locks nothing; recovery removes it.
    assert.ok(await exists(join(dir, LOCK_FILE)));
    assert.equal(await removeStaleLock(dir), true);
    assert.ok(!(await exists(join(dir, LOCK_FILE))));
    // The lock is free (the system released it), and counted within this process.
    const first = await lockFolder(dir, { purpose: "a test" }), second = await lockFolder(dir, { purpose: "a test" });
    second.release();
    assert.ok(await exists(join(dir, LOCK_FILE)), "still held once");
    first.release();
    assert.ok(!(await exists(join(dir, LOCK_FILE))), "its last holder removes the lock file");
  });
});

Deno.test("two data --force at once in one folder: one is refused or they run in turn; the data left is a winner's", async () => {
  await withTemp(async (dir) => {
    const build = (seed: number, into: string) =>
      runScript([
        "scripts/data.ts",
        "--force",
        "--data-dir",
        into,
        "--seed",
        String(seed),
        "--train-count",
        "20",
        "--test-count",
        "20",
      ]);
    const reference = new Map<number, string>();
    for (const seed of [1, 2]) {
      assert.equal((await build(seed, join(dir, `ref-${seed}`))).code, 0);
      reference.set(seed, await Deno.readTextFile(join(dir, `ref-${seed}`, "test_solution.csv")));
    }
    for (let pair = 0; pair < 3; pair++) {
      const shared = join(dir, `pair-${pair}`);
      const [a, b] = await Promise.all([build(1, shared), build(2, shared)]);
      for (const r of [a, b]) {
        assert.ok(r.code === 0 || /is in use by another process\b.*building the data set/.test(r.text), r.text);
      }
      const left = await Deno.readTextFile(join(shared, "test_solution.csv"));
      const winners = [[1, a], [2, b]].filter(([, r]) => (r as { code: number }).code === 0).map(([s]) => s as number);
      assert.ok(winners.length > 0, "at least one build succeeds");
      assert.ok(winners.some((s) => reference.get(s) === left), `pair ${pair}: the data left is a successful build's`);
      assert.ok(!(await exists(join(shared, LOCK_FILE))));
    }
  });
});

Deno.test("process identity: a reused pid is not the process that wrote a record, this one's own pid included", async () => {
  const me = processIdentity();
  assert.ok(me.started && processStart(Deno.pid) === me.started);
  assert.equal(processAlive(me.pid, me.started), true);
  assert.equal(processAlive(me.pid, "another-boot:1"), false, "our pid, another start: an earlier process");
  assert.equal(processAlive(me.pid), false, "a record without a start is never this process's own");
  const other = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    assert.equal(processAlive(other.pid), true);
    assert.equal(processAlive(other.pid, processStart(other.pid)!), true);
    assert.equal(processAlive(other.pid, `${processStart(other.pid)}0`), false, "same pid, other start");
    // A commit record of an earlier process whose pid is now ours (a container restart): completed, not kept.
    await withTemp(async (dir) => {
      await Deno.mkdir(join(dir, "work"));
      await Deno.writeTextFile(
        join(dir, "rec.json"),
        JSON.stringify({ staging: "work", pid: Deno.pid, started: "x:1" }),
      );
      const applied: string[] = [];
      const r = await recoverStaged(dir, "rec.json", (rec) => Promise.resolve(void applied.push(rec.staging)));
      assert.equal(r.completed, true);
      assert.deepEqual(applied, ["work"]);
    });
  } finally {
    other.kill("SIGKILL");
    await other.status;
  }
});

Deno.test("stopChildren: every child of this process is ended before it resolves", async () => {
  const kids = [0, 1].map(() => new Deno.Command("sleep", { args: ["30"] }).spawn());
  const ignoring = new Deno.Command("sh", { args: ["-c", "trap '' TERM; exec sleep 30"] }).spawn();
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(childPids().length >= 3);
  await stopChildren(300);
  assert.deepEqual(childPids(), []);
  for (const k of [...kids, ignoring]) assert.ok(!(await k.status).success);
});

// --- system errors and binary input --------------------------------------------------------------------------------

Deno.test("a write where a file stands in for a folder names the folder and keeps the old files", async () => {
  await withTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, "figures"), "a file");
    const e = await writeFileAtomic(join(dir, "figures", "a.svg"), "x").then(() => null, (e) => e);
    assert.ok(e instanceof WriteError, String(e));
    assert.match(e.message, new RegExp(`cannot make the folder ${dir}/figures: a file is in the way where a folder`));
  });
});

const canMount = Deno.uid() === 0 &&
  new Deno.Command("mount", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;

Deno.test({
  name: "a full or read-only disk: the error names the file, says why and that the previous file was kept",
  ignore: !canMount,
  async fn() {
    await withTemp(async (dir) => {
      const disk = join(dir, "disk");
      await Deno.mkdir(disk);
      const mounted = new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk] })
        .outputSync();
      if (!mounted.success) return; // no permission to mount here (a container): nothing to check
      try {
        const file = join(disk, "submission.csv");
        await writeFileAtomic(file, "old\n");
        const e = await writeFileAtomic(file, "x".repeat(1 << 20)).then(() => null, (e) => e);
        assert.ok(e instanceof WriteError, String(e));
        assert.match(
          e.message,
          new RegExp(`cannot write ${file}: the disk is full .*\\(ENOSPC\\); the previous file was kept`),
        );
        assert.equal(await Deno.readTextFile(file), "old\n");
        assert.deepEqual([...Deno.readDirSync(disk)].map((x) => x.name), ["submission.csv"], "no temporary file left");
        // The same disk read-only: named as such, the file kept.
        const ro = new Deno.Command("mount", { args: ["-o", "remount,ro", disk] }).outputSync();
        if (ro.success) {
          const e2 = await writeFileAtomic(file, "new\n").then(() => null, (e) => e);
          assert.ok(e2 instanceof WriteError, String(e2));
          assert.match(
            e2.message,
            new RegExp(`cannot write ${file}: the file system is mounted read-only \\(EROFS\\)`),
          );
          assert.equal(await Deno.readTextFile(file), "old\n");
        }
      } finally {
        new Deno.Command("umount", { args: [disk] }).outputSync();
      }
    });
  },
});

Deno.test("binary input: compressed, UTF-16 or control characters are named as such, not parsed as numbers", async () => {
  const cases: [string, number[], RegExp][] = [
    ["gzip", [0x1f, 0x8b, 0x08, 0x00, 0x31], /looks compressed \(gzip\): decompress it first/],
    ["zip", [0x50, 0x4b, 0x03, 0x04, 0x14], /looks compressed \(a zip archive\)/],
    ["UTF-16 LE", [0xff, 0xfe, 0x30, 0x00, 0x2c, 0x00], /UTF-16 text .*not UTF-8: save it as UTF-8/],
    ["UTF-16 without BOM", [0x30, 0x00, 0x2c, 0x00], /not UTF-8 text: a NUL byte at byte 1/],
    ["control character", [0x30, 0x2c, 0x1b, 0x5b], /not UTF-8 text: the control character 0x1b at byte 2/],
  ];
  await withTemp(async (dir) => {
    for (const [name, bytes, expected] of cases) {
      assert.match(notTextReason(Uint8Array.from(bytes)) ?? "", expected, name);
      const path = join(dir, "test_data.csv");
      await Deno.writeFile(path, Uint8Array.from(bytes));
      const e = await checkInputFile(path).then(() => null, (e) => e);
      assert.ok(e instanceof Error, name);
      assert.match(e.message, new RegExp(`^${path}: .*expected a CSV text file`), name);
    }
    assert.equal(notTextReason(new TextEncoder().encode("0.5,0.25\r\n\t1\n")), null, "CRLF and tabs are text");
  });
});

// --- numbers --------------------------------------------------------------------------------------------------------

Deno.test("numeric options: decimal integers in the safe range only (no 0x10, 1e3, or seeds above 2^53)", async () => {
  for (const [option, value] of [["--train-count", "0x10"], ["--train-count", "1e3"], ["--seed", "9007199254740993"]]) {
    const r = await runScript(["scripts/data.ts", option, value], { NOISY_DIGITS_DATA: "/nonexistent/never" });
    assert.equal(r.code, 2, `${option} ${value}: ${r.text}`);
    assert.match(
      r.text,
      new RegExp(`${option}: expected a decimal integer from \\d+ to 9007199254740991, got "${value}"`),
    );
  }
});
