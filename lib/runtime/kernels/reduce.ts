/**
 * Per-channel reductions on the wasm backend as matrix products. Training a
 * CNN sums and averages NHWC tensors over every axis but the channels
 * (bias and BatchNorm gradients, BatchNorm's batch moments). The stock wasm
 * `Sum` and `Mean` first transpose the reduced axes to the end (a slow,
 * generic 4-D transpose), then reduce. Here the same result is one
 * `[1, M] x [M, C]` product with a row of ones (or of `1 / M` for the mean)
 * on the backend's `BatchMatMul`, reading the tensor in place: 1.7 ms instead
 * of 11.6 ms on a `[32, 28, 28, 64]` batch. Every other reduction goes to the stock
 * kernel unchanged.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./wasm_backend.ts";

/** Reductions over fewer rows than this stay on the stock kernel (nothing to win). */
const MIN_ROWS = 256;

/**
 * Whether `axes` (already normalised, non-negative) are exactly the leading
 * axes `0 .. rank-2` of a tensor of rank `rank`, in any order.
 */
export function reducesLeadingAxes(axes: number[], rank: number): boolean {
  if (rank < 2 || axes.length !== rank - 1) return false;
  const seen = new Set(axes);
  for (let a = 0; a < rank - 1; a++) if (!seen.has(a)) return false;
  return true;
}

/**
 * A replacement for the wasm kernel `kernelName` ("Sum" or "Mean") that runs
 * per-channel reductions of float32 tensors as a product with a row of ones,
 * and hands everything else to `stock`.
 */
export function channelReduceKernel(
  kernelName: "Sum" | "Mean",
  stock: tf.KernelConfig,
  matMul: tf.KernelConfig,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    // The stock kernel's setup binds its wasm function when the backend starts after this registration.
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const rank = x.shape.length;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const channels = x.shape[rank - 1];
      const rows = channels ? tf.util.sizeFromShape(x.shape) / channels : 0;
      if (x.dtype !== "float32" || rows < MIN_ROWS || !reducesLeadingAxes(axes, rank)) {
        return stock.kernelFunc(args);
      }
      const backend = args.backend as unknown as WasmBackend;
      // A column of ones read transposed: the product without transposes packs `x` as XNNPACK weights
      // on every call (6 ms on [32, 28, 28, 64]), this one does not (1.7 ms).
      const ones = backend.makeOutput([rows, 1], "float32");
      backend.typedArrayFromHeap(ones).fill(kernelName === "Mean" ? 1 / rows : 1);
      try {
        const view: tf.TensorInfo = { dataId: x.dataId, shape: [rows, channels], dtype: "float32" };
        const out = matMul.kernelFunc({
          inputs: { a: ones, b: view },
          attrs: { transposeA: true, transposeB: false },
          backend: args.backend,
        }) as tf.TensorInfo;
        out.shape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
        return out;
      } finally {
        backend.disposeData(ones.dataId);
      }
    },
  };
}
