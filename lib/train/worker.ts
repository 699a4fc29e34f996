/**
 * Body of a data-parallel training/inference worker (a Deno module worker
 * running its own wasm backend on another core). Messages:
 * `init {topology, engine}` builds the model on that engine; `grads {weights, grads, x, y, loss, ...}` loads the
 * weights from the shared buffer `weights` and writes the gradients of that batch slice under that loss into the
 * shared buffer `grads`; `predict {weights?, x}` (`weights` shared too) returns class probabilities.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../runtime/backend.ts";
import "../networks/layers.ts"; // custom layers must be registered before a topology using them is rebuilt
import { allVariables, assignFlat, batchGradients, flattenInto } from "./step.ts";

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
    } else if (m.type === "predict") {
      const x = tf.tensor4d(m.x, m.xShape);
      const p = model.predict(x) as tf.Tensor;
      const probs = p.dataSync() as Float32Array;
      tf.dispose([x, p]);
      port.postMessage({ type: "predict", probs }, [probs.buffer]);
    }
  } catch (err) {
    port.postMessage({ type: "error", message: String((err as Error)?.stack ?? err) });
  }
};
