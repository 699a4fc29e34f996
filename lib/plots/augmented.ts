/**
 * The "a few augmented digits" picture: each row shows one digit, then
 * several random augmentations of it, each captioned with what was done
 * (rotation, shift in pixels, zoom, mirror). Mirrored versions get a red
 * caption: a mirrored digit is usually no longer that digit.
 *
 * @module
 */

import { createDataset, type Dataset, imageAt } from "../data/dataset.ts";
import { type AffineParams, type AugmentOptions, drawParams, transformBatch } from "../train/augment.ts";
import { withFreshNoise } from "../train/fresh_noise.ts";
import { tf } from "../runtime/backend.ts";
import { digitGrid } from "./digits.ts";
import type { Figure } from "./figure.ts";

/** Options of {@linkcode augmentedDigits}. */
export interface AugmentedDigitsOptions {
  /** Digits to show (default: the first `count`). */
  indices?: ArrayLike<number>;
  /** How many digits when `indices` is absent (default 4). */
  count?: number;
  /** Augmented versions per digit (default 5). */
  versions?: number;
  /** Pixel size of one digit (default 90, room for the captions). */
  cellSize?: number;
  title?: string;
  /** File name when saved (default "augmented"). */
  name?: string;
  /**
   * `"fresh-noise"`: `ds` holds clean digits, and each version gets a new
   * noise background after it is moved (see `lib/train/fresh_noise.ts`).
   * Default `"as-is"`: the images are moved with whatever they contain.
   */
  background?: "as-is" | "fresh-noise";
}

/** A short caption of one image's change: rotation, shift `(right,down)` in pixels, zoom, mirror, e.g. `-12° (3,-1) flip`. */
export function describeParams(p: AffineParams): string {
  const parts: string[] = [];
  if (p.rotation) parts.push(`${Math.round(p.rotation)}°`);
  if (p.shiftX || p.shiftY) parts.push(`(${Math.round(p.shiftX ?? 0)},${Math.round(p.shiftY ?? 0)})`);
  const zx = p.zoomX ?? 1, zy = p.zoomY ?? 1;
  if (zx !== 1 || zy !== 1) parts.push(`×${(2 / (zx + zy)).toFixed(2)}`);
  if (p.flip) parts.push("flip");
  return parts.join(" ") || "same";
}

/**
 * Draws digits of `ds` (row-major) with `versions` augmentations of each under
 * `augment` (the options of `createAugmenter`; draws for step 0 of its seed).
 * Needs a tfjs backend initialised (`initBackend()`).
 */
export async function augmentedDigits(
  ds: Dataset,
  augment: AugmentOptions,
  options: AugmentedDigitsOptions = {},
): Promise<Figure> {
  const indices = options.indices
    ? Array.from(options.indices)
    : Array.from({ length: Math.min(options.count ?? 4, ds.count) }, (_, i) => i);
  const versions = options.versions ?? 5;
  const { height, width } = ds;
  const size = height * width;
  const n = indices.length * versions;
  const params = drawParams(augment, n, 0, width, height);
  const repeated = new Float32Array(n * size);
  indices.forEach((index, k) => {
    const image = imageAt(ds, index);
    for (let v = 0; v < versions; v++) repeated.set(image, (k * versions + v) * size);
  });
  const augmented = tf.tidy(() => {
    const x = tf.tensor4d(repeated, [n, height, width, 1]);
    const moved = transformBatch(x, params, { ...augment, noiseSeed: augment.seed ?? 42 });
    return options.background === "fresh-noise" ? withFreshNoise(moved, augment.seed ?? 42) : moved;
  });
  const out = new Float32Array(await augmented.data());
  augmented.dispose();

  const pixels = new Float32Array(indices.length * (versions + 1) * size);
  const captions: string[] = [];
  const wrong: boolean[] = [];
  indices.forEach((index, k) => {
    const row = k * (versions + 1);
    pixels.set(imageAt(ds, index), row * size);
    captions.push(ds.labels ? `${ds.labels[index]} (original)` : `#${index}`);
    wrong.push(false);
    for (let v = 0; v < versions; v++) {
      const j = k * versions + v;
      pixels.set(out.subarray(j * size, (j + 1) * size), (row + 1 + v) * size);
      captions.push(describeParams(params[j]));
      wrong.push(params[j].flip ?? false);
    }
  });
  const grid = createDataset(pixels, { name: `${ds.name}-augmented`, height, width });
  return await digitGrid(grid, {
    indices: Array.from({ length: grid.count }, (_, i) => i),
    columns: versions + 1,
    captions,
    wrong,
    cellSize: options.cellSize ?? 90,
    title: options.title,
    name: options.name ?? "augmented",
  });
}
