/**
 * tfjs kernels of the `wasm` backend that run on the native libraries:
 * `Conv2D`, `FusedConv2D` (bias, relu), `Conv2DBackpropInput`,
 * `Conv2DBackpropFilter` and `FusedBatchNorm` on oneDNN, `BatchMatMul` and `_FusedMatMul` (bias,
 * relu) on OpenBLAS, `MaxPool` (under a gradient, keeping where each maximum is) and `MaxPoolGrad` on oneDNN,
 * per-channel `Sum` / `Mean`
 * (the BatchNorm gradients' reductions, and the bias's where no filter gradient brings it) as OpenBLAS products, and
 * `Concat` as block copies on the heap; and the filter and bias gradients from one oneDNN primitive
 * ({@linkcode CONV_FILTER_BIAS_GRAD}, which `fusion.ts`, the training convolution, uses). They read and write the
 * tensors where the wasm backend keeps them, on its heap: the pointers go to the library as they are, no
 * copy (the heap's buffer is looked up on every call, since it can grow).
 * Cases they do not cover (NCHW, other fused activations, broadcast batch
 * shapes) call the kernel that was registered before them.
 *
 * @example
 * ```ts
 * import { initBackend } from "../backend.ts";
 * await initBackend(); // installs these when the native engine is active
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "../kernels/wasm_backend.ts";
import type { NativeLibraries } from "./library.ts";
import {
  batchNormPrimitive,
  type ConvKind,
  convPrimitive,
  type ConvSpec,
  dropConvCopy,
  dropPoolWorkspace,
  maxPoolGradPrimitive,
  type PoolSpec,
  type Shape4,
} from "./dnnl.ts";
import { reducesLeadingAxes } from "../kernels/reduce.ts";
import { sgemm } from "./blas.ts";

/** What the convolution kernels read of their attributes (Conv2D, FusedConv2D and both gradients share these). */
type ConvAttrs = Pick<tf.Conv2DAttrs, "strides" | "pad" | "dimRoundingMode"> & { dataFormat?: string };
type Info = tf.TensorInfo;

/** Pointer to a tensor's data on the wasm heap (valid until the heap grows). */
function ptr(be: WasmBackend, t: Info): Deno.PointerValue {
  return Deno.UnsafePointer.of(be.typedArrayFromHeap(t) as Float32Array<ArrayBuffer>);
}

function convSpec(
  xShape: Shape4,
  filterShape: Shape4,
  a: ConvAttrs,
  dilations: number | [number, number] = 1,
): ConvSpec {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    "channelsLast",
  );
  return {
    x: xShape,
    filter: filterShape,
    y: info.outShape as Shape4,
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pad: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
  };
}

const nhwc = (a: { dataFormat?: string }) =>
  a.dataFormat === undefined || a.dataFormat === "NHWC" || a.dataFormat === "channelsLast";
const empty = (...s: number[][]) => s.some((shape) => shape.some((d) => d === 0));

type Native = (lib: NativeLibraries, previous: tf.KernelConfig) => tf.KernelFunc;

/** The wasm backend whose `disposeData` also drops kept convolution copies, and its own `disposeData`. */
let disposing: { backend: WasmBackend; original: WasmBackend["disposeData"] } | null = null;

/**
 * Makes the wasm backend drop a kept convolution copy (bfloat16, Winograd) when it frees the copy's data, so that a
 * copy nothing reads (a frozen layer's input, a transposed convolution's) lives no longer than its tensor.
 */
function dropCopiesOnDispose(lib: NativeLibraries): void {
  const backend = tf.findBackend("wasm") as unknown as WasmBackend | undefined;
  if (!backend || disposing) return;
  const original = backend.disposeData;
  backend.disposeData = function (this: WasmBackend, dataId: tf.DataId, force?: boolean) {
    const freed = original.call(this, dataId, force);
    if (freed) {
      dropConvCopy(lib, dataId);
      dropPoolWorkspace(lib, dataId);
    }
    return freed;
  };
  disposing = { backend, original };
}

/** Whether tfjs is recording for a gradient now (inside `tf.grads`, `variableGrads`, ...). */
export function underGradient(): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

