/**
 * Augmentation that respects how the data was made. Every image of this data
 * set is `max(digit, u)` with a fresh uniform `u` per pixel (data card, recipe
 * step 3). Transforming a *noisy* image also transforms its noise: rotated or
 * zoomed noise is resampled, and its statistics no longer match the real
 * images. When the clean originals of the training digits are known (the
 * recipe's data, see `lib/data/clean.ts`), the right order is the other way
 * round: move the clean digit, then draw a new background. Each epoch then
 * sees the same digits under noise it has never seen, drawn from exactly the
 * distribution of the test images.
 *
 * When no clean originals exist (the real competition files), {@linkcode
 * digitAugmentationPlan} falls back to {@linkcode DIGIT_AUGMENTATION} on the
 * noisy images.
 *
 * @module
 */

import { tf } from "./backend.ts";
import type { BatchTransform as FitBatchTransform } from "./fit.ts";
import {
  asFitTransform,
  type AugmentOptions,
  createAugmenter,
  DIGIT_AUGMENTATION,
  drawParams,
  transformBatch,
} from "./augment.ts";
import { type Dataset, head, subset } from "../data/dataset.ts";
import { cleanTrainingDigits } from "../data/clean.ts";

/**
 * The geometric part of {@linkcode DIGIT_AUGMENTATION}, for clean digits:
 * bilinear resampling (clean strokes are smooth, as MNIST's anti-aliased
 * digits are) and zero fill (a clean background is black).
 */
export const CLEAN_DIGIT_GEOMETRY: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 10,
  widthShiftRange: 0.1,
  heightShiftRange: 0.1,
  zoomRange: 0.1,
  fillMode: "constant",
  fillValue: 0,
  interpolation: "bilinear",
});

/**
 * A fit-loop batch hook for training on *clean* digits: each batch is moved
 * by the random geometry of `options` (no geometry when all ranges are 0),
 * then given a fresh background, `max(digit, u)` with `u ~ Uniform[0, 1]`.
 * Draws are reproducible per `(seed, epoch, step)`.
 */
export function freshNoiseTransform(options: AugmentOptions = CLEAN_DIGIT_GEOMETRY): FitBatchTransform {
  const seed = options.seed ?? 42;
  return ({ x, y }, ctx) => {
    const step = ctx.epoch * 1_000_003 + ctx.step;
    const moved = transformBatch(x, drawParams(options, x.shape[0], step, x.shape[2], x.shape[1]), {
      ...options,
      fillMode: options.fillMode === "noise" ? "constant" : options.fillMode ?? "constant",
    });
    const noisy = withFreshNoise(moved, mix(seed, step));
    moved.dispose();
    return { x: noisy, y };
  };
}

/**
 * The recipe's background on a batch of clean NHWC digits: `max(x, u)` with
 * `u ~ Uniform[0, 1]` drawn with `seed`. Returns a new tensor (`x` is kept).
 */
export function withFreshNoise(x: tf.Tensor4D, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.maximum(x, tf.randomUniform(x.shape, 0, 1, "float32", seed)) as tf.Tensor4D);
}

function mix(seed: number, step: number): number {
  let h = (Math.imul(seed + 0x51ed27, 0x2c1b3c6d) ^ Math.imul(step + 1, 0x297a2d39)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** What {@linkcode digitAugmentationPlan} chose: the images to train on and the batch hook. */
export interface AugmentationPlan {
  /** Clean originals (`fresh-noise`) or the noisy images themselves (`noisy`). */
  train: Dataset;
  transform: FitBatchTransform;
  kind: "fresh-noise" | "noisy";
  /** The geometry drawn per image, and the background of the moved images (for `augmentedDigits`). */
  augment: AugmentOptions;
  background: "fresh-noise" | "as-is";
  /** One sentence for the notebook. */
  description: string;
}

/**
 * Digit augmentation for the training rows `indices` of the labelled set
 * (the first `count` of them): fresh noise on the clean originals when the
 * recipe's originals can be recovered, otherwise {@linkcode DIGIT_AUGMENTATION}
 * applied to the noisy images. Never touches a test digit.
 */
export async function digitAugmentationPlan(
  labelled: Dataset,
  indices: ArrayLike<number>,
  options: { count?: number; seed?: number } = {},
): Promise<AugmentationPlan> {
  const seed = options.seed ?? 42;
  try {
    const clean = head(subset(await cleanTrainingDigits(labelled), indices, "clean originals"), options.count);
    const augment = { ...CLEAN_DIGIT_GEOMETRY, seed };
    return {
      train: clean,
      transform: freshNoiseTransform(augment),
      kind: "fresh-noise",
      augment,
      background: "fresh-noise",
      description: `${clean.count} clean originals, moved (rotation 10°, shift 10 %, zoom 10 %) and given a ` +
        "fresh noise background in every batch",
    };
  } catch (e) {
    const noisy = head(subset(labelled, indices, "training images"), options.count);
    const augment = { ...DIGIT_AUGMENTATION, seed };
    return {
      train: noisy,
      transform: asFitTransform(createAugmenter(augment)),
      kind: "noisy",
      augment,
      background: "as-is",
      description: `no clean originals (${(e as Error).message}); digit augmentation of the ${noisy.count} ` +
        "noisy images instead",
    };
  }
}
