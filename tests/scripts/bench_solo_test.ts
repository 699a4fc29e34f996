/**
 * The train suite's scaling ceiling times replicas that run in processes of their own (`scripts/bench/solo.ts`), in
 * turns with the other figures: each must hold its timed steps until told to go, report each turn, and end when its
 * input closes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { loadNative } from "noisy-digits/runtime";
import { solo, type SoloTurns } from "../../scripts/bench/solo.ts";
import { lineReader, SOLO_PREFIX } from "../../scripts/bench/_solo_protocol.ts";

const native = (() => {
  try {
    return loadNative();
  } catch {
    return null;
  }
})();

const noTurns: SoloTurns = { ready() {}, next: () => Promise.resolve(false), report() {} };

Deno.test("solo refuses an unknown network, naming the ones it trains", async () => {
  await assert.rejects(solo("vgg16", 8, 1, noTurns), /unknown network "vgg16"; expected 4-conv CNN, best network/);
  await assert.rejects(solo("best network", 0, 1, noTurns), /batch 0 and seconds 1 must be positive/);
});

Deno.test({
  name: "solo.ts times a turn only on a go line, reports the steps inside it, and ends when its input closes",
  ignore: native === null,
  async fn() {
    const seconds = 0.3;
    const proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../scripts/bench/solo.ts", import.meta.url).pathname,
        "4-conv CNN",
        "4",
        `${seconds}`,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(proc.stderr).text();
    const out = lineReader(proc.stdout);
    let pending: Promise<string | null> | null = null;
    const line = async () => {
      const text = await (pending ?? out.next());
      pending = null;
      if (text === null) throw new Error(`solo.ts ended: ${await stderr}`);
      assert.ok(text.startsWith(SOLO_PREFIX), text);
      return text.slice(SOLO_PREFIX.length);
    };
    // Without a go line it stays put: nothing comes within a second (a turn is 0.3 s).
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
        // Only steps that ended inside the turn count, and at batch 4 they fill most of it.
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
  },
});