/** Forward convolution, plain or fused with a bias and relu. */
const conv2d: Native = (lib, previous) => (args) => {
  const { inputs, attrs, backend } = args;
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, Info | undefined>;
  const a = attrs as unknown as tf.Conv2DAttrs & { activation?: string };
  const activation = a.activation ?? "linear";
  const fusable = (activation === "linear" || activation === "relu") && !preluActivationWeights &&
    (!bias || tf.util.sizeFromShape(bias.shape) === filter!.shape[3]);
  if (!nhwc(a) || !fusable || empty(x!.shape, filter!.shape)) return previous.kernelFunc(args);
  const spec = convSpec(x!.shape as Shape4, filter!.shape as Shape4, a, a.dilations);
  const kind =
    (["forward", bias ? "bias" : "", activation === "relu" ? "relu" : ""].filter(Boolean).join("+")) as ConvKind;
  const be = backend as WasmBackend;
  const out = be.makeOutput(spec.y, "float32");
  const data = [ptr(be, x!), ptr(be, filter!)];
  if (bias) data.push(ptr(be, bias));
  data.push(ptr(be, out));
  // Under a gradient the filter gradient reads x again: in bfloat16 or by Winograd its copy is kept for it.
  convPrimitive(lib, spec, kind).run(data, underGradient() ? [x!.dataId] : undefined);
  return out;
};

const conv2dInputGrad: Native = (lib, previous) => (args) => {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs as Record<string, Info>;
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const xShape = a.inputShape;
  if (!nhwc(a) || empty(xShape, filter.shape)) return previous.kernelFunc(args);
  const spec = convSpec(xShape, filter.shape as Shape4, a);
  const be = backend as WasmBackend;
  const out = be.makeOutput(xShape, "float32");
  convPrimitive(lib, spec, "input").run([ptr(be, dy), ptr(be, filter), ptr(be, out)], [dy.dataId]);
  return out;
};

const conv2dFilterGrad: Native = (lib, previous) => (args) => {
  const { inputs, attrs, backend } = args;
  const { x, dy } = inputs as Record<string, Info>;
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const fShape = a.filterShape;
  if (!nhwc(a) || empty(x.shape, fShape)) return previous.kernelFunc(args);
  const spec = convSpec(x.shape as Shape4, fShape, a);
  const be = backend as WasmBackend;
  const out = be.makeOutput(fShape, "float32");
  convPrimitive(lib, spec, "filter").run([ptr(be, x), ptr(be, dy), ptr(be, out)], [x.dataId, dy.dataId]);
  return out;
};

/**
 * Kernel name of a convolution's filter and bias gradients from one oneDNN primitive (inputs `x` and `dy`, the
 * attributes of `Conv2DBackpropFilter`; outputs the filter's gradient and the bias's, the per-channel sum of `dy`):
 * the bias's gradient then costs no pass of its own over `dy`. The training convolution's gradient uses it
 * (`fusion.ts`); NHWC only.
 */
export const CONV_FILTER_BIAS_GRAD = "NoisyDigitsConv2DBackpropFilterBias";

/** The {@linkcode CONV_FILTER_BIAS_GRAD} kernel on oneDNN. */
export function convFilterBiasGradKernel(lib: NativeLibraries): tf.KernelConfig {
  return {
    kernelName: CONV_FILTER_BIAS_GRAD,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as Record<string, Info>;
      const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (!nhwc(a)) throw new Error(`${CONV_FILTER_BIAS_GRAD}: NHWC only, not ${a.dataFormat}`);
      const be = backend as WasmBackend;
      const dFilter = be.makeOutput(a.filterShape, "float32"), dBias = be.makeOutput([a.filterShape[3]], "float32");
      if (empty(x.shape, a.filterShape)) {
        [dFilter, dBias].forEach((t) => be.typedArrayFromHeap(t).fill(0)); // no rows: nothing to sum
        return [dFilter, dBias];
      }
      const spec = convSpec(x.shape as Shape4, a.filterShape, a);
      convPrimitive(lib, spec, "filter+bias").run(
        [ptr(be, x), ptr(be, dy), ptr(be, dFilter), ptr(be, dBias)],
        [x.dataId, dy.dataId],
      );
      return [dFilter, dBias];
    },
  };
}

