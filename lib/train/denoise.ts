/**
 * Training and use of the denoising autoencoder of report section 8
 * (`denoisingAutoencoder` in `lib/networks/denoiser.ts`): it learns to map
 * `max(clean, u)`, with a fresh noise background `u` in every batch, back to
 * the clean original; {@linkcode denoise} then cleans any data set.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { createDataset, type Dataset } from "../data/dataset.ts";
import type { ProgressOptions } from "../display/progress.ts";
import { mapBatches, predictBatch } from "../runtime/batches.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { deriveSeed, SEED_STRIDE } from "../util/random.ts";
import { fit } from "./fit.ts";
import type { BatchTransform } from "./transform.ts";
import { withFreshNoise } from "./fresh_noise.ts";

/** Options of {@linkcode fitDenoiser}. */
export interface FitDenoiserOptions {
  /** Passes over the clean digits (default 4). */
  epochs?: number;
  /** Images per step (default 64). */
  batchSize?: number;
  /** Adam learning rate (default 2e-3). */
  learningRate?: number;
  /** Seed of shuffling and noise (default 1). */
  seed?: number;
  progress?: ProgressOptions["mode"];
}

/** What {@linkcode fitDenoiser} measured. */
export interface DenoiserHistory {
  /** Mean per-pixel binary cross-entropy of each epoch. */
  loss: number[];
  seconds: number;
}

/**
 * Trains `model` to map `max(clean, u)` (fresh `u` every batch) back to `clean`: the fit loop of `fit.ts` with the
 * images as targets, the per-pixel binary cross-entropy and fresh noise as the batch transform.
 */
export async function fitDenoiser(
  model: tf.LayersModel,
  clean: Dataset,
  options: FitDenoiserOptions = {},
): Promise<DenoiserHistory> {
  const seed = options.seed ?? 1;
  // The seeds of the loop this one replaced, so that a seed trains the same denoiser as before.
  const freshNoise: BatchTransform<tf.Tensor4D> = ({ x, y }, { epoch, step }) => ({
    x: withFreshNoise(x, deriveSeed(seed, deriveSeed(epoch, step, SEED_STRIDE.medium), SEED_STRIDE.xlarge)),
    y,
  });
  const t0 = performance.now();
  const history = await fit(model, clean, {
    epochs: options.epochs ?? 4,
    batchSize: options.batchSize ?? 64,
    optimizer: { name: "adam", learningRate: options.learningRate ?? 2e-3 },
    target: "images",
    loss: "binaryCrossentropy",
    shuffleSeed: (epoch) => deriveSeed(seed, epoch, SEED_STRIDE.small),
    transform: freshNoise,
    progress: options.progress,
    label: "denoiser",
  });
  return { loss: history.loss, seconds: (performance.now() - t0) / 1000 };
}

/** The denoised images of `ds` (same labels, upright), in batches of `batchSize` (default 256). */
export function denoise(model: tf.LayersModel, ds: Dataset, batchSize = 256): Dataset {
  const out = mapBatches(ds, (idx) => predictBatch(model, batchTensors(ds, idx).x), {
    batchSize,
    progress: "silent",
  });
  const pixels = ds.count ? out : new Float32Array(0);
  return createDataset(pixels, { name: `${ds.name} (denoised)`, labels: ds.labels ?? undefined });
}
