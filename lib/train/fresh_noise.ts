/**
 * Augmentation that respects how the data was made. Every image of this data
 * set is `max(digit, u)` with a fresh uniform `u` per pixel (data card, synthesis
 * step 3). Transforming a *noisy* image also transforms its noise: rotated or
 * zoomed noise is resampled, and its statistics no longer match the real
 * images. When the clean originals of the training digits are known (the
 * synthesized data, see `lib/data/clean.ts`), the right order is the other way
 * round: move the clean digit, then draw a new background. Each epoch then
 * sees the same digits under noise it has never seen, drawn from exactly the
 * distribution of the test images.
 *
 * When no clean originals exist (the real competition files), {@linkcode
 * digitAugmentationPlan} falls back to {@linkcode DIGIT_AUGMENTATION} on the
 * noisy images; `useOriginals: false` takes that path on purpose, to train as
 * a user with only the competition files would.
 *
 * @module
 */

import { deriveSeed, SEED_STRIDE } from "../util/random.ts";
import { formatPercent } from "../display/format.ts";
import { tf } from "../runtime/backend.ts";
import type { BatchTransform } from "./transform.ts";
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
import type { SynthesisOptions } from "../data/synthesis.ts";

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
export function freshNoiseTransform(options: AugmentOptions = CLEAN_DIGIT_GEOMETRY): BatchTransform {
  const seed = options.seed ?? 42;
  return ({ x, y }, ctx) => {
    const step = deriveSeed(ctx.epoch, ctx.step, SEED_STRIDE.xlarge);
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
 * The synthesis' background on a batch of clean NHWC digits: `max(x, u)` with
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
  transform: BatchTransform;
  kind: "fresh-noise" | "noisy";
  /** The geometry drawn per image, and the background of the moved images (for `augmentedDigits`). */
  augment: AugmentOptions;
  background: "fresh-noise" | "as-is";
  /** One sentence for the notebook. */
  description: string;
}

/** Geometry of {@linkcode digitAugmentationPlan} that leaves digits where they are: fresh noise only. */
export const NO_GEOMETRY: Readonly<AugmentOptions> = Object.freeze({});

function moves(g: AugmentOptions): boolean {
  return Boolean(g.rotationRange || g.widthShiftRange || g.heightShiftRange || g.zoomRange || g.horizontalFlip);
}

/** "rotation 10°, shift 10 %, zoom 10 %" for a geometry, or "not moved". */
export function describeGeometry(g: AugmentOptions): string {
  if (!moves(g)) return "not moved";
  const pct = (f: number) => formatPercent(f, 0);
  const parts = [
    g.rotationRange ? `rotation ${g.rotationRange}°` : "",
    g.widthShiftRange || g.heightShiftRange
      ? `shift ${pct(Math.max(g.widthShiftRange ?? 0, g.heightShiftRange ?? 0))}`
      : "",
    g.zoomRange ? `zoom ${pct(g.zoomRange)}` : "",
    g.horizontalFlip ? "horizontal flips" : "",
  ];
  return parts.filter(Boolean).join(", ");
}

/** Options of {@linkcode digitAugmentationPlan}. */
export interface AugmentationPlanOptions {
  /** Use the first `count` of the rows (default all). */
  count?: number;
  /** Seed of the geometry and noise draws (default 42). */
  seed?: number;
  /** How each clean digit is moved before its new background (default {@linkcode CLEAN_DIGIT_GEOMETRY}). */
  geometry?: AugmentOptions;
  /**
   * Recover and use the clean originals when the data was built by the synthesis (default true). With false the plan
   * never looks for them and augments the noisy images, as it must with the real competition files.
   */
  useOriginals?: boolean;
  /** The synthesis the data was built with, to recover its originals (default its defaults). */
  synthesis?: SynthesisOptions;
}

/**
 * Digit augmentation for the training rows `indices` of the labelled set
 * (the first `count` of them): fresh noise on the clean originals, moved by
 * `geometry` first, when the synthesis' originals can be recovered. Otherwise
 * the noisy images themselves: moved by the same ranges with noise fill
 * (like {@linkcode DIGIT_AUGMENTATION}), or used as they are when the
 * geometry does not move digits (there is no background to draw again).
 * `useOriginals: false` chooses the second path even where originals exist.
 * Never touches a test digit.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * declare const labelled: Dataset, trainIndices: Int32Array;
 * const plan = await digitAugmentationPlan(labelled, trainIndices, { useOriginals: false });
 * plan.kind; // "noisy": what a user with only the competition files trains on
 * ```
 */
export async function digitAugmentationPlan(
  labelled: Dataset,
  indices: ArrayLike<number>,
  options: AugmentationPlanOptions = {},
): Promise<AugmentationPlan> {
  const seed = options.seed ?? 42, geometry = options.geometry ?? CLEAN_DIGIT_GEOMETRY;
  const originals = options.useOriginals === false
    ? new Error("not used")
    : await cleanTrainingDigits(labelled, options.synthesis).catch((e: Error) => e);
  if (!(originals instanceof Error)) {
    const clean = head(subset(originals, indices, "clean originals"), options.count);
    const augment = { ...CLEAN_DIGIT_GEOMETRY, ...NO_MOVES, ...geometry, seed };
    const moved = moves(geometry) ? `moved (${describeGeometry(geometry)}) and given` : "given";
    return {
      train: clean,
      transform: freshNoiseTransform(augment),
      kind: "fresh-noise",
      augment,
      background: "fresh-noise",
      description: `${clean.count} clean originals, ${moved} a fresh noise background in every batch`,
    };
  }
  const noisy = head(subset(labelled, indices, "training images"), options.count);
  // Only the ranges carry over: noisy images keep DIGIT_AUGMENTATION's nearest sampling and noise fill.
  const { rotationRange, widthShiftRange, heightShiftRange, zoomRange, horizontalFlip } = { ...NO_MOVES, ...geometry };
  const ranges = { rotationRange, widthShiftRange, heightShiftRange, zoomRange, horizontalFlip };
  const augment = { ...DIGIT_AUGMENTATION, ...ranges, seed };
  const why = options.useOriginals === false
    ? "clean originals not used (competition files only)"
    : `no clean originals (${originals.message})`;
  if (!moves(geometry)) {
    return {
      train: noisy,
      transform: (batch) => batch,
      kind: "noisy",
      augment,
      background: "as-is",
      description: `${why}; without them no background can be drawn again, so the ${noisy.count} noisy ` +
        "images are used as they are",
    };
  }
  return {
    train: noisy,
    transform: asFitTransform(createAugmenter(augment)),
    kind: "noisy",
    augment,
    background: "as-is",
    description: `${why}; digit augmentation (${describeGeometry(geometry)}, noise fill) of the ` +
      `${noisy.count} noisy images instead`,
  };
}

/** Ranges that switch every movement off, under a given geometry. */
const NO_MOVES: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 0,
  widthShiftRange: 0,
  heightShiftRange: 0,
  zoomRange: 0,
  horizontalFlip: false,
});
