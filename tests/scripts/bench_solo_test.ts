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
  name: "solo.ts times a turn only on a go line, reports each turn's mean, and ends when its input closes",
  ignore: native === null,
  async fn() {
    const proc = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../scripts/bench/solo.ts", import.meta.url).pathname, "4-conv CNN", "4", "0.3"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(proc.stderr).text();
    const out = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "", pending: Promise<ReadableStreamReadResult<string>> | null = null;
    const line = async () => {
      while (!text.includes("\n")) {
        const r = await (pending ?? out.read());
        pending = null;
        if (r.done) throw new Error(`solo.ts ended: ${await stderr}`);
        text += r.value;
      }
      const at = text.indexOf("\n"), first = text.slice(0, at);
      text = text.slice(at + 1);
      return first;
    };
    assert.equal(await line(), "ready");
    // Without a go line it stays put: nothing comes within a second (a turn is 0.3 s).
    pending = out.read();
    const quiet = await Promise.race([pending, new Promise((r) => setTimeout(() => r("waiting"), 1000))]);
    assert.equal(quiet, "waiting");
    const input = proc.stdin.getWriter();
    for (let turn = 0; turn < 2; turn++) {
      await input.write(new TextEncoder().encode("go\n"));
      const r = JSON.parse(await line());
      assert.ok(r.steps >= 1, `turn ${turn}: ${r.steps} steps`);
      assert.ok(r.ms > 0 && r.ms <= 300, `turn ${turn}: mean ${r.ms} ms, inside the 0.3 s turn`);
    }
    await input.close();
    assert.equal((await proc.status).code, 0);
    out.releaseLock();
  },
});
