/**
 * Body of a data-parallel training/inference worker (a Deno module worker
 * running its own wasm backend on another core). Messages:
 * `init {topology, engine}` builds the model on that engine; `grads {weights, x, y, loss, ...}` loads the
 * weights and returns the gradients of that batch slice under that loss; `predict {weights?, x}`
 * returns class probabilities.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../runtime/backend.ts";
import "../networks/layers.ts"; // custom layers must be registered before a topology using them is rebuilt
import { allVariables, assignFlat, batchGradients, flatten } from "./step.ts";

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
    if (m.weights) assignFlat(allVariables(model), m.weights);
    if (m.type === "grads") {
      const x = tf.tensor(m.x, m.xShape), y = tf.tensor(m.y, m.yShape);
      const g = batchGradients(model, x, y, m.loss);
      const flat = flatten(g.grads);
      tf.dispose([x, y, ...g.grads]);
      port.postMessage({ type: "grads", loss: g.loss, correct: g.correct, grads: flat }, [flat.buffer]);
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