/** Batch shape, rows and columns of a matmul operand of rank >= 2. */
function operand(shape: number[], transpose: boolean) {
  const r = shape.length;
  return {
    batch: shape.slice(0, r - 2),
    rows: transpose ? shape[r - 1] : shape[r - 2],
    cols: transpose ? shape[r - 2] : shape[r - 1],
  };
}

/** Matrix product; null when the batch shapes need broadcasting other than "one side has a single matrix". */
function matmul(lib: NativeLibraries, be: WasmBackend, a: Info, b: Info, ta: boolean, tb: boolean): Info | null {
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const A = operand(a.shape, ta), B = operand(b.shape, tb);
  if (A.cols !== B.rows) return null;
  const na = tf.util.sizeFromShape(A.batch), nb = tf.util.sizeFromShape(B.batch);
  let batchShape: number[];
  if (tf.util.arraysEqual(A.batch, B.batch)) batchShape = A.batch;
  else if (nb === 1 && A.batch.length >= B.batch.length) batchShape = A.batch;
  else if (na === 1 && B.batch.length >= A.batch.length) batchShape = B.batch;
  else return null;
  const m = A.rows, n = B.cols, k = A.cols, batch = Math.max(na, nb);
  const out = be.makeOutput([...batchShape, m, n], "float32");
  if (m * n === 0) return out;
  const ha = be.typedArrayFromHeap(a), hb = be.typedArrayFromHeap(b), hc = be.typedArrayFromHeap(out);
  const P = (v: Float32Array) => Deno.UnsafePointer.of(v as Float32Array<ArrayBuffer>);
  if (nb === 1 && !ta && batch > 1) {
    // One product: the batches of a stacked as rows.
    sgemm(lib, { m: m * batch, n, k, transposeB: tb, a: P(ha), b: P(hb), c: P(hc) });
    return out;
  }
  for (let i = 0; i < batch; i++) {
    const ia = na === 1 ? 0 : i, ib = nb === 1 ? 0 : i;
    sgemm(lib, {
      m,
      n,
      k,
      transposeA: ta,
      transposeB: tb,
      a: P(ha.subarray(ia * m * k, (ia + 1) * m * k)),
      b: P(hb.subarray(ib * k * n, (ib + 1) * k * n)),
      c: P(hc.subarray(i * m * n, (i + 1) * m * n)),
    });
  }
  return out;
}

const batchMatMul: Native = (lib, previous) => (args) => {
  const { inputs, attrs, backend } = args;
  const { a, b } = inputs as Record<string, Info>;
  const t = attrs as unknown as tf.BatchMatMulAttrs;
  if (a.dtype !== "float32" || b.dtype !== "float32") return previous.kernelFunc(args);
  return matmul(lib, backend as WasmBackend, a, b, !!t.transposeA, !!t.transposeB) ?? previous.kernelFunc(args);
};

const fusedMatMul: Native = (lib, previous) => (args) => {
  const { inputs, attrs, backend } = args;
  const { a, b, bias, preluActivationWeights } = inputs as Record<string, Info | undefined>;
  const t = attrs as unknown as tf.BatchMatMulAttrs & { activation?: string };
  const activation = t.activation ?? "linear";
  const n = operand(b!.shape, !!t.transposeB).cols;
  const ok = (activation === "linear" || activation === "relu") && !preluActivationWeights &&
    (!bias || (bias.shape.length === 1 && bias.shape[0] === n)) && a!.dtype === "float32";
  if (!ok) return previous.kernelFunc(args);
  const be = backend as WasmBackend;
  const out = matmul(lib, be, a!, b!, !!t.transposeA, !!t.transposeB);
  if (!out) return previous.kernelFunc(args);
  const c = be.typedArrayFromHeap(out), bv = bias ? be.typedArrayFromHeap(bias) : null;
  if (bv || activation === "relu") {
    const relu = activation === "relu";
    for (let i = 0; i < c.length; i += n) {
      for (let j = 0; j < n; j++) {
        const v = bv ? c[i + j] + bv[j] : c[i + j];
        c[i + j] = relu && v < 0 ? 0 : v;
      }
    }
  }
  return out;
};

