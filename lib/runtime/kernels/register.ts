/**
 * Installs the fast convolution gradients on the wasm backend: kernels
 * `Conv2DBackpropFilter` (missing from stock wasm) and `Conv2DBackpropInput`
 * (slow in stock wasm) re-expressed through XNNPACK's forward `Conv2D`, plus a
 * `Conv2D` gradient that also handles dilations (stock tfjs refuses them),
 * a `FusedBatchNorm` gradient without `Tile` (see `batchnorm_grad.ts`), `Sum` and `Mean` gradients without a
 * JavaScript array of ones (see `reduce_grad.ts`),
 * per-channel `Sum` / `Mean` as matrix products (see `reduce.ts`), a
 * one-pass `MaxPoolGrad` for non-overlapping windows (see `maxpool_grad.ts`) and `Identity` / same-dtype `Cast`
 * that share their input's data instead of copying it; the fused Adam and Adadelta update kernels (see `adam.ts`,
 * `adadelta.ts`); and Dropout's training mask drawn in one pass (see `dropout.ts`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./wasm_backend.ts";
import { fusedBatchNormGradient } from "./batchnorm_grad.ts";
import { reductionGradient } from "./reduce_grad.ts";
import { ADAM_KERNEL, adamUpdateKernel } from "./adam.ts";
import { ADADELTA_KERNEL, adadeltaUpdateKernel } from "./adadelta.ts";
import { conv2dFilterGrad, conv2dInputGrad, convGeometry } from "./conv_grad.ts";
import { channelReduceKernel } from "./reduce.ts";
import { maxPoolGradKernel } from "./maxpool_grad.ts";
import { installFastDropout, uninstallFastDropout } from "./dropout.ts";

let stockInput: tf.KernelConfig | undefined;
let stockGradient: tf.GradConfig | undefined;
let stockBatchNorm: tf.GradConfig | undefined;
/** Stock gradients of the reductions that {@linkcode reductionGradient} replaces. */
const stockReductionGradients = new Map<string, tf.GradConfig>();
/** Stock wasm kernels that {@linkcode WASM_REPLACEMENTS} wrap (they call them for the cases they do not speed up). */
const stockWasm = new Map<string, tf.KernelConfig>();

/** Wasm kernels replaced by faster versions built on the stock one (plus, for reductions, `BatchMatMul`). */
const WASM_REPLACEMENTS: Record<string, (stock: tf.KernelConfig) => tf.KernelConfig> = {
  Sum: (stock) => channelReduceKernel("Sum", stock, tf.getKernel("BatchMatMul", "wasm")!),
  Mean: (stock) => channelReduceKernel("Mean", stock, tf.getKernel("BatchMatMul", "wasm")!),
  MaxPoolGrad: maxPoolGradKernel,
  Identity: sharingKernel,
  Cast: sharingKernel,
};
/**
 * `Identity`, and a `Cast` to the dtype a tensor already has, as the cpu backend runs them: the output shares the
 * input's data (one more reference), as `Reshape` does on wasm. The stock wasm kernels copy every value (tfjs-layers
 * and the gradients clone activations a dozen times a training step: 12 ms of copies on the best network).
 * Tensors are immutable, so sharing is safe; strings and real casts go to the stock kernel.
 */
function sharingKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const dtype = (args.attrs as { dtype?: string } | undefined)?.dtype ?? x.dtype;
      if (x.dtype === "string" || dtype !== x.dtype) return stock.kernelFunc(args);
      (args.backend as unknown as { incRef(id: unknown): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}

let installed = false;
/** Whether the conv2d gradient calls the backprop kernels (set while native kernels serve them). */
let gradientViaKernels = false;

/**
 * Makes the conv2d gradient call the `Conv2DBackpropInput` / `Conv2DBackpropFilter`
 * kernels on wasm too (for kernels that are fast as they are, the native ones);
 * dilated convolutions keep the forward-conv formulation.
 */
export function useBackpropKernelsForConvGradient(on: boolean): void {
  gradientViaKernels = on;
}

/** Runs `compute` with tf ops and copies its result into a fresh wasm output buffer. */
function intoOutput(backend: unknown, compute: () => tf.Tensor): tf.TensorInfo {
  const result = compute();
  try {
    const be = backend as WasmBackend;
    const out = be.makeOutput(result.shape, "float32");
    be.typedArrayFromHeap(out).set(result.dataSync() as Float32Array);
    return out;
  } finally {
    result.dispose();
  }
}

/** A wasm kernel `kernelName` for NHWC data whose result `compute` builds with tf ops. */
function tfOpsKernel<A extends { dataFormat?: string }>(
  kernelName: string,
  compute: (inputs: Record<string, tf.Tensor4D>, attrs: A) => tf.Tensor,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const a = attrs as unknown as A;
      if (a.dataFormat === "NCHW") throw new Error(`${kernelName}: only NHWC is supported`);
      return intoOutput(backend, () => compute(inputs as unknown as Record<string, tf.Tensor4D>, a));
    },
  };
}

