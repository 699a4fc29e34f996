/**
 * Data parallelism over the machine's cores: the wasm backend cannot use
 * threads in Deno (see `backend.ts`), so extra replicas of the model run in
 * module workers, each on its own wasm instance. For a training step the
 * batch is split between the main thread and the workers; each computes the
 * gradients of its slice from the same weights; the main thread averages them
 * (weighted by slice size, so the result is the full batch's gradient),
 * applies the optimizer, and sends the new weights with the next request.
 * With the project's Adam the averaging and the update are shared out as well:
 * each replica updates its own share of the variables, summing the replicas'
 * gradients as it goes, so the optimizer no longer runs on one core while the
 * others wait. A worker starts its share as soon as the gradients are in
 * shared memory (flags, not another message), keeps its own share of the new
 * weights, and is sent only the rest with the next request.
 * BatchNorm moving statistics come from the main thread's slice (the workers'
 * are overwritten by the next weight sync).
 *
 * Why workers: the threaded-SIMD wasm build cannot start in Deno. Deno is
 * detected as Node (`IS_NODE`), so tfjs turns `WASM_HAS_MULTITHREAD_SUPPORT`
 * off; forcing it on makes Emscripten's pthread pool call
 * `new Worker(blobUrl)` from `node:worker_threads`, which Deno rejects
 * (`ERR_WORKER_PATH`: blob URLs are not accepted), so the backend fails to
 * initialise. Patching Emscripten's glue was not attempted.
 *
 * @example
 * ```ts
 * import type * as tf from "@tensorflow/tfjs";
 * declare const model: tf.LayersModel, xData: Float32Array;
 * const pool = await createWorkerPool(model, 1); // main thread + 1 worker
 * const probs = await pool.predict(model, xData, 1000);
 * pool.terminate();
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { IMAGE_SIZE, NUM_CLASSES, PIXELS } from "../data/dataset.ts";
import {
  allVariables,
  applyGradientTensors,
  batchGradients,
  flatten,
  flattenInto,
  heapValues,
  type LossName,
  setValues,
  type StepGradients,
  trainableVariables,
  trainStep,
} from "./step.ts";
import { type AdamShare, raiseFlag, type WeightSync } from "./_protocol.ts";
import { type AdamStep, adamSteps } from "./optimizers.ts";
import { adamValues } from "../runtime/kernels/adam.ts";
import type { WasmBackend } from "../runtime/kernels/wasm_backend.ts";
import { activeEngine } from "../runtime/native/engine.ts";
import { predictBatch } from "../runtime/batches.ts";
import { runningTotals, weightedSum64 } from "../util/arrays.ts";

/** A set of model replicas in workers. */
export interface WorkerPool {
  /** Number of workers (the main thread is one more replica). */
  readonly size: number;
  /**
   * One data-parallel training step: gradients of `x`/`y` under `lossName` (default the categorical cross-entropy)
   * split between the main thread and the workers, averaged and applied with `optimizer`. With
   * `createOptimizer`'s Adam on the wasm engines the update is shared out too: each replica updates a
   * contiguous share of the trainable variables ({@linkcode splitValues}), and `updated` counts the values each
   * replica updated (main thread first).
   */
  step(
    model: tf.LayersModel,
    optimizer: tf.Optimizer,
    x: tf.Tensor,
    y: tf.Tensor,
    lossName?: LossName,
  ): Promise<{ loss: number; correct: number; updated?: number[] }>;
  /**
   * The gradient of `x`/`y` computed as {@linkcode WorkerPool.step} does, but returned (flat, in trainable-weight
   * order) instead of applied; `loss` is the batch's mean.
   */
  gradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, lossName?: LossName): Promise<FlatGradients>;
  /** Class probabilities of `count` images (flat pixel array), split across main thread and workers. */
  predict(model: tf.LayersModel, pixels: Float32Array, count: number): Promise<Float32Array>;
  /** Stops the workers. */
  terminate(): void;
}

/** A batch's gradient as one flat array (trainable-weight order), with its mean loss and correct predictions. */
export interface FlatGradients {
  loss: number;
  correct: number;
  grads: Float32Array;
}

