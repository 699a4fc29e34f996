/**
 * One Adam update of a variable as a single wasm-backend kernel: tfjs' `AdamOptimizer` runs about thirteen kernels
 * per variable and step (and writes a scalar tensor for each constant), a third of a training step's kernel calls
 * on the best network. Given the variable, its two moment estimates and its gradient, {@linkcode ADAM_KERNEL}
 * returns the new value and moments in one pass over the heap, with tfjs' formula: `m' = b1 m + (1 - b1) g`,
 * `v' = b2 v + (1 - b2) g²`, `x' = x - lr (m' / c1) / (sqrt(v' / c2) + eps)`, where `c1 = 1 - b1^t`, `c2 = 1 - b2^t`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./wasm_backend.ts";

/** Kernel name of the fused Adam update (inputs `x`, `m`, `v`, `g`; outputs new `x`, `m`, `v`). */
export const ADAM_KERNEL = "NoisyDigitsAdamUpdate";

/** Attributes of {@linkcode ADAM_KERNEL}. */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** `1 - beta1^t` and `1 - beta2^t` at this step `t`. */
  correction1: number;
  correction2: number;
}

/** The {@linkcode ADAM_KERNEL} kernel on the wasm backend. */
export const adamUpdateKernel: tf.KernelConfig = {
  kernelName: ADAM_KERNEL,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, m, v, g } = inputs as Record<string, tf.TensorInfo>;
    const a = attrs as unknown as AdamUpdateAttrs;
    const be = backend as WasmBackend;
    const outs = [x, m, v].map((t) => be.makeOutput(t.shape, "float32"));
    const [X, M, V, G] = [x, m, v, g].map((t) => be.typedArrayFromHeap(t) as Float32Array);
    const [X2, M2, V2] = outs.map((t) => be.typedArrayFromHeap(t) as Float32Array);
    const { beta1: b1, beta2: b2, epsilon: eps } = a;
    const step = a.learningRate / a.correction1, root = 1 / Math.sqrt(a.correction2);
    for (let i = 0; i < X.length; i++) {
      const gi = G[i];
      const mi = b1 * M[i] + (1 - b1) * gi, vi = b2 * V[i] + (1 - b2) * gi * gi;
      M2[i] = mi;
      V2[i] = vi;
      X2[i] = X[i] - (step * mi) / (Math.sqrt(vi) * root + eps);
    }
    return outs;
  },
};
