/**
 * Body of a data-parallel training/inference worker (a Deno module worker
 * running its own wasm backend on another core). Messages:
 * `init {topology, engine}` builds the model on that engine; `grads {weights, grads, x, y, loss, ...}` loads the
 * weights from the shared buffer `weights` and writes the gradients of that batch slice under that loss into the
 * shared buffer `grads`; `adam {attrs, from, to, offset, parts, shares, m, v, x}` updates the trainable variables
 * `[from, to)` (their values starting at `offset` in every shared buffer) as Adam with the gradient `sum_k shares[k] *
 * parts[k]`: from this replica's weights (those of its last `grads` request) and the moments `m`, `v`, which it
 * updates in place, it writes their new values into `x`; `predict {weights?, x}` (`weights` shared too) returns class
 * probabilities.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../runtime/backend.ts";
import "../networks/layers.ts"; // custom layers must be registered before a topology using them is rebuilt
import { allVariables, assignFlat, batchGradients, flattenInto, heapValues, trainableVariables } from "./step.ts";
import { adamValues } from "../runtime/kernels/adam.ts";
import { predictBatch } from "../runtime/batches.ts";

let model: tf.LayersModel | null = null;

// deno-lint-ignore no-explicit-any
const port = self as any;

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
    // Weights and gradients travel in shared buffers (no copies per message).
    if (m.weights) assignFlat(allVariables(model), new Float32Array(m.weights));
    if (m.type === "grads") {
      const x = tf.tensor(m.x, m.xShape), y = tf.tensor(m.y, m.yShape);
      const g = batchGradients(model, x, y, m.loss);
      flattenInto(g.grads, new Float32Array(m.grads));
      tf.dispose([x, y, ...g.grads]);
      port.postMessage({ type: "grads", loss: g.loss, correct: g.correct });
    } else if (m.type === "adam") {
      const view = (b: SharedArrayBuffer) => new Float32Array(b);
      const parts = (m.parts as SharedArrayBuffer[]).map(view), [M, V, X] = [m.m, m.v, m.x].map(view);
      let o = m.offset;
      for (const variable of trainableVariables(model).slice(m.from, m.to)) {
        const sub = (a: Float32Array) => a.subarray(o, o + variable.size);
        adamValues(m.attrs, [heapValues(variable)!, sub(M), sub(V)], parts.map(sub), m.shares, [X, M, V].map(sub));
        o += variable.size;
      }
      port.postMessage({ type: "adam" });
    } else if (m.type === "predict") {
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
