/**
 * BatchNormalization in training as one oneDNN kernel each way, on the native engine. tfjs-layers normalises a
 * training batch with `moments` (`Mean`, `Sub`, `Square`, `Mean`) and `FusedBatchNorm`, and differentiates that
 * graph op by op (`Multiply`, `Sum`, `Fill`, `Sub`...): on the best network a third of a step's time outside the
 * convolutions. Here the layer's training call runs {@linkcode BATCH_NORM_TRAINING} (normalised output, batch mean
 * and variance in one pass) and its gradient {@linkcode BATCH_NORM_TRAINING_GRAD} (input, scale and shift gradients
 * in one pass), then updates the moving statistics with the same arithmetic as tfjs.
 *
 * Served: the wasm backend, float32, normalisation over the last axis, with a scale and a shift (the layers of this
 * project's networks). Anything else, and every call outside training, goes to tfjs' own `call`. The mean and
 * variance the kernel returns only feed the moving statistics: its gradient ignores any gradient reaching them.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "../kernels/wasm_backend.ts";
import type { NativeLibraries } from "./library.ts";
import { batchNormTrainingPrimitive } from "./dnnl.ts";

/** Kernel name of the training batch normalization: inputs `x`, `scale`, `offset`; outputs `y`, mean, variance. */
export const BATCH_NORM_TRAINING = "NoisyDigitsBatchNormTraining";
/** Kernel name of its gradient: inputs `x`, `mean`, `variance`, `dy`, `scale`; outputs dx, dScale, dOffset. */
export const BATCH_NORM_TRAINING_GRAD = "NoisyDigitsBatchNormTrainingGrad";

type Info = tf.TensorInfo;
const ptr = (be: WasmBackend, t: Info) => Deno.UnsafePointer.of(be.typedArrayFromHeap(t) as Float32Array<ArrayBuffer>);
const epsilonOf = (attrs: tf.NamedAttrMap | undefined) =>
  (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;

function trainingKernel(lib: NativeLibraries): tf.KernelConfig {
  return {
    kernelName: BATCH_NORM_TRAINING,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, scale, offset } = inputs as Record<string, Info>;
      const be = backend as WasmBackend, c = x.shape.at(-1)!, rows = tf.util.sizeFromShape(x.shape) / c;
      const y = be.makeOutput(x.shape, "float32");
      const mean = be.makeOutput([c], "float32"), variance = be.makeOutput([c], "float32");
      batchNormTrainingPrimitive(lib, { rows, channels: c, epsilon: epsilonOf(attrs) }).forward(
        [x, scale, offset, y, mean, variance].map((t) => ptr(be, t)),
      );
      return [y, mean, variance];
    },
  };
}

function gradientKernel(lib: NativeLibraries): tf.KernelConfig {
  return {
    kernelName: BATCH_NORM_TRAINING_GRAD,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, mean, variance, dy, scale } = inputs as Record<string, Info>;
      const be = backend as WasmBackend, c = x.shape.at(-1)!, rows = tf.util.sizeFromShape(x.shape) / c;
      const dx = be.makeOutput(x.shape, "float32");
      const dScale = be.makeOutput([c], "float32"), dOffset = be.makeOutput([c], "float32");
      batchNormTrainingPrimitive(lib, { rows, channels: c, epsilon: epsilonOf(attrs) }).backward(
        [x, mean, variance, dy, scale, dx, dScale, dOffset].map((t) => ptr(be, t)),
      );
      return [dx, dScale, dOffset];
    },
  };
}

/** The three gradients come from one backward call, made once when the tape reaches the node. */
const trainingGradient: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ["x", "scale"],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, scale, mean, variance] = saved as tf.Tensor[];
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const [dx, dScale, dOffset] = tf.engine().runKernel(
      BATCH_NORM_TRAINING_GRAD,
      { x, mean, variance, dy, scale },
      attrs as tf.NamedAttrMap,
    ) as tf.Tensor[];
    return { x: () => dx, scale: () => dScale, offset: () => dOffset };
  },
};

/** What the patched `call` reads of a tfjs-layers BatchNormalization layer. */
interface BatchNormLayer {
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor };
  beta: { read(): tf.Tensor };
  movingMean: { read(): tf.Tensor; write(v: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(v: tf.Tensor): void };
}
type Call = (this: BatchNormLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) => tf.Tensor;

let prototype: { call: Call } | null = null;
let original: Call | null = null;

function served(layer: BatchNormLayer, x: tf.Tensor): boolean {
  return tf.getBackend() === "wasm" && x.dtype === "float32" && x.rank >= 2 && x.size > 0 &&
    (layer.axis === -1 || layer.axis === x.rank - 1) && layer.center && layer.scale;
}

function trainingCall(this: BatchNormLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!kwargs?.training || (Array.isArray(inputs) && inputs.length !== 1) || !served(this, x)) {
    return original!.call(this, inputs, kwargs);
  }
  return tf.tidy(() => {
    const [y, mean, variance] = tf.engine().runKernel(
      BATCH_NORM_TRAINING,
      { x, scale: this.gamma.read(), offset: this.beta.read() },
      { varianceEpsilon: this.epsilon } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
    // tfjs' moving average: moving - (moving - batch) * (1 - momentum).
    const decay = 1 - this.momentum;
    for (const [moving, batch] of [[this.movingMean, mean], [this.movingVariance, variance]] as const) {
      tf.tidy(() => {
        const old = moving.read();
        moving.write(tf.sub(old, tf.mul(tf.sub(old, batch), decay)));
      });
    }
    return y;
  });
}

/** Makes tfjs-layers' BatchNormalization train on the two kernels above (see the module's text). */
export function installTrainingBatchNorm(lib: NativeLibraries): void {
  if (original) return;
  tf.registerKernel(trainingKernel(lib));
  tf.registerKernel(gradientKernel(lib));
  tf.registerGradient(trainingGradient);
  const probe = tf.layers.batchNormalization({});
  prototype = Object.getPrototypeOf(probe) as { call: Call };
  original = prototype.call;
  prototype.call = trainingCall;
}

/** Restores tfjs' own BatchNormalization `call`. */
export function uninstallTrainingBatchNorm(): void {
  if (!original || !prototype) return;
  prototype.call = original;
  original = null;
  tf.unregisterKernel(BATCH_NORM_TRAINING, "wasm");
  tf.unregisterKernel(BATCH_NORM_TRAINING_GRAD, "wasm");
  tf.unregisterGradient(BATCH_NORM_TRAINING);
}
