/**
 * Random geometric augmentation of image batches, in the spirit of Keras'
 * `ImageDataGenerator` (rotation, width/height shift, zoom, horizontal flip,
 * fill mode), built on `tf.image.transform` (which has a kernel on the `wasm`
 * backend). Each image gets its own random affine map; the draws are
 * deterministic for a `(seed, step)` pair.
 *
 * Besides Keras' `nearest` and `constant` fills there is a `noise` fill: the
 * pixels an image brings in from outside its frame get uniform noise in
 * `[noiseMin, noiseMax]`, which is what the background of this data set looks
 * like, so a shifted digit still looks like a sample of the data.
 *
 * @example
 * ```ts
 * import type * as tf from "@tensorflow/tfjs";
 * declare const xBatch: tf.Tensor4D, step: number;
 * import { createAugmenter, DIGIT_AUGMENTATION } from "./augment.ts";
 * const augment = createAugmenter({ ...DIGIT_AUGMENTATION, seed: 7 });
 * const xAug = augment(xBatch, step); // [n, 28, 28, 1] -> [n, 28, 28, 1]
 * ```
 *
 * @module
 */

import type { BatchTransform } from "./transform.ts";
import { tf } from "../runtime/backend.ts";
import { createRandom, deriveSeed, SEED_STRIDE } from "../util/random.ts";

/** How pixels that come from outside the image frame are filled. */
export type FillMode = "nearest" | "constant" | "reflect" | "wrap" | "noise";

/** Options of {@linkcode createAugmenter} (ranges as in Keras' `ImageDataGenerator`). */
export interface AugmentOptions {
  /** Rotation drawn uniformly in `[-r, r]` degrees (default 0). */
  rotationRange?: number;
  /** Horizontal shift drawn uniformly in `[-f, f]` times the width (default 0). */
  widthShiftRange?: number;
  /** Vertical shift drawn uniformly in `[-f, f]` times the height (default 0). */
  heightShiftRange?: number;
  /**
   * Zoom: per-axis factors drawn uniformly in `[1 - z, 1 + z]` (default 0).
   * As in Keras, a factor above 1 samples a larger area, so the digit shrinks.
   */
  zoomRange?: number;
  /** Mirror left-right with probability 0.5 (default false). */
  horizontalFlip?: boolean;
  /** Fill of pixels brought in from outside the frame (default "nearest", Keras' default). */
  fillMode?: FillMode;
  /** Value for `fillMode: "constant"` (default 0). */
  fillValue?: number;
  /** Range of the uniform noise for `fillMode: "noise"` (default [0, 1], this data set's background). */
  noiseRange?: [number, number];
  /** Resampling (default "bilinear", like Keras' `interpolation_order=1`). */
  interpolation?: "nearest" | "bilinear";
  /** Seed of the random draws (default 42). */
  seed?: number;
}

/** One image's geometric change; every field is optional and defaults to "no change". */
export interface AffineParams {
  /** Rotation in degrees (counter-clockwise on screen for positive values in image coordinates, y down). */
  rotation?: number;
  /** Content moves right by this many pixels. */
  shiftX?: number;
  /** Content moves down by this many pixels. */
  shiftY?: number;
  /** Horizontal sampling factor (>1 shrinks the content). */
  zoomX?: number;
  /** Vertical sampling factor (>1 shrinks the content). */
  zoomY?: number;
  /** Mirror left-right. */
  flip?: boolean;
}

/** Moves a batch of images, its draws seeded by `step` (the fit loop takes it through {@linkcode asFitTransform}). */
export type ImageAugmenter = (x: tf.Tensor4D, step: number) => tf.Tensor4D;

/**
 * The report's VGG-generator settings (section 6.2): rotation 15°, shifts of
 * 20 %, horizontal flip, nearest fill. The report's simple-CNN generator
 * settings are cut off in its text; these are used for the reproduction.
 */
export const REPORT_AUGMENTATION: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 15,
  widthShiftRange: 0.2,
  heightShiftRange: 0.2,
  horizontalFlip: true,
  fillMode: "nearest",
});

/**
 * The one label of {@linkcode REPORT_AUGMENTATION} in rows, curves and titles: the report's sections 6.1.2 and 6.3.4
 * do not show their generators' settings, so its VGG section's generator stands in, and every label says so.
 */
export const REPORT_AUGMENTATION_NAME = "the report's VGG-section augmentation (a stand-in)";

/**
 * Settings that keep a digit a digit: small rotation and shift, mild zoom, no
 * mirror (a mirrored 2, 3, 7 or 9 is not that digit), noise brought in
 * where the frame moves, like the data's background, and nearest-pixel
 * resampling: bilinear resampling averages neighbouring noise pixels, so the
 * augmented images would be visibly smoother than the real ones.
 */
export const DIGIT_AUGMENTATION: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 10,
  widthShiftRange: 0.1,
  heightShiftRange: 0.1,
  zoomRange: 0.1,
  horizontalFlip: false,
  fillMode: "noise",
  interpolation: "nearest",
});

/**
 * The 8-number projective rows of `tf.image.transform` (which maps each
 * output pixel to the input point it samples) for one image of
 * `width x height`, about the image centre: flip, then zoom, rotation, shift.
 */