/** Gradients of one batch on the main thread alone, flattened. */
export function localGradients(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  lossName: LossName = "categoricalCrossentropy",
): FlatGradients {
  const g = batchGradients(model, x, y, lossName);
  const grads = flatten(g.grads);
  tf.dispose(g.grads);
  return { loss: g.loss, correct: g.correct, grads };
}

/**
 * Worker threads that help the main thread so that every core works: one per core beyond the first (0 on one
 * core). The worker pools of the networks take it as their default size.
 */
export function helperWorkers(): number {
  return Math.max(0, (navigator.hardwareConcurrency ?? 1) - 1);
}

interface Channel {
  worker: Worker;
  /**
   * Posts `msg` and returns one promise per reply the request expects (`replies`, default 1), in order; an error
   * message, or the worker crashing, rejects every one still pending.
   */
  // deno-lint-ignore no-explicit-any
  request(msg: any, transfer?: Transferable[], replies?: number): Promise<any>[];
}

function channel(worker: Worker): Channel {
  // deno-lint-ignore no-explicit-any
  let pending: { resolve: (v: any) => void; reject: (e: Error) => void }[] = [];
  const rejectAll = (e: Error) => {
    const all = pending;
    pending = [];
    all.forEach((p) => p.reject(e));
  };
  worker.onmessage = (e) => {
    if (e.data.type === "error") rejectAll(new Error(`worker: ${e.data.message}`));
    else pending.shift()?.resolve(e.data);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    rejectAll(new Error(`worker crashed: ${e.message}`));
  };
  return {
    worker,
    request(msg, transfer = [], replies = 1) {
      if (pending.length) return [Promise.reject(new Error("worker busy"))];
      const out = Array.from(
        { length: replies },
        () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
      );
      worker.postMessage(msg, transfer);
      return out;
    },
  };
}

/** Splits `n` rows into `parts` nearly equal contiguous ranges. */
export function splitRows(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) out.push([Math.floor((i * n) / parts), Math.floor(((i + 1) * n) / parts)]);
  return out;
}

/** Each replica's share of a batch of `n` rows split by {@linkcode splitRows}: the weights of their gradients' mean. */
function rowShares(n: number, parts: number): number[] {
  return splitRows(n, parts).map(([a, b]) => (b - a) / n);
}

/**
 * Cuts variables of `sizes` values into `parts` contiguous ranges of variable indices (`[from, to)`, the first
 * range first) whose value counts are as near equal as whole variables allow: each cut falls at the variable
 * boundary nearest its share of the total. How a pool step shares out the optimizer's update.
 */
export function splitValues(sizes: number[], parts: number): [number, number][] {
  const ends = runningTotals(sizes), total = ends[sizes.length];
  const cuts = [0];
  for (let k = 1; k < parts; k++) {
    const target = (k * total) / parts;
    let best = cuts.at(-1)!;
    for (let j = best; j <= sizes.length; j++) {
      if (Math.abs(ends[j] - target) < Math.abs(ends[best] - target)) best = j;
    }
    cuts.push(best);
  }
  cuts.push(sizes.length);
  return cuts.slice(0, -1).map((c, k) => [c, cuts[k + 1]]);
}

/**
 * `sum_i shares[i] * parts[i]`, element by element, computed in double precision and rounded once (one pass for two
 * parts, the replicas of a 2-core machine): how the replicas' flat gradients become the batch's size-weighted mean.
 */
export function weightedSum(parts: Float32Array[], shares: number[]): Float32Array {
  return weightedSumInto(new Float32Array(parts[0].length), parts, shares);
}

/** {@linkcode weightedSum} written into `out` (a new array, or a fresh tensor's heap memory), which it returns. */
function weightedSumInto(out: Float32Array, parts: Float32Array[], shares: number[]): Float32Array {
  for (const p of parts) {
    if (p.length !== out.length) throw new RangeError(`weightedSum: parts of ${p.length} and ${out.length} values`);
  }
  if (parts.length === 2) {
    const [a, b] = parts, [sa, sb] = shares;
    for (let k = 0; k < out.length; k++) out[k] = a[k] * sa + b[k] * sb;
    return out;
  }
  out.set(weightedSum64(parts, shares));
  return out;
}