const filterKernel = tfOpsKernel<tf.Conv2DBackpropFilterAttrs>("Conv2DBackpropFilter", ({ x, dy }, a) => {
  const geo = convGeometry(x.shape, a.filterShape, a.strides, a.pad, 1, a.dimRoundingMode);
  return conv2dFilterGrad(x, dy, a.filterShape, geo);
});

const inputKernel = tfOpsKernel<tf.Conv2DBackpropInputAttrs>("Conv2DBackpropInput", ({ dy, filter }, a) => {
  const geo = convGeometry(a.inputShape, filter.shape, a.strides, a.pad, 1, a.dimRoundingMode);
  return conv2dInputGrad(a.inputShape, dy, filter, geo);
});

function pairOf(v: number | number[] | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

const conv2dGradient: tf.GradConfig = {
  kernelName: "Conv2D",
  inputsToSave: ["x", "filter"],
  gradFunc: (dy, saved, attrs) => {
    const a = attrs as unknown as tf.Conv2DAttrs;
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const dil = pairOf(a.dilations);
    const dilated = dil[0] > 1 || dil[1] > 1;
    if (!dilated && (tf.getBackend() !== "wasm" || gradientViaKernels) && stockGradient) {
      return stockGradient.gradFunc(dy, saved, attrs);
    }
    if (a.dataFormat === "NCHW") throw new Error("conv2d gradient: only NHWC is supported");
    const geo = convGeometry(x.shape, filter.shape, a.strides, a.pad, dil, a.dimRoundingMode);
    return {
      x: () => conv2dInputGrad(x.shape, dy as tf.Tensor4D, filter, geo),
      filter: () => conv2dFilterGrad(x, dy as tf.Tensor4D, filter.shape, geo),
    };
  },
};

/**
 * Switches the fast convolution gradients on (default) or off. Off restores
 * the stock wasm kernels (no `Conv2DBackpropFilter`, so training convolutions
 * on stock wasm fails), which the bench uses to compare.
 *
 * @example
 * ```ts
 * import { initBackend } from "../backend.ts";
 * await initBackend(); // calls installFastConvGradients()
 * ```
 */
export function installFastConvGradients(enabled = true): void {
  if (enabled === installed) return;
  if (enabled) {
    stockInput ??= tf.getKernel("Conv2DBackpropInput", "wasm");
    stockGradient ??= tf.getGradient("Conv2D");
    if (tf.getKernel("Conv2DBackpropInput", "wasm")) tf.unregisterKernel("Conv2DBackpropInput", "wasm");
    if (tf.getKernel("Conv2DBackpropFilter", "wasm")) tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
    // The stock setup binds its wasm function when the backend starts after this (the bench restores it).
    tf.registerKernel({ ...inputKernel, setupFunc: stockInput?.setupFunc });
    tf.registerKernel(filterKernel);
    if (stockGradient) tf.unregisterGradient("Conv2D");
    tf.registerGradient(conv2dGradient);
    stockBatchNorm ??= tf.getGradient("FusedBatchNorm");
    if (stockBatchNorm) tf.unregisterGradient("FusedBatchNorm");
    tf.registerGradient(fusedBatchNormGradient);
    for (const name of ["Sum", "Mean"] as const) {
      const stock = stockReductionGradients.get(name) ?? tf.getGradient(name);
      if (stock) {
        stockReductionGradients.set(name, stock);
        tf.unregisterGradient(name);
      }
      tf.registerGradient(reductionGradient(name));
    }
    if (!tf.getKernel(ADAM_KERNEL, "wasm")) tf.registerKernel(adamUpdateKernel);
    if (!tf.getKernel(ADADELTA_KERNEL, "wasm")) tf.registerKernel(adadeltaUpdateKernel);
    installFastDropout();
    for (const [name, replace] of Object.entries(WASM_REPLACEMENTS)) {
      const stock = stockWasm.get(name) ?? tf.getKernel(name, "wasm");
      if (!stock) continue;
      stockWasm.set(name, stock);
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel(replace(stock));
    }
  } else {
    tf.unregisterKernel("Conv2DBackpropInput", "wasm");
    tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
    if (stockInput) tf.registerKernel(stockInput);
    tf.unregisterGradient("Conv2D");
    if (stockGradient) tf.registerGradient(stockGradient);
    tf.unregisterGradient("FusedBatchNorm");
    if (stockBatchNorm) tf.registerGradient(stockBatchNorm);
    for (const [name, stock] of stockReductionGradients) {
      tf.unregisterGradient(name);
      tf.registerGradient(stock);
    }
    if (tf.getKernel(ADAM_KERNEL, "wasm")) tf.unregisterKernel(ADAM_KERNEL, "wasm");
    uninstallFastDropout();
    for (const [name, stock] of stockWasm) {
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel(stock);
    }
  }
  installed = enabled;
}

/** Whether the fast convolution gradients are installed. */
export function fastConvGradientsInstalled(): boolean {
  return installed;
}
