/**
 * Body of a data-parallel training/inference worker (a Deno module worker
 * running its own wasm backend on another core). Messages:
 * - `init {topology, engine}` builds the model on that engine;
 * - `grads {weights, sync?, grads, x, y, loss, adam?}` first takes the weights: from the shared buffer `weights` (every
 *   variable, `model.weights` order), or with `sync` only the variables it lists (indices into that order) from
 *   `weights` and the trainable ones `sync.trainable` lists from `sync.x` (trainable order). It then writes the
 *   gradients of that batch slice under that loss into the shared buffer `grads` and replies `grads`. With `adam` it
 *   goes on to its share of the step's update without waiting for another message (see {@linkcode adamShare}) and
 *   replies a second time, `adam`;
 * - `predict {weights?, x}` (`weights` shared too) returns class probabilities.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../runtime/backend.ts";
import "../networks/layers.ts"; // custom layers must be registered before a topology using them is rebuilt
import {
  allVariables,
  assignFlat,
  batchGradients,
  flattenInto,
  heapValues,
  setValues,
  trainableVariables,
} from "./step.ts";
import { adamValues } from "../runtime/kernels/adam.ts";
import { predictBatch } from "../runtime/batches.ts";
import { runningTotals } from "../util/arrays.ts";
import { type AdamShare, awaitFlags, raiseFlag, type WeightSync } from "./_protocol.ts";

let model: tf.LayersModel | null = null;

// deno-lint-ignore no-explicit-any
const port = self as any;

/** Loads the weights of a request: every variable, or the ones `sync` names. */
function takeWeights(model: tf.LayersModel, weights: SharedArrayBuffer, sync?: WeightSync): void {
  const all = allVariables(model), flat = new Float32Array(weights);
  if (!sync) return assignFlat(all, flat);
  const offsets = runningTotals(all.map((v) => v.size));
  for (const i of sync.all) setValues(all[i], flat.subarray(offsets[i], offsets[i + 1]));
  const trainable = trainableVariables(model), x = new Float32Array(sync.x);
  let o = 0;
  trainable.forEach((v, j) => {
    if (sync.trainable.includes(j)) setValues(v, x.subarray(o, o + v.size));
    o += v.size;
  });
}

/**
 * This worker's share of a pool step's Adam update, once the main thread (and every other worker) has published its
 * gradient: the variables `[from, to)`, from the replicas' gradients `parts` weighted by `shares` and the moments
 * `m`, `v` (updated in place); the new values go to `x` and to this replica's own variables. False when another
 * replica gave the step up.
 */
function adamShare(model: tf.LayersModel, a: AdamShare): boolean {
  if (!awaitFlags(new Int32Array(a.flags), a.waitFor, a.step)) return false;
  const view = (b: SharedArrayBuffer) => new Float32Array(b);
  const parts = a.parts.map(view), [M, V, X] = [a.m, a.v, a.x].map(view);
  const vars = trainableVariables(model).slice(a.from, a.to);
  let o = a.offset;
  for (const variable of vars) {
    const sub = (arr: Float32Array) => arr.subarray(o, o + variable.size);
    adamValues(a.attrs, [heapValues(variable)!, sub(M), sub(V)], parts.map(sub), a.shares, [X, M, V].map(sub));
    // This replica takes its own share of the new weights now rather than with the next request.
    setValues(variable, sub(X));
    o += variable.size;
  }
  return true;
}

port.onmessage = async (e: MessageEvent) => {
  const m = e.data;
  try {
    if (m.type === "init") {
      await initBackend({ engine: m.engine });
      model = await tf.models.modelFromJSON({ modelTopology: m.topology });
      port.postMessage({ type: "ready" });
      return;
    }
    if (!model) throw new Error("worker not initialised");
    if (m.type === "grads") {
      const adam = m.adam as AdamShare | undefined;
      try {
        takeWeights(model, m.weights, m.sync);
        const x = tf.tensor(m.x, m.xShape), y = tf.tensor(m.y, m.yShape);
        const g = batchGradients(model, x, y, m.loss);
        flattenInto(g.grads, new Float32Array(m.grads));
        tf.dispose([x, y, ...g.grads]);
        if (adam) raiseFlag(new Int32Array(adam.flags), adam.replica, adam.step);
        port.postMessage({ type: "grads", loss: g.loss, correct: g.correct });
      } catch (err) {
        // The other replicas give the step up instead of waiting.
        if (adam) raiseFlag(new Int32Array(adam.flags), adam.replica, -adam.step);
        throw err;
      }
      if (!adam) return;
      if (!adamShare(model, adam)) throw new Error("step given up by another replica");
      port.postMessage({ type: "adam" });
    } else if (m.type === "predict") {
      if (m.weights) assignFlat(allVariables(model), new Float32Array(m.weights));
      const x = tf.tensor4d(m.x, m.xShape);
      const p = predictBatch(model, x);
      const probs = p.dataSync() as Float32Array;
      tf.dispose([x, p]);
      port.postMessage({ type: "predict", probs }, [probs.buffer]);
    }
  } catch (err) {
    port.postMessage({ type: "error", message: String((err as Error)?.stack ?? err) });
  }
};
