/**
 * Features of a frozen convolutional base (VGG16 in notebook 05), computed
 * batch by batch with a progress bar, and cached on disk under
 * `outputs/features/`, keyed on the identity of the weights (a fingerprint of
 * their values) and of the data set (name, count and a fingerprint of its
 * pixels), so that a notebook computes them once.
 *
 * The cache entries use the binary format of `lib/data/cache.ts` (a JSON
 * header, then float32 values), written atomically.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { readCache, writeCache } from "../data/cache.ts";
import { datasetFingerprint, fingerprint } from "../data/fingerprint.ts";
import { outputPath } from "../data/paths.ts";
import { mapBatches } from "../runtime/batches.ts";
import { tf } from "../runtime/backend.ts";
import { toVggInput, type VggInputOptions } from "./vgg16.ts";

/** Extracted features: `count` rows of `dim` values, row-major. */
export interface Features {
  count: number;
  /** Values per image (the product of the base's output shape). */
  dim: number;
  /** The base's output shape per image, e.g. [1, 1, 512]. */
  shape: number[];
  values: Float32Array;
  /** Labels of the images, if the data set has them. */
  labels: Uint8Array | null;
  /** True when read from the cache. */
  cached?: boolean;
  /** Seconds spent computing (0 when cached). */
  seconds: number;
}

/** Options of {@linkcode extractFeatures}. */
export interface ExtractOptions extends Omit<VggInputOptions, "start" | "count"> {
  /** Images per forward pass (default 64). */
  batchSize?: number;
  /** Progress bar label (default "features"); `progress: false` hides it. */
  label?: string;
  progress?: boolean;
}

/** Runs `base` over every image of `ds` (as VGG inputs, see `toVggInput`) and collects the outputs. */
export function extractFeatures(
  base: tf.LayersModel,
  ds: Dataset,
  options: ExtractOptions = {},
): Promise<Features> {
  const batchSize = options.batchSize ?? 64;
  const shape = base.outputs[0].shape.slice(1) as number[];
  const dim = shape.reduce((a, b) => a * b, 1);
  const t0 = performance.now();
  const values = mapBatches(
    ds,
    (idx, start) => base.predict(toVggInput(ds, { ...options, start, count: idx.length })) as tf.Tensor,
    { batchSize, label: options.label ?? "features", progress: options.progress === false ? "silent" : "auto" },
  );
  return Promise.resolve({
    count: ds.count,
    dim,
    shape,
    values,
    labels: ds.labels,
    seconds: (performance.now() - t0) / 1000,
  });
}

/** A fingerprint of all weight values of `model` (changes when any weight changes). */
export function weightsFingerprint(model: tf.LayersModel): string {
  let h = 0x811c9dc5;
  for (const w of model.weights) {
    const values = w.read().dataSync() as Float32Array;
    h = parseInt(fingerprint(values, h), 16);
  }
  return h.toString(16).padStart(8, "0");
}

/** Options of {@linkcode cachedFeatures}. */
export interface CachedFeaturesOptions extends ExtractOptions {
  /** Name of the weights in the cache key (default "vgg16"); the fingerprint of their values is always added. */
  weightsName?: string;
  /** Cache directory (default `outputs/features`). */
  dir?: string;
  /** Recompute even if cached (default false). */
  refresh?: boolean;
}

/**
 * Features of `ds` under `base`, read from the cache when the same weights,
 * data set and input options were seen before, else computed and stored.
 */
export async function cachedFeatures(
  base: tf.LayersModel,
  ds: Dataset,
  options: CachedFeaturesOptions = {},
): Promise<Features> {
  const dir = options.dir ?? outputPath("features");
  const input = `${options.mode ?? "pad"}${options.padValue ?? 0.5}-${options.preprocess ?? "caffe"}`;
  const key = `${options.weightsName ?? "vgg16"}-${weightsFingerprint(base)}-${datasetFingerprint(ds)}-${input}`;
  const shape = base.outputs[0].shape.slice(1) as number[];
  const dim = shape.reduce((a, b) => a * b, 1);
  const id = { path: key, size: ds.count, mtimeMs: 0 };
  const layout = `features-${shape.join("x")}`;
  if (!options.refresh) {
    const hit = await readCache(dir, id, layout);
    if (hit && hit.rows === ds.count && hit.columns === dim) {
      return { count: ds.count, dim, shape, values: hit.pixels, labels: ds.labels, cached: true, seconds: 0 };
    }
  }
  const features = await extractFeatures(base, ds, options);
  await writeCache(dir, id, { rows: ds.count, columns: dim, pixels: features.values, labels: null, layout });
  return { ...features, cached: false };
}
