/**
 * `MaxPoolGrad` for non-overlapping pooling windows (stride equal to the pool
 * size, no padding: Keras' `MaxPooling2D(2)`), written as one pass over the
 * wasm heap. Each input pixel belongs to at most one window, so the gradient
 * is the output gradient written at the window's first maximum (row-major
 * order, strict `>`: tfjs' own tie rule, which matters after a ReLU or a
 * BatchNorm of a ReLU, where whole windows are equal) and zero elsewhere. The
 * stock wasm kernel takes 25 ms on a `[32, 28, 28, 64]` input; this one a few.
 * Overlapping, padded or dilated windows go to the stock kernel.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./wasm_backend.ts";

/** Gradient of a non-overlapping max-pool, on plain arrays (NHWC). */
export function maxPoolGradNonOverlapping(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const fh = info.filterHeight, fw = info.filterWidth;
  dx.fill(0);
  let o = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const corner = ((n * h + i * fh) * w + j * fw) * c;
        for (let ch = 0; ch < c; ch++, o++) {
          let best = -Infinity, at = -1;
          for (let r = 0; r < fh; r++) {
            const row = corner + r * w * c + ch;
            for (let s = 0; s < fw; s++) {
              const v = x[row + s * c];
              if (v > best) {
                best = v;
                at = row + s * c;
              }
            }
          }
          if (at >= 0) dx[at] = dy[o];
        }
      }
    }
  }
}

/** Whether a pooling geometry has non-overlapping, unpadded, undilated windows. */
export function isNonOverlapping(info: tf.backend_util.Conv2DInfo): boolean {
  return info.strideHeight === info.filterHeight && info.strideWidth === info.filterWidth &&
    info.dilationHeight === 1 && info.dilationWidth === 1 &&
    info.padInfo.top === 0 && info.padInfo.left === 0 && info.padInfo.bottom === 0 && info.padInfo.right === 0;
}

/** The wasm `MaxPoolGrad` replacement; every other geometry or dtype goes to `stock`. */
export function maxPoolGradKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: "MaxPoolGrad",
    backendName: "wasm",
    // The stock kernel's setup binds its wasm function when the backend starts after this registration.
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => {
      const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      const a = args.attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: "valid" | "same" | number;
        dimRoundingMode?: "floor" | "round" | "ceil";
      };
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      if (input.dtype !== "float32" || !isNonOverlapping(info)) return stock.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackend;
      const dx = backend.makeOutput(input.shape, "float32");
      // Heap views are taken after the allocation, which may grow (and detach) the heap.
      maxPoolGradNonOverlapping(
        backend.typedArrayFromHeap(input),
        backend.typedArrayFromHeap(dy),
        backend.typedArrayFromHeap(dx),
        info,
      );
      return dx;
    },
  };
}