/** The geometry of a max pooling of `input` under `MaxPool`'s (or `MaxPoolGrad`'s) attributes. */
function poolSpec(input: Info, a: tf.MaxPoolAttrs): PoolSpec {
  const info = tf.backend_util.computePool2DInfo(
    input.shape as Shape4,
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return {
    x: input.shape as Shape4,
    y: info.outShape as Shape4,
    window: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    pad: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
  };
}

/**
 * Max pooling under a gradient on oneDNN's training forward pass, which keeps where each maximum is for the gradient
 * (`MaxPoolGrad` below); outside a gradient the wasm backend's own kernel.
 */
const maxPool: Native = (lib, previous) => (args) => {
  const x = args.inputs.x as Info;
  if (!underGradient() || x.dtype !== "float32" || x.shape.length !== 4 || empty(x.shape)) {
    return previous.kernelFunc(args);
  }
  const spec = poolSpec(x, args.attrs as unknown as tf.MaxPoolAttrs);
  const be = args.backend as WasmBackend;
  const y = be.makeOutput(spec.y, "float32");
  maxPoolGradPrimitive(lib, spec).forward(ptr(be, x), ptr(be, y), y.dataId);
  return y;
};

/** The gradient of a max pooling, from the workspace its forward pass kept when there is one. */
const maxPoolGrad: Native = (lib, previous) => (args) => {
  const { dy, input, output } = args.inputs as Record<string, Info>;
  if (input.dtype !== "float32" || empty(input.shape)) return previous.kernelFunc(args);
  const be = args.backend as WasmBackend;
  const dx = be.makeOutput(input.shape, "float32");
  maxPoolGradPrimitive(lib, poolSpec(input, args.attrs as unknown as tf.MaxPoolAttrs))
    .run([ptr(be, input), ptr(be, dy), ptr(be, dx)], output?.dataId);
  return dx;
};

/** Per-channel sums and means (all axes but the last) as one product with a row of ones. */
const channelReduce = (mean: boolean): Native => (lib, previous) => (args) => {
  const x = args.inputs.x as Info;
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs; // Mean's attributes are the same
  const rank = x.shape.length;
  const c = x.shape[rank - 1];
  const rows = c ? tf.util.sizeFromShape(x.shape) / c : 0;
  if (x.dtype !== "float32" || rows === 0 || !reducesLeadingAxes(tf.util.parseAxisParam(axis, x.shape), rank)) {
    return previous.kernelFunc(args);
  }
  const be = args.backend as WasmBackend;
  const ones = be.makeOutput([rows], "float32");
  const out = be.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c], "float32");
  try {
    be.typedArrayFromHeap(ones).fill(mean ? 1 / rows : 1);
    sgemm(lib, { m: 1, n: c, k: rows, a: ptr(be, ones), b: ptr(be, x), c: ptr(be, out) });
  } finally {
    be.disposeData(ones.dataId);
  }
  return out;
};

/**
 * Concatenation of float32 tensors, copied on the heap block by block: the stock wasm kernel copies a last-axis
 * concatenation of one-channel images value by value through a generic path (13 ms for the pixel powers of a
 * batch of 64, against well under one here).
 */
const concat: Native = (_lib, previous) => (args) => {
  const xs = args.inputs as unknown as Info[];
  const axisAttr = (args.attrs as unknown as tf.ConcatAttrs).axis;
  if (!xs.length || xs.some((x) => x.dtype !== "float32" || tf.util.sizeFromShape(x.shape) === 0)) {
    return previous.kernelFunc(args);
  }
  const shape0 = xs[0].shape, rank = shape0.length;
  const axis = tf.util.parseAxisParam(axisAttr, shape0)[0];
  const same = xs.every((x) => x.shape.length === rank && x.shape.every((d, i) => i === axis || d === shape0[i]));
  if (!same) return previous.kernelFunc(args);
  const outShape = shape0.slice();
  outShape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const be = args.backend as WasmBackend;
  const out = be.makeOutput(outShape, "float32");
  const outer = tf.util.sizeFromShape(shape0.slice(0, axis));
  const inners = xs.map((x) => tf.util.sizeFromShape(x.shape.slice(axis)));
  const row = inners.reduce((s, v) => s + v, 0);
  const o = be.typedArrayFromHeap(out) as Float32Array;
  let offset = 0;
  xs.forEach((x, i) => {
    const v = be.typedArrayFromHeap(x) as Float32Array, inner = inners[i];
    if (inner >= 16) {
      for (let r = 0; r < outer; r++) o.set(v.subarray(r * inner, (r + 1) * inner), r * row + offset);
    } else {
      for (let r = 0; r < outer; r++) {
        for (let j = 0; j < inner; j++) o[r * row + offset + j] = v[r * inner + j];
      }
    }
    offset += inner;
  });
  return out;
};

