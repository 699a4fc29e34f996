/**
 * One training step's gradient computation, shared by the fit loop and the
 * data-parallel workers: forward in training mode, the loss (categorical
 * cross-entropy by default), gradients of the trainable weights.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "../runtime/kernels/wasm_backend.ts";

/** Keras' categorical cross-entropy on probabilities (clipped at 1e-7), averaged over the batch. */
export function categoricalCrossentropy(yTrue: tf.Tensor2D, probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(probs, 1e-7, 1 - 1e-7))), -1))));
}

/**
 * The losses the fit loop trains with, by Keras' names: `categoricalCrossentropy` (class probabilities against
 * one-hot targets) and `binaryCrossentropy` (per-value probabilities against targets in [0, 1], e.g. images).
 */
export type LossName = "categoricalCrossentropy" | "binaryCrossentropy";

/** The loss `name` of a batch, averaged over the batch (and, for the binary one, over every value of a row). */
export function batchLoss(name: LossName, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  if (name === "categoricalCrossentropy") return categoricalCrossentropy(yTrue as tf.Tensor2D, yPred);
  return tf.tidy(() => tf.metrics.binaryCrossentropy(yTrue, yPred).mean() as tf.Scalar);
}

/** The loss `name` of each row of a batch (shape `[n]`); their mean is {@linkcode batchLoss}. */
export function rowLosses(name: LossName, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    if (name === "categoricalCrossentropy") {
      return tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, 1e-7, 1 - 1e-7))), -1)) as tf.Tensor1D;
    }
    const perValue = tf.metrics.binaryCrossentropy(yTrue, yPred);
    return perValue.reshape([perValue.shape[0], -1]).mean(1) as tf.Tensor1D;
  });
}

/** The trainable variables of a model, in `model.trainableWeights` order. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

/** Gradients of one batch, with the batch's loss and number of correct predictions. */
export interface StepGradients {
  loss: number;
  correct: number;
  /** Gradient per trainable variable, same order as {@linkcode trainableVariables}. */
  grads: tf.Tensor[];
}

/**
 * Computes the gradients of one batch (caller disposes `grads`) under `lossName` (default the categorical
 * cross-entropy); `correct` counts the rows whose most probable class is the target's, 0 for another loss.
 */
export function batchGradients(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  lossName: LossName = "categoricalCrossentropy",
): StepGradients {
  const vars = trainableVariables(model);
  let correct = 0;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(x, { training: true }) as tf.Tensor;
    if (lossName !== "categoricalCrossentropy") return batchLoss(lossName, y, out);
    correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), tf.argMax(y, -1)), "float32")).dataSync()[0]);
    return categoricalCrossentropy(y as tf.Tensor2D, out);
  }, vars);
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, correct, grads: vars.map((v) => grads[v.name]) };
}

/** Flattens tensors into one Float32Array (for messages). */
export function flatten(tensors: tf.Tensor[]): Float32Array {
  return flattenInto(tensors, new Float32Array(tensors.reduce((s, t) => s + t.size, 0)));
}

/**
 * A float32 tensor's values where the wasm backend keeps them, on its heap (a view: read or fill it before anything
 * else runs, since the heap can grow and move); `null` on another backend or dtype. Saves `dataSync`'s copy.
 */
export function heapValues(t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== "float32" || tf.getBackend() !== "wasm") return null;
  return (tf.backend() as unknown as WasmBackend).typedArrayFromHeap(t);
}

/**
 * Writes tensors one after another into `out` (e.g. a view of a `SharedArrayBuffer` that another replica reads), as
 * {@linkcode flatten} lays them out; `out` must have room for exactly their values. Returns `out`.
 */
export function flattenInto(tensors: tf.Tensor[], out: Float32Array): Float32Array {
  const total = tensors.reduce((s, t) => s + t.size, 0);
  if (total !== out.length) throw new RangeError(`flattenInto: ${total} values into room for ${out.length}`);
  let o = 0;
  for (const t of tensors) {
    out.set(heapValues(t) ?? (t.dataSync() as Float32Array), o);
    o += t.size;
  }
  return out;
}

/** Writes a flat array produced by {@linkcode flatten} back into variables ({@linkcode setValues}). */
export function assignFlat(vars: tf.Variable[], flat: Float32Array): void {
  let o = 0;
  for (const v of vars) {
    setValues(v, flat.subarray(o, o + v.size));
    o += v.size;
  }
}

/**
 * Gives variable `v` the values `values`: written over its own memory on the wasm heap when no other tensor shares it
 * (no tensor made, no memory allocated or freed), else, or with `inPlace` false, by `assign` of a new tensor (which
 * gives the variable new data: a new `dataId`).
 */
export function setValues(v: tf.Variable, values: Float32Array, inPlace = true): void {
  if (values.length !== v.size) throw new RangeError(`setValues: ${values.length} values for ${v.size}`);
  const heap = inPlace ? heapValues(v) : null;
  if (heap && (tf.backend() as unknown as WasmBackend).refCount(v.dataId) === 1) {
    heap.set(values);
    return;
  }
  const t = tf.tensor(values, v.shape, v.dtype);
  v.assign(t);
  t.dispose();
}

/** Every variable of a model (trainable and not), in `model.weights` order. */
export function allVariables(model: tf.LayersModel): tf.Variable[] {
  return model.weights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

/**
 * Adds `scale` times `source` to `target`, element by element, in place: how flat gradients of parts of a batch (its
 * slices, or the rows each replica took) are summed into the batch's size-weighted mean. A plain indexed loop:
 * `Float32Array.from` with a mapping callback took 25 ms on 273k weights.
 */
export function addScaled(target: Float32Array, source: ArrayLike<number>, scale: number): void {
  if (source.length !== target.length) {
    throw new RangeError(`addScaled: ${source.length} values added to ${target.length}`);
  }
  for (let k = 0; k < target.length; k++) target[k] += source[k] * scale;
}

/**
 * Applies one flat gradient (in {@linkcode trainableVariables} order, as {@linkcode flatten} makes it) with
 * `optimizer`.
 */
export function applyFlatGradients(model: tf.LayersModel, optimizer: tf.Optimizer, flat: Float32Array): void {
  let o = 0;
  const grads = trainableVariables(model).map((v) => tf.tensor(flat.subarray(o, o += v.size), v.shape));
  try {
    if (o !== flat.length) {
      throw new Error(`applyFlatGradients: ${flat.length} gradient values for ${o} trainable weights`);
    }
    applyGradientTensors(model, optimizer, grads);
  } finally {
    tf.dispose(grads);
  }
}

/**
 * Applies one gradient tensor per trainable variable (in {@linkcode trainableVariables} order) with `optimizer`; the
 * caller keeps and disposes the tensors.
 */
export function applyGradientTensors(model: tf.LayersModel, optimizer: tf.Optimizer, grads: tf.Tensor[]): void {
  const named: tf.NamedTensorMap = {};
  trainableVariables(model).forEach((v, i) => (named[v.name] = grads[i]));
  optimizer.applyGradients(named);
}

/** One plain (single-replica) training step: gradients of the batch under `lossName` applied by `optimizer`. */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  lossName: LossName = "categoricalCrossentropy",
): { loss: number; correct: number } {
  const g = batchGradients(model, x, y, lossName);
  applyGradientTensors(model, optimizer, g.grads);
  tf.dispose(g.grads);
  return { loss: g.loss, correct: g.correct };
}
