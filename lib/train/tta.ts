/**
 * Test-time augmentation that keeps the data's distribution: each image is
 * also classified shifted by one pixel left, right, up and down, and the
 * class probabilities are averaged. Whole-pixel shifts move the background
 * noise without resampling it, so it stays independent uniform noise; the
 * row or column that enters the frame gets fresh noise ("noise" fill). A
 * rotation or zoom would resample (and smooth) the noise, which is why only
 * shifts are used.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { type Dataset, PIXELS } from "../data/dataset.ts";
import { type AffineParams, transformBatch } from "./augment.ts";
import { tf as tfb } from "../runtime/backend.ts";
import { averageProbabilities, type PredictOptions, predictProbaAllCores } from "./predict.ts";

/** The original image and its four one-pixel shifts. */
export const SHIFT_VIEWS: readonly AffineParams[] = Object.freeze([
  {},
  { shiftX: 1 },
  { shiftX: -1 },
  { shiftY: 1 },
  { shiftY: -1 },
]);

/** `ds` with every image moved by `view` (nearest resampling, noise fill seeded by `seed`). */
export function shiftedDataset(ds: Dataset, view: AffineParams, seed = 0, batchSize = 1024): Dataset {
  const pixels = new Float32Array(ds.count * PIXELS);
  for (let start = 0; start < ds.count; start += batchSize) {
    const n = Math.min(batchSize, ds.count - start);
    const out = tfb.tidy(() => {
      const x = tfb.tensor4d(ds.pixels.subarray(start * PIXELS, (start + n) * PIXELS), [n, ds.height, ds.width, 1]);
      return transformBatch(x as tf.Tensor4D, Array(n).fill(view), {
        fillMode: "noise",
        interpolation: "nearest",
        noiseSeed: seed + start,
      }).dataSync() as Float32Array;
    });
    pixels.set(out, start * PIXELS);
  }
  return { ...ds, name: `${ds.name} (shifted)`, pixels };
}

/** Options of {@linkcode predictProbaTta}. */
export interface TtaOptions extends PredictOptions {
  /** Views to average (default {@linkcode SHIFT_VIEWS}). */
  views?: readonly AffineParams[];
  /** Seed of the noise brought in at the borders (default 1). */
  seed?: number;
}

/** Class probabilities averaged over `views` of every image, predicted on all cores. */
export async function predictProbaTta(
  model: tf.LayersModel,
  ds: Dataset,
  options: TtaOptions = {},
): Promise<Float32Array> {
  const views = options.views ?? SHIFT_VIEWS, seed = options.seed ?? 1;
  const probs: Float32Array[] = [];
  for (const [k, view] of views.entries()) {
    const shifted = Object.keys(view).length ? shiftedDataset(ds, view, seed + 7919 * k) : ds;
    probs.push(
      await predictProbaAllCores(model, shifted, {
        ...options,
        label: `${options.label ?? "predict"} (view ${k + 1}/${views.length})`,
      }),
    );
  }
  return averageProbabilities(probs);
}
