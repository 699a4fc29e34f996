/**
 * One replica training alone in a process of its own, for the train suite's scaling ceiling (`train.ts`):
 * `deno run -A scripts/bench/solo.ts <network> <batch> <seconds> <untimed>` trains `<network>` ("4-conv CNN" or "best
 * network") on the native engine, one library thread, batch `<batch>` of random images, Adam. It prints `@turn ready`
 * after its untimed steps (`warmUp` in train.ts), then for each line it reads on stdin it runs `<untimed>` untimed
 * steps (back to its pace after the wait: `TURN_UNTIMED_STEPS` in train.ts), trains for `<seconds>` and prints
 * `@turn {"steps": n, "ms": total}`: the steps that ended inside those seconds and their total milliseconds (a twin
 * told to go at the same moment is then never timed alone); it exits when stdin closes. Between turns it waits
 * without computing. The protocol's lines start with `@turn ` so that anything else a library prints is skipped; a
 * failure prints `error: ` and its message to stderr. The convolution settings come from the environment
 * (`NOISY_DIGITS_CONV_ALGORITHM`, `NOISY_DIGITS_PRECISION`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { initBackend, setNativeThreads } from "noisy-digits/runtime";
import { trainStep } from "../../lib/train/step.ts"; // internal, as train.ts
import { createOptimizer } from "../../lib/train/optimizers.ts"; // internal, as train.ts
import { NETWORKS, randomBatch, warmUp } from "./train.ts";
import { lineReader, type Turn, TURN_PREFIX } from "./_turn_protocol.ts";

/** How {@linkcode solo} hears when to go and tells what it timed. */
export interface SoloTurns {
  /** Called once the untimed steps are done. */
  ready(): void;
  /** Resolves true when the next turn may start, false when there are no more. */
  next(): Promise<boolean>;
  report(turn: Turn): void;
}

/**
 * One turn of `step`: `untimed` steps, then steps for `seconds`; the steps that ended inside those seconds and their
 * total milliseconds.
 */
export function timedTurn(step: () => void, untimed: number, seconds: number): Turn {
  for (let i = 0; i < untimed; i++) step();
  const start = performance.now(), end = start + seconds * 1000;
  let steps = 0, last = start;
  for (let now = start; now < end;) {
    step();
    now = performance.now();
    if (now <= end) [steps, last] = [steps + 1, now];
  }
  return { steps, ms: last - start };
}

/** Trains as the module's description says, turn by turn as `turns` tells. */
export async function solo(
  network: string,
  batch: number,
  seconds: number,
  untimed: number,
  turns: SoloTurns,
): Promise<void> {
  const net = NETWORKS.find((n) => n.key === network);
  if (!net) throw new Error(`solo: unknown network "${network}"; expected ${NETWORKS.map((n) => n.key).join(", ")}`);
  if (!(batch > 0) || !(seconds > 0)) throw new Error(`solo: batch ${batch} and seconds ${seconds} must be positive`);
  if (!Number.isInteger(untimed) || untimed < 0) {
    throw new Error(`solo: untimed steps ${untimed} must be a whole number, 0 or more`);
  }
  await initBackend({ backend: "wasm", engine: "native" });
  setNativeThreads(1);
  const model = net.build(), opt = createOptimizer({ name: "adam", learningRate: 1e-3 });
  const { x, y } = randomBatch(batch);
  const step = () => trainStep(model, opt, x, y);
  try {
    // A fresh process's first steps share the cores with its compiler and collector.
    await warmUp(step);
    turns.ready();
    while (await turns.next()) turns.report(timedTurn(step, untimed, seconds));
  } finally {
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }
}

if (import.meta.main) {
  const [network, batch, seconds, untimed] = Deno.args;
  const input = lineReader(Deno.stdin.readable);
  try {
    if (Deno.args.length !== 4) throw new Error("usage: solo.ts <network> <batch> <seconds> <untimed>");
    await solo(network, Number(batch), Number(seconds), Number(untimed), {
      ready: () => console.log(`${TURN_PREFIX}ready`),
      next: async () => (await input.next()) !== null,
      report: (turn) => console.log(`${TURN_PREFIX}${JSON.stringify(turn)}`),
    });
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
