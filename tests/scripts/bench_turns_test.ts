/**
 * The train suite times processes in turns with its own figures (`scripts/bench/_turn_protocol.ts`): the scaling
 * ceiling's replicas (`scripts/bench/solo.ts`) and PyTorch (`scripts/bench/torch_cnn.py turns`). Each must hold its
 * timed steps until told to go, report each turn, and end when its input closes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { loadNative } from "noisy-digits/runtime";
import { solo, type SoloTurns, timedTurn } from "../../scripts/bench/solo.ts";
import { PYTHON, torchMissing, warmUp } from "../../scripts/bench/train.ts";
import { lineReader, TURN_PREFIX } from "../../scripts/bench/_turn_protocol.ts";

const native = (() => {
  try {
    return loadNative();
  } catch {
    return null;
  }
})();

const torch = torchMissing() === null;
const TORCH_CNN = new URL("../../scripts/bench/torch_cnn.py", import.meta.url).pathname;

const noTurns: SoloTurns = { ready() {}, next: () => Promise.resolve(false), report() {} };

Deno.test("solo refuses an unknown network, naming the ones it trains, and bad counts", async () => {
  await assert.rejects(solo("vgg16", 8, 1, 3, noTurns), /unknown network "vgg16"; expected 4-conv CNN, best network/);
  await assert.rejects(solo("best network", 0, 1, 3, noTurns), /batch 0 and seconds 1 must be positive/);
  for (const untimed of [-1, 1.5, NaN]) {
    await assert.rejects(solo("best network", 8, 1, untimed, noTurns), /untimed steps .* must be a whole number/);
  }
});

/** Runs `program args`, which must exit with 1, print nothing on stdout, and a line matching `error` on stderr. */
function assertRefused(program: string, args: string[], error: RegExp) {
  const r = new Deno.Command(program, { args, stdout: "piped", stderr: "piped" }).outputSync();
  assert.equal(r.code, 1);
  assert.equal(new TextDecoder().decode(r.stdout), "");
  assert.match(new TextDecoder().decode(r.stderr), error);
}

Deno.test("solo.ts refuses a command line without its four arguments, showing its usage on stderr", () => {
  assertRefused(
    Deno.execPath(),
    ["run", "-A", new URL("../../scripts/bench/solo.ts", import.meta.url).pathname, "4-conv CNN", "4", "0.3"],
    /^error: usage: solo\.ts <network> <batch> <seconds> <untimed>$/m,
  );
});

Deno.test("timedTurn runs its untimed steps first and times only the steps that end inside the turn", () => {
  // Steps of 20 ms or more, busy-waited: a turn of 0.2 s holds 10 of them at most.
  for (const untimed of [0, 3]) {
    const ends: number[] = [];
    const step = () => {
      const end = performance.now() + 20;
      while (performance.now() < end) { /* busy */ }
      ends.push(performance.now());
    };
    const t0 = performance.now();
    const turn = timedTurn(step, untimed, 0.2);
    // Every step but the last ended inside the turn or before it: the untimed ones, then the timed ones.
    assert.equal(
      ends.length,
      untimed + turn.steps + 1,
      `${untimed} untimed: ${ends.length} steps, ${turn.steps} timed`,
    );
    assert.ok(turn.steps >= 1 && turn.steps <= 10, `${turn.steps} timed steps`);
    // The turn's clock starts after the untimed steps: it holds the timed steps alone.
    const timedFrom = untimed ? ends[untimed - 1] : t0;
    assert.ok(Math.abs(turn.ms - (ends[untimed + turn.steps - 1] - timedFrom)) < 10, `${turn.ms} ms`);
    assert.ok(turn.ms <= 200, `${turn.ms} ms`);
  }
});

/**
 * Runs `program args` (training turns of `seconds`): it says ready, stays quiet without a go line, reports each turn's
 * steps that ended inside it, and exits with 0 within 10 s of its input closing.
 */