/**
 * The batch's gradient per trainable variable, as tensors: {@linkcode weightedSum} of the main thread's gradient
 * tensors (`local`, the first part) and the workers' flat gradients (`remote`), by `shares`. On the wasm backend each
 * sum is written straight into a new tensor's heap memory, so the step skips flattening the main thread's gradient
 * and copying the sum back in (about 3 ms a step on the best network's 648k weights).
 */
function meanGradients(local: tf.Tensor[], remote: Float32Array[], shares: number[]): tf.Tensor[] {
  let o = 0;
  return local.map((g) => {
    const parts = remote.map((r) => r.subarray(o, o + g.size));
    o += g.size;
    if (heapValues(g) === null) {
      return tf.tensor(weightedSum([g.dataSync() as Float32Array, ...parts], shares), g.shape);
    }
    const info = (tf.backend() as unknown as WasmBackend).makeOutput(g.shape, "float32");
    // Views after the allocation, which may have moved the heap.
    weightedSumInto(heapValues(info)!, [heapValues(g)!, ...parts], shares);
    return tf.engine().makeTensorFromTensorInfo(info);
  });
}

/** Starts `workers` workers holding replicas of `model`'s architecture. */
export async function createWorkerPool(model: tf.LayersModel, workers = helperWorkers()): Promise<WorkerPool> {
  const topology = model.toJSON(null, false);
  const chans = Array.from(
    { length: workers },
    () => channel(new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" })),
  );
  // Workers run the main thread's engine (native kernels or not).
  await Promise.all(chans.map((c) => c.request({ type: "init", topology, engine: activeEngine() })[0]));

  // The step's weights (written by the main thread) and each worker's gradients (written by that worker), shared
  // with the workers so that no message copies them; sized at the first step, again if the model changes.
  // (`gradValues` is kept apart from `grads`, which a pool without workers leaves empty.) For a shared-out Adam
  // update, `update` holds the main thread's gradient and the moments of the workers' variables (written by the main
  // thread, the moments then updated in place by the workers) and every replica's share of the new weights.
  type Shared = Float32Array<SharedArrayBuffer>;
  let shared: {
    weights: Shared;
    grads: Shared[];
    gradValues: number;
    update?: { grads: Shared; m: Shared; v: Shared; x: Shared };
  } | null = null;
  const buffer = (n: number): Shared => new Float32Array(new SharedArrayBuffer(4 * n));
  function sharedBuffers(model: tf.LayersModel) {
    const count = (vs: tf.Variable[]) => vs.reduce((s, v) => s + v.size, 0);
    const weights = count(allVariables(model)), gradValues = count(trainableVariables(model));
    if (shared?.weights.length !== weights || shared.gradValues !== gradValues) {
      shared = { weights: buffer(weights), grads: chans.map(() => buffer(gradValues)), gradValues };
    }
    return shared;
  }
  // A shared-out Adam step's flags (`_protocol.ts`): the main thread's at 0, worker i's at i + 1; and its number.
  const flags: Int32Array<SharedArrayBuffer> = new Int32Array(new SharedArrayBuffer(4 * (workers + 1)));
  let stepCount = 0;
  // After a shared-out Adam step every worker holds its own share of the new weights and `update.x` holds them all,
  // so the next step's requests need carry only the variables that are not trained (BatchNorm's statistics) and the
  // other replicas' shares. That holds while the model's trainable variables keep the memory the step left them.
  let held: { model: tf.LayersModel; ids: tf.DataId[] } | null = null;
  const holds = (model: tf.LayersModel) => {
    const vars = trainableVariables(model);
    return held?.model === model && held.ids.length === vars.length && vars.every((v, j) => v.dataId === held!.ids[j]);
  };
  /** Notes that the workers were sent every weight of `model`: they hold the last step's only if it is the same. */
  const sentAll = (model: tf.LayersModel) => {
    if (!holds(model)) held = null;
  };

  /** How a pool step shares out its update: what each worker is sent, and what the main thread does meanwhile. */
  interface Sharing {
    /** The weights worker `i` is sent instead of all of them (already written to the shared buffers). */
    sync?: (i: number) => WeightSync;
    /** Worker `i`'s share of the update, which it starts as soon as the replicas' gradients are published. */
    adam: (i: number) => AdamShare;
    /** Runs on the main thread's gradient while the workers finish theirs; it publishes the main thread's share. */
    whileWaiting: (local: tf.Tensor[]) => void;
    /** Tells the workers that the main thread gave the step up. */
    giveUp: () => void;
  }

  /**
   * The replicas' work on one batch of at least `workers + 1` rows: each worker's slice goes out with the weights, the
   * main thread computes its own slice's gradients (tensors), and the workers' gradients arrive in `shared.grads`.
   * With `sharing`, the main thread runs `sharing.whileWaiting` on its gradients, and `adam` holds the promises of
   * the workers' second replies, their shares of the update done.
   */
  async function exchange(
    model: tf.LayersModel,
    x: tf.Tensor,
    y: tf.Tensor,
    lossName: LossName,
    sharing?: Sharing,
  ) {
    const n = x.shape[0];
    const ranges = splitRows(n, workers + 1);
    const buffers = sharedBuffers(model);
    if (!sharing?.sync) {
      flattenInto(allVariables(model), buffers.weights);
      sentAll(model);
    }
    const xs = x.dataSync() as Float32Array, ys = y.dataSync() as Float32Array;
    const per = x.size / n, perY = y.size / n;
    const [a0, b0] = ranges[0];
    const replies: Promise<{ loss: number; correct: number }>[] = [], adam: Promise<unknown>[] = [];
    let local: StepGradients | undefined;
    let remote: { loss: number; correct: number }[];
    try {
      chans.forEach((c, i) => {
        const [a, b] = ranges[i + 1];
        const xPart = xs.slice(a * per, b * per), yPart = ys.slice(a * perY, b * perY);
        const [first, ...rest] = c.request(
          {
            type: "grads",
            weights: buffers.weights.buffer,
            sync: sharing?.sync?.(i),
            grads: buffers.grads[i].buffer,
            x: xPart,
            xShape: [b - a, ...x.shape.slice(1)],
            y: yPart,
            yShape: [b - a, ...y.shape.slice(1)],
            loss: lossName,
            adam: sharing?.adam(i),
          },
          [xPart.buffer, yPart.buffer],
          sharing ? 2 : 1,
        );
        // Awaited below or later; a failure must not go unhandled meanwhile.
        [first, ...rest].forEach((p) => p.catch(() => {}));
        replies.push(first);
        adam.push(...rest);
      });
      const x0 = tf.slice(x, a0, b0 - a0), y0 = tf.slice(y, a0, b0 - a0);
      try {
        local = batchGradients(model, x0, y0, lossName);
      } finally {
        tf.dispose([x0, y0]);
      }
      sharing?.whileWaiting(local.grads);
      remote = await Promise.all(replies);
    } catch (e) {
      if (local) tf.dispose(local.grads);
      sharing?.giveUp();
      await Promise.allSettled([...replies, ...adam]); // no worker is left busy for the next request
      throw e;
    }
    let loss = local.loss * (b0 - a0), correct = local.correct;
    remote.forEach((r, i) => {
      loss += r.loss * (ranges[i + 1][1] - ranges[i + 1][0]);
      correct += r.correct;
    });
    return {
      loss: loss / n,
      correct,
      local: local.grads,
      remote: buffers.grads,
      shares: rowShares(n, workers + 1),
      adam,
    };
  }

  /**
   * An Adam step (started by `begin`) shared out. Each worker's request carries its share of the update: once the
   * gradients are in, it waits for the main thread's flag (raised after the main thread has written its own gradient
   * and the moments of the workers' variables into `shared.update`, while the workers finish their gradients), updates
   * its variables' moments there, writes their new values there and into its own variables, and replies a second
   * time. Meanwhile the main thread computes its own variables' new values, summing the replicas' gradients as it goes
   * ({@linkcode adamValues}); once every worker has answered, all of them are given to the main thread's variables and
   * moments. The next step then sends each worker only what it lacks (`held`).
   */
  async function sharedAdamStep(
    model: tf.LayersModel,
    begin: (names: string[]) => AdamStep,
    x: tf.Tensor,
    y: tf.Tensor,
    lossName: LossName,
  ): Promise<{ loss: number; correct: number; updated: number[] }> {
    const vars = trainableVariables(model), sizes = vars.map((v) => v.size);
    const split = splitValues(sizes, workers + 1), offsets = runningTotals(sizes);
    const buffers = sharedBuffers(model);
    const update = buffers.update ??= {
      grads: buffer(buffers.gradValues),
      m: buffer(buffers.gradValues),
      v: buffer(buffers.gradValues),
      x: buffer(buffers.gradValues),
    };
    const step = begin(vars.map((v) => v.name)), k = ++stepCount;
    const shares = rowShares(x.shape[0], workers + 1);
    const ownShare = (i: number) => split[i + 1];
    let sync: Sharing["sync"];
    if (holds(model)) {
      const all = allVariables(model), trained = new Set(vars), at = runningTotals(all.map((v) => v.size));
      const fixed = all.flatMap((v, i) => trained.has(v) ? [] : [i]);
      for (const i of fixed) buffers.weights.set(heapValues(all[i]) ?? (all[i].dataSync() as Float32Array), at[i]);
      sync = (i) => {
        const [from, to] = ownShare(i);
        return { all: fixed, trainable: vars.flatMap((_, j) => j >= from && j < to ? [] : [j]), x: update.x.buffer };
      };
    }
    held = null; // until this step has succeeded
    const parts = [update.grads, ...buffers.grads].map((p) => p.buffer);
    const e = await exchange(model, x, y, lossName, {
      sync,
      adam: (i) => ({
        attrs: step.attrs,
        from: ownShare(i)[0],
        to: ownShare(i)[1],
        offset: offsets[ownShare(i)[0]],
        parts,
        shares,
        m: update.m.buffer,
        v: update.v.buffer,
        x: update.x.buffer,
        flags: flags.buffer,
        waitFor: Array.from({ length: workers + 1 }, (_, r) => r).filter((r) => r !== i + 1),
        replica: i + 1,
        step: k,
      }),
      whileWaiting: (local) => {
        for (let j = split[0][1]; j < vars.length; j++) {
          const [m, v] = step.moments[j], o = offsets[j];
          update.grads.set(heapValues(local[j])!, o);
          update.m.set(heapValues(m)!, o);
          update.v.set(heapValues(v)!, o);
        }
        raiseFlag(flags, 0, k);
      },
      giveUp: () => raiseFlag(flags, 0, -k),
    });
    try {
      const { attrs, moments } = step;
      const be = tf.backend() as unknown as WasmBackend;
      const sub = (a: Float32Array, j: number) => a.subarray(offsets[j], offsets[j + 1]);
      // The main thread's share is computed now but assigned only once every worker has answered, so that a failed
      // worker leaves the step undone rather than half applied.
      let mine: tf.Tensor[][] = [];
      try {
        mine = tf.tidy(() =>
          vars.slice(0, split[0][1]).map((v, j) => {
            const [m1, m2] = moments[j];
            const outs = [v, m1, m2].map((t) => be.makeOutput(t.shape, "float32"));
            // Views after the allocations, which may have moved the heap.
            adamValues(
              attrs,
              [v, m1, m2].map((t) => heapValues(t)!),
              [heapValues(e.local[j])!, ...e.remote.map((r) => sub(r, j))],
              e.shares,
              outs.map((t) => heapValues(t)!),
            );
            return outs.map((t) => tf.engine().makeTensorFromTensorInfo(t));
          })
        );
        // The workers take the main thread's share of the new weights from here at the next step.
        mine.forEach(([x2], j) => update.x.set(heapValues(x2)!, offsets[j]));
        await Promise.all(e.adam);
      } catch (err) {
        tf.dispose(mine.flat());
        await Promise.allSettled(e.adam); // no worker is left busy for the next request
        throw err;
      }
      mine.forEach(([x2, mNew, vNew], j) => {
        moments[j][0].assign(mNew);
        moments[j][1].assign(vNew);
        vars[j].assign(x2);
      });
      tf.dispose(mine.flat());
      // In place, unless the main thread had no share: some variable must take new data, so that another pool's
      // `held` sees that this model changed.
      const inPlace = split[0][1] > 0;
      for (let j = split[0][1]; j < vars.length; j++) {
        setValues(moments[j][0], sub(update.m, j));
        setValues(moments[j][1], sub(update.v, j));
        setValues(vars[j], sub(update.x, j), inPlace);
      }
      step.finish();
      held = { model, ids: vars.map((v) => v.dataId) };
    } finally {
      tf.dispose(e.local);
    }
    return { loss: e.loss, correct: e.correct, updated: split.map(([a, b]) => offsets[b] - offsets[a]) };
  }

  async function gradients(
    model: tf.LayersModel,
    x: tf.Tensor,
    y: tf.Tensor,
    lossName: LossName = "categoricalCrossentropy",
  ): Promise<FlatGradients> {
    if (x.shape[0] < workers + 1) return localGradients(model, x, y, lossName); // too small to split
    const e = await exchange(model, x, y, lossName);
    const mine = flatten(e.local);
    tf.dispose(e.local);
    return { loss: e.loss, correct: e.correct, grads: weightedSum([mine, ...e.remote], e.shares) };
  }

  // One call at a time: a step's flags and shared buffers belong to it until it has settled.
  let busy = false;
  async function exclusive<T>(f: () => Promise<T>): Promise<T> {
    if (busy) throw new Error("worker pool busy: await each call before the next");
    busy = true;
    try {
      return await f();
    } finally {
      busy = false;
    }
  }

  return {
    size: workers,
    step: (model, optimizer, x, y, lossName = "categoricalCrossentropy") =>
      exclusive(() => step(model, optimizer, x, y, lossName)),
    gradients: (model, x, y, lossName = "categoricalCrossentropy") => exclusive(() => gradients(model, x, y, lossName)),
    predict: (model, pixels, count) => exclusive(() => predict(model, pixels, count)),
    terminate() {
      chans.forEach((c) => c.worker.terminate());
    },
  };

  async function step(
    model: tf.LayersModel,
    optimizer: tf.Optimizer,
    x: tf.Tensor,
    y: tf.Tensor,
    lossName: LossName,
  ): Promise<{ loss: number; correct: number; updated?: number[] }> {
    if (x.shape[0] < workers + 1) return trainStep(model, optimizer, x, y, lossName); // too small to split
    const begin = workers > 0 ? adamSteps(optimizer) : null;
    if (begin) return sharedAdamStep(model, begin, x, y, lossName);
    const e = await exchange(model, x, y, lossName);
    const mean = meanGradients(e.local, e.remote, e.shares);
    tf.dispose(e.local);
    try {
      applyGradientTensors(model, optimizer, mean);
    } finally {
      tf.dispose(mean);
    }
    return { loss: e.loss, correct: e.correct };
  }

  async function predict(model: tf.LayersModel, pixels: Float32Array, count: number): Promise<Float32Array> {
    if (count < workers + 1) {
      const p = tf.tidy(() => predictBatch(model, tf.tensor4d(pixels.slice(0, count * PIXELS), [count, 28, 28, 1])));
      const out = p.dataSync() as Float32Array;
      p.dispose();
      return out;
    }
    const ranges = splitRows(count, workers + 1);
    const weights = flattenInto(allVariables(model), sharedBuffers(model).weights).buffer;
    sentAll(model);
    const replies = chans.map((c, i) => {
      const [a, b] = ranges[i + 1];
      const x = pixels.slice(a * PIXELS, b * PIXELS);
      return c.request(
        { type: "predict", weights, x, xShape: [b - a, IMAGE_SIZE, IMAGE_SIZE, 1] },
        [x.buffer],
      )[0];
    });
    const out = new Float32Array(count * NUM_CLASSES);
    const [a0, b0] = ranges[0];
    const p = tf.tidy(() =>
      predictBatch(
        model,
        tf.tensor4d(pixels.subarray(a0 * PIXELS, b0 * PIXELS), [b0 - a0, IMAGE_SIZE, IMAGE_SIZE, 1]),
      )
    );
    out.set(p.dataSync(), a0 * NUM_CLASSES);
    p.dispose();
    (await Promise.all(replies)).forEach((r, i) => out.set(r.probs, ranges[i + 1][0] * NUM_CLASSES));
    return out;
  }
}