export function affineRow(params: AffineParams, width: number, height: number): number[] {
  const cx = (width - 1) / 2, cy = (height - 1) / 2;
  const theta = ((params.rotation ?? 0) * Math.PI) / 180;
  const cos = Math.cos(theta), sin = Math.sin(theta);
  const zx = params.zoomX ?? 1, zy = params.zoomY ?? 1;
  const f = params.flip ? -1 : 1;
  // input = R · Z · F · (output - c) + c - shift
  const a0 = cos * zx * f, a1 = -sin * zy;
  const b0 = sin * zx * f, b1 = cos * zy;
  const a2 = cx - (params.shiftX ?? 0) - a0 * cx - a1 * cy;
  const b2 = cy - (params.shiftY ?? 0) - b0 * cx - b1 * cy;
  return [a0, a1, a2, b0, b1, b2, 0, 0];
}

/** Options of {@linkcode transformBatch}: the fill and resampling parts of {@linkcode AugmentOptions}. */
export type TransformOptions = Pick<AugmentOptions, "fillMode" | "fillValue" | "noiseRange" | "interpolation"> & {
  /** Seed of the noise fill (default 0). */
  noiseSeed?: number;
};

/**
 * Applies one explicit {@linkcode AffineParams} per image of the NHWC batch
 * `x` and returns a new tensor of the same shape (`x` is not disposed).
 */
export function transformBatch(
  x: tf.Tensor4D,
  params: readonly AffineParams[],
  options: TransformOptions = {},
): tf.Tensor4D {
  const [n, height, width] = x.shape;
  if (params.length !== n) throw new Error(`transformBatch: ${params.length} parameter sets for ${n} images`);
  const fillMode = options.fillMode ?? "nearest";
  const interpolation = options.interpolation ?? "bilinear";
  return tf.tidy(() => {
    const rows = tf.tensor2d(params.flatMap((p) => affineRow(p, width, height)), [n, 8]);
    if (fillMode !== "noise") {
      return tf.image.transform(x, rows, interpolation, fillMode, options.fillValue ?? 0);
    }
    // Zero fill, plus noise weighted by how much of each output pixel lies outside the frame.
    const moved = tf.image.transform(x, rows, interpolation, "constant", 0);
    const inside = tf.image.transform(tf.onesLike(x), rows, interpolation, "constant", 0);
    const [lo, hi] = options.noiseRange ?? [0, 1];
    const noise = tf.randomUniform(x.shape, lo, hi, "float32", options.noiseSeed ?? 0);
    return tf.add(moved, tf.mul(tf.sub(1, inside), noise)) as tf.Tensor4D;
  });
}

/** Draws the random {@linkcode AffineParams} of `count` images for batch `step`. */
export function drawParams(
  options: AugmentOptions,
  count: number,
  step: number,
  width = 28,
  height = 28,
): AffineParams[] {
  const rng = createRandom(mixSeed(options.seed ?? 42, step));
  const uniform = (r: number) => (r > 0 ? (2 * rng.next() - 1) * r : 0);
  const rot = options.rotationRange ?? 0, wsr = options.widthShiftRange ?? 0;
  const hsr = options.heightShiftRange ?? 0, zr = options.zoomRange ?? 0;
  return Array.from({ length: count }, () => ({
    rotation: uniform(rot),
    shiftX: uniform(wsr) * width,
    shiftY: uniform(hsr) * height,
    zoomX: 1 + uniform(zr),
    zoomY: 1 + uniform(zr),
    flip: options.horizontalFlip ? rng.next() < 0.5 : false,
  }));
}

/**
 * Builds a per-batch augmentation `(x, step) => x'` for NHWC batches. The
 * result is a fresh tensor the caller owns (`x` is not disposed); all
 * intermediates are freed. The same `(seed, step)` gives the same output.
 */
export function createAugmenter(options: AugmentOptions = {}): ImageAugmenter {
  const opts = { ...options };
  const seed = opts.seed ?? 42;
  return (x: tf.Tensor4D, step: number): tf.Tensor4D => {
    const [n, height, width] = x.shape;
    const params = drawParams(opts, n, step, width, height);
    return transformBatch(x, params, { ...opts, noiseSeed: mixSeed(seed + 1, step) });
  };
}

/** True when the options change nothing (all ranges 0, no flip). */
export function isIdentity(options: AugmentOptions): boolean {
  return !(options.rotationRange || options.widthShiftRange || options.heightShiftRange || options.zoomRange ||
    options.horizontalFlip);
}

function mixSeed(seed: number, step: number): number {
  let h = (seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * Adapts an augmenter to the fit loop's batch hook (`FitOptions.transform`):
 * the images are augmented, the targets pass through, and the step number
 * given to the augmenter is unique per (epoch, step), so every epoch sees new
 * draws and a rerun sees the same ones.
 */
export function asFitTransform(augment: ImageAugmenter): BatchTransform {
  return ({ x, y }, ctx) => ({ x: augment(x, deriveSeed(ctx.epoch, ctx.step, SEED_STRIDE.xlarge)), y });
}