async function checkTurns(program: string, args: string[], seconds: number) {
  const proc = new Deno.Command(program, { args, stdin: "piped", stdout: "piped", stderr: "piped" }).spawn();
  const stderr = new Response(proc.stderr).text();
  const out = lineReader(proc.stdout);
  let pending: Promise<string | null> | null = null;
  const line = async () => {
    const text = await (pending ?? out.next());
    pending = null;
    if (text === null) throw new Error(`${program} ended: ${await stderr}`);
    assert.ok(text.startsWith(TURN_PREFIX), text);
    return text.slice(TURN_PREFIX.length);
  };
  // Without a go line it stays put: nothing comes within a second (a turn is shorter).
  const quiet = async () => {
    pending = out.next();
    assert.equal(await Promise.race([pending, new Promise((r) => setTimeout(() => r("waiting"), 1000))]), "waiting");
  };
  const input = proc.stdin.getWriter();
  try {
    assert.equal(await line(), "ready");
    for (let turn = 0; turn < 2; turn++) {
      await quiet();
      await input.write(new TextEncoder().encode("go\n"));
      const r = JSON.parse(await line());
      assert.ok(r.steps >= 1, `turn ${turn}: ${r.steps} steps`);
      // Only steps that ended inside the turn count, and at a small batch they fill most of it.
      assert.ok(r.ms <= seconds * 1000 && r.ms > seconds * 500, `turn ${turn}: ${r.steps} steps in ${r.ms} ms`);
    }
    await input.close();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      proc.status.then((s) => s.code),
      new Promise((r) => timer = setTimeout(() => r("still running 10 s after its input closed"), 10_000)),
    ]);
    clearTimeout(timer);
    assert.equal(ended, 0);
  } finally {
    try {
      proc.kill();
    } catch { /* ended */ }
    await out.cancel();
    await proc.status;
  }
}

Deno.test({
  name: "solo.ts times a turn only on a go line, reports the steps inside it, and ends when its input closes",
  ignore: native === null,
  fn: () =>
    checkTurns(
      Deno.execPath(),
      ["run", "-A", new URL("../../scripts/bench/solo.ts", import.meta.url).pathname, "4-conv CNN", "4", "0.3", "2"],
      0.3,
    ),
});

Deno.test({
  name:
    "torch_cnn.py turns times a turn only on a go line, reports the steps inside it, and ends when its input closes",
  ignore: !torch,
  fn: () => checkTurns(PYTHON, [TORCH_CNN, "turns", "1", "8", "four_conv", "nhwc-f32", "0.3", "2", "1", "0"], 0.3),
});

Deno.test({
  name: "torch_cnn.py turns refuses an unknown network or mode on stderr, naming the ones it has",
  ignore: !torch,
  fn() {
    for (const [network, mode] of [["vgg16", "nhwc-f32"], ["best", "nhwc-f16"]]) {
      assertRefused(
        PYTHON,
        [TORCH_CNN, "turns", "1", "8", network, mode, "0.3", "2", "1", "0"],
        new RegExp(
          `^error: unknown network '${network}' or mode '${mode}'; expected one of \\['four_conv', 'best'\\] ` +
            "and \\['nchw-f32', 'nhwc-f32', 'nhwc-bf16'\\]$",
          "m",
        ),
      );
    }
  },
});

Deno.test({
  name: "torch_cnn.py turns refuses a negative count of untimed steps on stderr",
  ignore: !torch,
  fn() {
    assertRefused(
      PYTHON,
      [TORCH_CNN, "turns", "1", "8", "four_conv", "nhwc-f32", "0.3", "-1", "1", "0"],
      /^error: untimed steps -1 must be 0 or more$/m,
    );
  },
});

Deno.test({
  name: "warmUp runs five untimed steps at least, and on until two seconds have passed",
  ignore: !!Deno.env.get("BENCH_TRAIN_QUICK"), // quick runs warm up by steps alone
  async fn() {
    let quick = 0;
    const t0 = performance.now();
    await warmUp(() => quick++);
    assert.ok(performance.now() - t0 >= 2000, `warmed up for ${performance.now() - t0} ms`);
    assert.ok(quick > 5, `${quick} steps`);
    // Slow steps: the five are run even when they take longer than the two seconds.
    let slow = 0;
    await warmUp(() => new Promise((r) => setTimeout(() => r(slow++), 600)));
    assert.equal(slow, 5);
  },
});
