/**
 * What the main thread and the workers of a pool (`parallel.ts`, `worker.ts`) tell each other beyond plain messages:
 * which weights a request carries, a worker's share of an Adam step, and the flags by which the replicas of a step
 * say that their gradients are in shared memory.
 *
 * @module
 */

import type { AdamUpdateAttrs } from "../runtime/kernels/adam.ts";

/**
 * The weights a request carries when the worker already holds the rest: the variables at indices `all` (into
 * `model.weights` order) from the request's weight buffer, and the trainable variables at indices `trainable` from
 * `x`, the last step's new trainable values (trainable order).
 */
export interface WeightSync {
  all: number[];
  trainable: number[];
  x: SharedArrayBuffer;
}

/**
 * A worker's share of a pool step's Adam update: the trainable variables `[from, to)`, whose values start at `offset`
 * in every buffer; the replicas' gradients `parts` (main thread first) weighted by `shares`; the moments `m`, `v`
 * (updated in place) and the new values `x`. The worker starts once every flag in `waitFor` reads `step`, and gives
 * the step up if one reads `-step`; it writes its own gradient's flag, `replica`, the same way.
 */
export interface AdamShare {
  attrs: AdamUpdateAttrs;
  from: number;
  to: number;
  offset: number;
  parts: SharedArrayBuffer[];
  shares: number[];
  m: SharedArrayBuffer;
  v: SharedArrayBuffer;
  x: SharedArrayBuffer;
  flags: SharedArrayBuffer;
  waitFor: number[];
  replica: number;
  step: number;
}

/**
 * Blocks (a worker only) until each flag at `indices` reads `step`; false as soon as one reads `-step` (or a later
 * step's number). Wakes every
 * second to look again, so a missed notification costs a second, not a hang.
 */
export function awaitFlags(flags: Int32Array, indices: number[], step: number): boolean {
  for (const i of indices) {
    for (;;) {
      const f = Atomics.load(flags, i);
      if (f === step) break;
      // A later step's number means this one was given up too.
      if (f === -step || Math.abs(f) > step) return false;
      Atomics.wait(flags, i, f, 1000);
    }
  }
  return true;
}

/** Sets flag `index` to `value` and wakes whoever waits on it. */
export function raiseFlag(flags: Int32Array, index: number, value: number): void {
  Atomics.store(flags, index, value);
  Atomics.notify(flags, index);
}
