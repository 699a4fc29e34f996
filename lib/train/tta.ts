/**
 * Test-time augmentation that keeps the data's distribution: each image is
 * also classified shifted by one pixel left, right, up and down, and the
 * class probabilities are averaged. Whole-pixel shifts move the background
 * noise without resampling it, so it stays independent uniform noise; the
 * row or column that enters the frame gets fresh noise ("noise" fill). A
 * rotation or zoom would resample (and smooth) the noise, which is why only
 * shifts are used. `predictProba(model, ds, { views: SHIFT_VIEWS })` (`predict.ts`)
 * averages the views.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { type Dataset, PIXELS } from "../data/dataset.ts";
import { type AffineParams, transformBatch } from "./augment.ts";
import { tf as tfb } from "../runtime/backend.ts";

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
