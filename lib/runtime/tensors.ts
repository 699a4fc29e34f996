/**
 * Turns a {@linkcode Dataset} into model inputs: NHWC image tensors
 * `[n, 28, 28, 1]` (upright, values in [0, 1]) and one-hot label tensors
 * `[n, 10]`, whole or one batch at a time.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * declare const train: Dataset;
 * const { x, y } = toTensors(train); // x: [9000, 28, 28, 1], y: [9000, 10]
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type Dataset, IMAGE_SIZE, NUM_CLASSES, PIXELS, requireLabels } from "../data/dataset.ts";

/** Image and (when labelled) one-hot label tensors. */
export interface XY {
  x: tf.Tensor4D;
  /** One-hot labels, or null for an unlabelled set. */
  y: tf.Tensor2D | null;
}

/** Options of {@linkcode toTensors} and {@linkcode batchTensors}. */
export interface TensorOptions {
  /** Label smoothing folded into the one-hot targets (default 0). */
  labelSmoothing?: number;
}

function checkUpright(ds: Dataset): void {
  if (ds.pixelOrder !== "row-major") throw new Error(`dataset "${ds.name}" is not upright (row-major)`);
}

/** One-hot encodes class labels into a `[n, 10]` float array, optionally smoothed. */
export function oneHot(labels: ArrayLike<number>, labelSmoothing = 0): Float32Array {
  const off = labelSmoothing / NUM_CLASSES, on = 1 - labelSmoothing + off;
  const out = new Float32Array(labels.length * NUM_CLASSES).fill(off);
  for (let i = 0; i < labels.length; i++) out[i * NUM_CLASSES + labels[i]] = on;
  return out;
}

/** The whole dataset as tensors (caller disposes them). */
export function toTensors(ds: Dataset, options: TensorOptions = {}): XY {
  checkUpright(ds);
  const x = tf.tensor4d(ds.pixels, [ds.count, IMAGE_SIZE, IMAGE_SIZE, 1]);
  const y = ds.labels ? tf.tensor2d(oneHot(ds.labels, options.labelSmoothing), [ds.count, NUM_CLASSES]) : null;
  return { x, y };
}

/** The rows at `indices` of a row-major matrix of `width` values per row, copied into one new array. */
export function rowsAt(values: Float32Array, width: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    out.set(values.subarray(indices[i] * width, (indices[i] + 1) * width), i * width);
  }
  return out;
}

/** The labels at `indices`, one-hot encoded as a `[n, 10]` tensor, optionally smoothed. */
export function oneHotAt(labels: Uint8Array, indices: ArrayLike<number>, labelSmoothing = 0): tf.Tensor2D {
  const picked = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) picked[i] = labels[indices[i]];
  return tf.tensor2d(oneHot(picked, labelSmoothing), [indices.length, NUM_CLASSES]);
}

/**
 * The images (and labels) at `indices` as one batch of tensors, copied
 * straight from the typed arrays (cheap, no gather on the backend).
 */
export function batchTensors(ds: Dataset, indices: ArrayLike<number>, options: TensorOptions = {}): XY {
  checkUpright(ds);
  const x = tf.tensor4d(rowsAt(ds.pixels, PIXELS, indices), [indices.length, IMAGE_SIZE, IMAGE_SIZE, 1]);
  const y = ds.labels ? oneHotAt(requireLabels(ds), indices, options.labelSmoothing) : null;
  return { x, y };
}

/** Indices `[start, end)` as an array, for {@linkcode batchTensors} over a contiguous range. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
