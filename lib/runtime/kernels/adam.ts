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
import { weightedSum64 } from "../../util/arrays.ts";

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

/**
 * Adam's update of plain arrays, the arithmetic of {@linkcode ADAM_KERNEL}: the new values `x2`, `m2`, `v2` of `x`,
 * `m`, `v` (each output may be its input) under the gradient `sum_k shares[k] * parts[k]`, which is how the replicas
 * of a data-parallel step combine their slices' gradients without storing the sum first (one part with share 1 is a
 * plain gradient). Every array has the same length.
 */
export function adamValues(
  a: AdamUpdateAttrs,
  [x, m, v]: Float32Array[],
  parts: Float32Array[],
  shares: number[],
  [x2, m2, v2]: Float32Array[],
): void {
  if (parts.length !== shares.length) {
    throw new RangeError(`adamValues: ${parts.length} parts, ${shares.length} shares`);
  }
  for (const p of [m, v, ...parts, x2, m2, v2]) {
    if (p.length !== x.length) throw new RangeError(`adamValues: arrays of ${p.length} and ${x.length} values`);
  }
  const b1 = a.beta1, b2 = a.beta2, eps = a.epsilon, c1 = 1 - b1, c2 = 1 - b2;
  const step = a.learningRate / a.correction1, root = 1 / Math.sqrt(a.correction2);
  // The formula, once: V8 inlines it into each loop below (as fast as writing it out, measured).
  const put = (i: number, gi: number) => {
    const mi = b1 * m[i] + c1 * gi, vi = b2 * v[i] + c2 * gi * gi;
    m2[i] = mi;
    v2[i] = vi;
    x2[i] = x[i] - (step * mi) / (Math.sqrt(vi) * root + eps);
  };
  const n = x.length;
  if (parts.length === 1 && shares[0] === 1) {
    const g = parts[0];
    for (let i = 0; i < n; i++) put(i, g[i]);
  } else if (parts.length === 2) {
    const [g, h] = parts, [sg, sh] = shares;
    for (let i = 0; i < n; i++) put(i, g[i] * sg + h[i] * sh);
  } else {
    const g = weightedSum64(parts, shares);
    for (let i = 0; i < n; i++) put(i, g[i]);
  }
}

/** The {@linkcode ADAM_KERNEL} kernel on the wasm backend. */
export const adamUpdateKernel: tf.KernelConfig = {
  kernelName: ADAM_KERNEL,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, m, v, g } = inputs as Record<string, tf.TensorInfo>;
    const be = backend as WasmBackend;
    const outs = [x, m, v].map((t) => be.makeOutput(t.shape, "float32"));
    // Views after the allocations, which may have moved the heap.
    const heap = (t: tf.TensorInfo) => be.typedArrayFromHeap(t) as Float32Array;
    adamValues(attrs as unknown as AdamUpdateAttrs, [x, m, v].map(heap), [heap(g)], [1], outs.map(heap));
    return outs;
  },
};
