/**
 * A network of dense layers only, the alternative the report's conclusion
 * suggests (section 8): the image is flattened and passed through a few
 * hundred relu units, with dropout, then the softmax. Inputs are the same
 * NHWC `[n, 28, 28, 1]` batches as the CNNs', so the same fit loop trains it.
 *
 * @example
 * ```ts
 * const model = denseNet({ hidden: [512, 256], seed: 1 }); // 535,818 parameters
 * ```
 *
 * @module
 */

import { seededInitializer } from "./init.ts";
import * as tf from "@tensorflow/tfjs";
import { IMAGE_SIZE, NUM_CLASSES } from "../data/dataset.ts";

/** Options of {@linkcode denseNet}. */
export interface DenseNetOptions {
  /** Units of each hidden layer (default [512, 256]). */
  hidden?: number[];
  /** Dropout after each hidden layer (default 0.25). */
  dropout?: number;
  /** Seed of the weight initialisers (default: unseeded). */
  seed?: number;
}

/** Flatten, then `hidden` relu layers with dropout, then Dense(10, softmax). */
export function denseNet(options: DenseNetOptions = {}): tf.Sequential {
  const hidden = options.hidden ?? [512, 256], rate = options.dropout ?? 0.25;
  const next = seededInitializer(options.seed);
  const init = () => ({ kernelInitializer: next() });
  const model = tf.sequential({ name: "dense_only" });
  model.add(tf.layers.flatten({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1] }));
  for (const units of hidden) {
    model.add(tf.layers.dense({ units, activation: "relu", ...init() }));
    if (rate > 0) model.add(tf.layers.dropout({ rate }));
  }
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: "softmax", ...init() }));
  return model;
}
