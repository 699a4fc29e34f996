/**
 * The per-batch hook of {@linkcode fit} (`lib/train/fit.ts`): what augmentation (`augment.ts`) and fresh noise
 * (`fresh_noise.ts`) hand to the training loop. A file of its own so that the hooks and the loop need not import
 * each other.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Random } from "../util/random.ts";

/** Where a batch is in training, passed to the transform hook. */
export interface BatchContext {
  epoch: number;
  step: number;
  /** Seeded generator for this batch (reproducible augmentation). */
  random: Random;
}

/**
 * Per-batch hook, run inside a `tf.tidy` before the forward pass: returns the
 * (possibly augmented) images and targets. Must keep the shapes of a row,
 * `[28, 28, 1]` and the target's (`[10]` for labels, the default `Y`; the
 * image's for an autoencoder); `n` may change.
 */
export type BatchTransform<Y extends tf.Tensor = tf.Tensor2D> = (
  batch: { x: tf.Tensor4D; y: Y },
  ctx: BatchContext,
) => { x: tf.Tensor4D; y: Y };
