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

/**
 * The images (and labels) at `indices` as one batch of tensors, copied
 * straight from the typed arrays (cheap, no gather on the backend).
 */
export function batchTensors(ds: Dataset, indices: ArrayLike<number>, options: TensorOptions = {}): XY {
  checkUpright(ds);
  const n = indices.length;
  const px = new Float32Array(n * PIXELS);
  for (let i = 0; i < n; i++) px.set(ds.pixels.subarray(indices[i] * PIXELS, (indices[i] + 1) * PIXELS), i * PIXELS);
  const x = tf.tensor4d(px, [n, IMAGE_SIZE, IMAGE_SIZE, 1]);
  let y: tf.Tensor2D | null = null;
  if (ds.labels) {
    const labels = requireLabels(ds);
    const picked = new Uint8Array(n);
    for (let i = 0; i < n; i++) picked[i] = labels[indices[i]];
    y = tf.tensor2d(oneHot(picked, options.labelSmoothing), [n, NUM_CLASSES]);
  }
  return { x, y };
}

/** Indices `[start, end)` as an array, for {@linkcode batchTensors} over a contiguous range. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
