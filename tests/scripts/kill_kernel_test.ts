/**
 * `deno task reproduce` on a real Jupyter kernel (a tiny notebook whose kernel writes a file every 40 ms), ended at
 * seeded points by SIGINT, SIGTERM, SIGHUP or SIGKILL of the command alone (its parent gone, as when a terminal or
 * container dies): once the command has ended no process of the run is left (each run is tagged through its
 * environment, which the executor and the kernel inherit) and no file of the outputs folder changes afterwards.
 * A second run while one is under way is refused by the outputs folder's lock, and a run after the kills resumes
 * and publishes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { createRandom } from "noisy-digits/util";
import { runScript } from "../support/scripts.ts";

const python = "/usr/bin/python3";
const hasJupyter = (() => {
  try {
    return new Deno.Command(python, { args: ["-c", "import nbclient"], stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

const KILLS = 21;
/**
 * When a kill is aimed, in turn: while the kernel starts (after the executor is launched), while its cell writes
 * (after its first file), and while the report and pages are made (after the notebooks passed).
 */
const PHASES = [
  { after: "the executor started", spread: 3000 },
  { after: "the cell began writing", spread: 2000 },
  { after: "the notebooks passed", spread: 1500 },
] as const;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"] as const;
const CODES: Record<typeof SIGNALS[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGKILL: 137 };

/** Pids of the processes whose environment holds `tag` (this test's own excepted). */
function tagged(tag: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    try {
      if (!Deno.readTextFileSync(`/proc/${e.name}/environ`).includes(tag)) continue;
      const command = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replaceAll("\0", " ").slice(0, 120);
      found.push({ pid: Number(e.name), command });
    } catch { /* ended meanwhile, or not ours */ }
  }
  return found;
}

/** Every file under `dir` with its size and modification time. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) walk(p);
      else if (e.isFile) {
        const st = Deno.statSync(p);
        out.push(`${p} ${st.size} ${st.mtime?.getTime()}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts reproduce; `started` resolves when the notebook's executor is launched, `passed` when the notebooks have
 * passed (each also when the command has ended).
 */
function startReproduce(args: string[], env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/reproduce.ts", "--profile", "smoke", ...args],
    cwd: REPO_ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "", markStarted: () => void = () => {}, markPassed: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const passed = new Promise<void>((resolve) => (markPassed = resolve));
  const read = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes("== [1/1]")) markStarted();
      if (text.includes("notebooks passed")) markPassed();
    }
  };
  const drained = Promise.all([read(child.stdout), read(child.stderr)]);
  // The output is awaited a moment only: a process that outlives the command may hold the pipes open.
  const ended = child.status.then(async (
    s,
  ) => (await Promise.race([drained, sleep(2000)]), markStarted(), markPassed(), s));
  return { child, started, passed, ended, output: () => text };
}

Deno.test({
  name:
    `reproduce on a real kernel: ended at ${KILLS} seeded points by a signal, no process is left, nothing written after`,
  ignore: !hasJupyter || Deno.build.os !== "linux",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "noisy-digits-kill-kernel-" });
    try {
      const data = join(dir, "data"), nb = join(dir, "nb"), outputs = join(dir, "outputs");
      const made = await runScript(["scripts/data.ts", "--data-dir", data, "--train-count", "5", "--test-count", "5"]);
      assert.equal(made.code, 0, made.text);
      await Deno.mkdir(nb);
      await Deno.copyFile(join(REPO_ROOT, "tests/fixtures/ticking_kernel.ipynb"), join(nb, "01_tick.ipynb"));
      const rng = createRandom(24);
      const env = (tag: string) => ({
        NOISY_DIGITS_OUTPUTS: outputs,
        NOISY_DIGITS_NOTEBOOKS_DIR: nb,
        KILL_TEST_TAG: tag,
      });
      let killed = 0;
      for (let k = 0; k < KILLS; k++) {
        const tag = `kill-${crypto.randomUUID()}`, signal = SIGNALS[k % SIGNALS.length];
        const phase = PHASES[k % PHASES.length], delay = rng.int(phase.spread);
        const run = startReproduce(["--data-dir", data, "--fresh"], env(tag));
        let finished = false;
        run.ended.then(() => (finished = true));
        await run.started;
        if (k === 0) {
          // A second run while this one holds the outputs folder is refused, and touches nothing.
          const second = await runScript(
            ["scripts/reproduce.ts", "--profile", "smoke", "--data-dir", data],
            env(`${tag}-second`),
          );
          assert.equal(second.code, 1, second.text);
          assert.match(second.text, /is in use by another process \(pid \d+, reproduce\.ts/);
        }
        if (phase === PHASES[1]) {
          const first = join(outputs, ".reproduce-run-smoke", "ticks", "0.txt");
          while (!finished && !(await Deno.stat(first).then(() => true, () => false))) await sleep(20);
        }
        if (phase === PHASES[2]) await run.passed;
        await sleep(delay);
        try {
          run.child.kill(signal);
        } catch { /* it had finished */ }
        const status = await run.ended;
        const where = `kill ${k} (${signal} ${delay} ms after ${phase.after})`;
        if (status.code !== 0) {
          killed++;
          assert.equal(status.code, CODES[signal], `${where}: ${run.output().slice(-2000)}`);
          if (signal !== "SIGKILL") {
            assert.match(run.output(), new RegExp(`interrupted \\(${signal}\\): nothing published`), where);
          }
        }
        // SIGKILL leaves the executor to notice its parent is gone: a moment, not more.
        let left = tagged(tag);
        for (let t = 0; t < 30 && left.length; t++) await sleep(100), left = tagged(tag);
        for (const p of left) Deno.kill(p.pid, "SIGKILL"); // not to leave them behind when the check fails
        assert.deepEqual(left, [], `${where}: processes of the run are left`);
        const before = snapshot(outputs);
        await sleep(400);
        assert.deepEqual(snapshot(outputs), before, `${where}: a file changed after the command ended`);
      }
      // A kill aimed after the notebooks passed may come once the run has published: then it ends normally.
      assert.ok(killed >= KILLS - 4, `only ${killed} of ${KILLS} runs were ended by their signal`);
      // The run after the kills resumes and publishes.
      const last = startReproduce(["--data-dir", data], env(`kill-${crypto.randomUUID()}`));
      const status = await last.ended;
      assert.equal(status.code, 0, last.output().slice(-3000));
      assert.match(last.output(), /published \d+ files/);
      assert.match(await Deno.readTextFile(join(outputs, "notebooks", "01_tick.ipynb")), /ticked/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
