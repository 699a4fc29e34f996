/**
 * Convolution + bias + ReLU as one kernel while training, on the native engine. tfjs fuses a convolution's bias
 * and activation only outside a gradient (`fused.conv2d` falls back to `conv2d`, `add` and `relu` whenever a tape
 * records, unless the activation is linear), so every training step of a CNN ran each convolution as three
 * kernels and its gradient as five (`Step`, `Cast`, `Multiply` for the ReLU, `Sum` for the bias, then the two
 * convolution gradients). Here `fused.conv2d` (the function tfjs-layers' `Conv2D` calls) runs the fused oneDNN
 * kernel under a gradient too, and its gradient masks `dy` by the saved output in one pass on oneDNN
 * ({@linkcode RELU_BACKPROP}) before the two convolution gradients, each only when needed, the filter's computing the
 * bias's too (`CONV_FILTER_BIAS_GRAD`).
 *
 * Installed with the native kernels; any other case (another backend, activation, layout, dilations, no bias)
 * goes to tfjs' own `fused.conv2d`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "../kernels/wasm_backend.ts";
import type { NativeLibraries } from "./library.ts";
import { reluGradPrimitive } from "./dnnl.ts";
import { nativePrecision } from "./library.ts";
import { CONV_FILTER_BIAS_GRAD, convFilterBiasGradKernel, underGradient } from "./kernels.ts";

/** Kernel name of `dy` masked where the ReLU's output `y` is not positive (`dy * (y > 0)`), on the wasm backend. */
export const RELU_BACKPROP = "NoisyDigitsReluBackprop";

/** The {@linkcode RELU_BACKPROP} kernel on oneDNN (a JavaScript loop took 9 ns a value: branches on random signs). */
const reluBackprop = (lib: NativeLibraries): tf.KernelConfig => ({
  kernelName: RELU_BACKPROP,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const be = backend as WasmBackend;
    const out = be.makeOutput(dy.shape, "float32");
    const ptr = (t: tf.TensorInfo) => Deno.UnsafePointer.of(be.typedArrayFromHeap(t) as Float32Array<ArrayBuffer>);
    reluGradPrimitive(lib, tf.util.sizeFromShape(dy.shape)).run([ptr(y), ptr(dy), ptr(out)]);
    return out;
  },
});

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];
const fusedOps = tf.fused as { conv2d: typeof tf.fused.conv2d };
let original: typeof tf.fused.conv2d | null = null;

const pairIsOne = (v: number | [number, number] | undefined) =>
  v === undefined || (typeof v === "number" ? v === 1 : v[0] === 1 && v[1] === 1);

/** Whether `fused.conv2d` with these arguments is served here (under a gradient, on the wasm backend). */
function handled(a: FusedConv2dArgs): boolean {
  const x = a.x as tf.Tensor, bias = a.bias as tf.Tensor | undefined;
  return tf.getBackend() === "wasm" && underGradient() &&
    a.activation === "relu" && !a.preluActivationWeights && (a.dataFormat ?? "NHWC") === "NHWC" &&
    pairIsOne(a.dilations) && x instanceof tf.Tensor && x.rank === 4 && x.dtype === "float32" &&
    bias instanceof tf.Tensor && bias.rank === 1 && a.filter instanceof tf.Tensor &&
    bias.shape[0] === (a.filter as tf.Tensor).shape[3];
}

function trainingConv2d(a: FusedConv2dArgs): tf.Tensor {
  if (!handled(a)) return original!(a) as tf.Tensor;
  const attrs = {
    strides: a.strides,
    pad: a.pad,
    dataFormat: "NHWC",
    dilations: [1, 1],
    dimRoundingMode: a.dimRoundingMode,
    activation: "relu",
  };
  // Under the tape, the kernel's node takes fusedConv2dGradient.
  return tf.engine().runKernel(
    "FusedConv2D",
    { x: a.x as tf.Tensor, filter: a.filter as tf.Tensor, bias: a.bias as tf.Tensor },
    attrs as tf.NamedAttrMap,
  ) as tf.Tensor;
}

/**
 * The gradient of the training `FusedConv2D` (bias and ReLU): `dy` masked where the output is not positive, then
 * the convolution's input and filter gradients and the bias sum of the masked `dy`, each computed only when the
 * backward pass asks for it (the first layer's input needs none).
 */
const fusedConv2dGradient: tf.GradConfig = {
  kernelName: "FusedConv2D",
  inputsToSave: ["x", "filter"],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as tf.Tensor[];
    const a = attrs as unknown as tf.Conv2DAttrs & { activation?: string };
    if (a.activation !== "relu") throw new Error(`FusedConv2D gradient: activation ${a.activation} not handled here`);
    // Shared by the three closures, so computed here (each closure runs in its own tidy).
    const masked = tf.engine().runKernel(RELU_BACKPROP, { dy: dy as tf.Tensor, y }) as tf.Tensor;
    const geometry = { strides: a.strides, pad: a.pad, dataFormat: "NHWC", dimRoundingMode: a.dimRoundingMode };
    // In float32 the filter's gradient comes with the bias's from one primitive; the bias closure (called after the
    // filter's, tfjs keeping the inputs' order) returns it, or sums `dy` itself when the filter is not trained. In
    // bfloat16 the primitive reads `dy` rounded, so the bias keeps its float32 sum.
    let biasGradient: Float32Array | null = null;
    const together = nativePrecision() === "f32";
    return {
      x: () =>
        tf.engine().runKernel("Conv2DBackpropInput", { dy: masked, filter }, {
          ...geometry,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filter: () => {
        const attrs = { ...geometry, filterShape: filter.shape } as unknown as tf.NamedAttrMap;
        if (!together) return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy: masked }, attrs) as tf.Tensor;
        const [dFilter, dBias] = tf.engine().runKernel(CONV_FILTER_BIAS_GRAD, { x, dy: masked }, attrs) as tf.Tensor[];
        biasGradient = dBias.dataSync() as Float32Array; // dBias itself goes with this closure's tidy
        return dFilter;
      },
      bias: () => biasGradient ? tf.tensor1d(biasGradient) : tf.sum(masked, [0, 1, 2]),
    };
  },
};

/** Makes `fused.conv2d` fuse bias and ReLU under a gradient on the wasm backend (see the module's text). */
export function installTrainingFusion(lib: NativeLibraries): void {
  if (original) return;
  tf.registerKernel(reluBackprop(lib));
  tf.registerKernel(convFilterBiasGradKernel(lib));
  if (tf.getGradient("FusedConv2D")) throw new Error("native engine: FusedConv2D already has a gradient");
  tf.registerGradient(fusedConv2dGradient);
  original = fusedOps.conv2d;
  fusedOps.conv2d = trainingConv2d as typeof tf.fused.conv2d;
}

/** Restores tfjs' own `fused.conv2d`. */
export function uninstallTrainingFusion(): void {
  if (!original) return;
  fusedOps.conv2d = original;
  original = null;
  tf.unregisterKernel(RELU_BACKPROP, "wasm");
  tf.unregisterKernel(CONV_FILTER_BIAS_GRAD, "wasm");
  tf.unregisterGradient("FusedConv2D");
}