/**
 * `FusedBatchNorm` (BatchNormalization's normalisation with the batch's or the moving statistics) over the last
 * axis on oneDNN, with the statistics given, taken as channels-last 4-D data (`bnorm_jit`): 0.7 ms against the
 * stock wasm kernel's 9 ms on the best network's first 64 x 28 x 28 x 48 activations (a 2-D `[rows, c]` layout
 * got a slow generic implementation, 12 ms).
 */
const fusedBatchNorm: Native = (lib, previous) => (args) => {
  const { x, mean, variance, offset, scale } = args.inputs as Record<string, Info | undefined>;
  const eps = (args.attrs as unknown as tf.FusedBatchNormAttrs).varianceEpsilon;
  const c = x!.shape.at(-1) ?? 0;
  const perChannel = (t: Info | undefined) => !t || (t.dtype === "float32" && t.shape.length === 1 && t.shape[0] === c);
  const ok = x!.dtype === "float32" && x!.shape.length >= 2 && c > 0 && tf.util.sizeFromShape(x!.shape) > 0 &&
    [mean, variance].every((t) => t && perChannel(t)) && perChannel(offset) && perChannel(scale);
  if (!ok) return previous.kernelFunc(args);
  const be = args.backend as WasmBackend;
  const out = be.makeOutput(x!.shape, "float32");
  const rows = tf.util.sizeFromShape(x!.shape) / c;
  const data = [ptr(be, x!), ptr(be, mean!), ptr(be, variance!)];
  if (scale) data.push(ptr(be, scale));
  if (offset) data.push(ptr(be, offset));
  data.push(ptr(be, out));
  batchNormPrimitive(lib, { rows, channels: c, epsilon: eps, scale: !!scale, shift: !!offset }).run(data);
  return out;
};

const NATIVE_KERNELS: Record<string, Native> = {
  FusedBatchNorm: fusedBatchNorm,
  Concat: concat,
  MaxPool: maxPool,
  MaxPoolGrad: maxPoolGrad,
  Sum: channelReduce(false),
  Mean: channelReduce(true),
  Conv2D: conv2d,
  FusedConv2D: conv2d,
  Conv2DBackpropInput: conv2dInputGrad,
  Conv2DBackpropFilter: conv2dFilterGrad,
  BatchMatMul: batchMatMul,
  _FusedMatMul: fusedMatMul,
};

/** Kernel names the native engine replaces on the wasm backend. */
export const NATIVE_KERNEL_NAMES: readonly string[] = Object.keys(NATIVE_KERNELS);

const replaced = new Map<string, tf.KernelConfig>();

/**
 * Registers the native kernels on the wasm backend, each wrapping the kernel
 * registered before it (restored by {@linkcode uninstallNativeKernels}).
 */
export function installNativeKernels(lib: NativeLibraries): void {
  if (replaced.size) return;
  dropCopiesOnDispose(lib);
  for (const [name, native] of Object.entries(NATIVE_KERNELS)) {
    const previous = tf.getKernel(name, "wasm");
    if (!previous) throw new Error(`native engine: the wasm backend has no ${name} kernel to wrap`);
    replaced.set(name, previous);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...previous, kernelFunc: native(lib, previous) });
  }
}

/** Restores the kernels {@linkcode installNativeKernels} replaced. */
export function uninstallNativeKernels(): void {
  if (disposing) {
    disposing.backend.disposeData = disposing.original;
    disposing = null;
  }
  for (const [name, previous] of replaced) {
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(previous);
  }
  replaced.clear();
}

/** Whether the native kernels are installed. */
export function nativeKernelsInstalled(): boolean {
  return replaced.size > 0;
}
