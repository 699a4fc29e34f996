/**
 * One Adadelta update of a variable as a single wasm-backend kernel: the update as tensor operations takes about
 * twelve kernels per variable and step, a sixth of a step of the report's simple CNN at batch 128. Given the variable,
 * its two accumulators and its gradient, {@linkcode ADADELTA_KERNEL} returns the new value and accumulators in one
 * pass over the heap, with Keras' formula (the report's), whose step divides by the squared-gradient accumulator
 * *after* this step's update: `a' = rho a + (1 - rho) g²`, `u = sqrt(d + eps) / sqrt(a' + eps) g`,
 * `d' = rho d + (1 - rho) u²`, `x' = x - lr u`. (tfjs' own `AdadeltaOptimizer` divides by `a`, the accumulator before
 * the update; started from zeros, its two accumulators then stay equal and its step is plain `lr g`.)
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./wasm_backend.ts";

/** Kernel name of the fused Adadelta update (inputs `x`, `accGrad`, `accUpdate`, `g`; outputs their new values). */
export const ADADELTA_KERNEL = "NoisyDigitsAdadeltaUpdate";

/** Attributes of {@linkcode ADADELTA_KERNEL}. */
export interface AdadeltaUpdateAttrs {
  learningRate: number;
  rho: number;
  epsilon: number;
}

/** The {@linkcode ADADELTA_KERNEL} kernel on the wasm backend. */
export const adadeltaUpdateKernel: tf.KernelConfig = {
  kernelName: ADADELTA_KERNEL,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, accGrad, accUpdate, g } = inputs as Record<string, tf.TensorInfo>;
    const { learningRate: lr, rho, epsilon: eps } = attrs as unknown as AdadeltaUpdateAttrs;
    const be = backend as WasmBackend;
    const outs = [x, accGrad, accUpdate].map((t) => be.makeOutput(t.shape, "float32"));
    const [X, A, D, G] = [x, accGrad, accUpdate, g].map((t) => be.typedArrayFromHeap(t) as Float32Array);
    const [X2, A2, D2] = outs.map((t) => be.typedArrayFromHeap(t) as Float32Array);
    for (let i = 0; i < X.length; i++) {
      const gi = G[i], di = D[i];
      const ai = rho * A[i] + (1 - rho) * gi * gi;
      const u = (Math.sqrt(di + eps) / Math.sqrt(ai + eps)) * gi;
      A2[i] = ai;
      D2[i] = rho * di + (1 - rho) * u * u;
      X2[i] = X[i] - lr * u;
    }
    return outs;
  },
};
