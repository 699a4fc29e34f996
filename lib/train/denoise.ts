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
import { createProgress, type ProgressOptions } from "../display/progress.ts";
import { mapBatches } from "../runtime/batches.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { createRandom, deriveSeed, SEED_STRIDE, shuffleInPlace } from "../util/random.ts";
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

/** Trains `model` to map `max(clean, u)` (fresh `u` every batch) back to `clean`. */
export async function fitDenoiser(
  model: tf.LayersModel,
  clean: Dataset,
  options: FitDenoiserOptions = {},
): Promise<DenoiserHistory> {
  const epochs = options.epochs ?? 4, batchSize = options.batchSize ?? 64, seed = options.seed ?? 1;
  const optimizer = tf.train.adam(options.learningRate ?? 2e-3);
  const order = Int32Array.from({ length: clean.count }, (_, i) => i);
  const bar = createProgress({ total: epochs * clean.count, label: "denoiser", unit: "img", mode: options.progress });
  const loss: number[] = [];
  const t0 = performance.now();
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, createRandom(deriveSeed(seed, epoch, SEED_STRIDE.small)));
      let sum = 0;
      for (let start = 0, step = 0; start < clean.count; start += batchSize, step++) {
        const idx = order.subarray(start, Math.min(clean.count, start + batchSize));
        const value = tf.tidy(() => {
          const target = batchTensors(clean, idx).x;
          const noisy = withFreshNoise(
            target,
            deriveSeed(seed, deriveSeed(epoch, step, SEED_STRIDE.medium), SEED_STRIDE.xlarge),
          );
          const l = optimizer.minimize(() => {
            const out = model.apply(noisy, { training: true }) as tf.Tensor4D;
            return tf.metrics.binaryCrossentropy(target, out).mean() as tf.Scalar;
          }, true);
          return l!.dataSync()[0];
        });
        sum += value * idx.length;
        bar.tick(idx.length, { epoch: `${epoch + 1}/${epochs}`, loss: value });
        if (step % 8 === 0) await new Promise((r) => setTimeout(r, 0)); // let the display flush
      }
      loss.push(sum / clean.count);
    }
  } finally {
    optimizer.dispose();
  }
  bar.finish();
  return { loss, seconds: (performance.now() - t0) / 1000 };
}

/** The denoised images of `ds` (same labels, upright), in batches of `batchSize` (default 256). */
export function denoise(model: tf.LayersModel, ds: Dataset, batchSize = 256): Dataset {
  const out = mapBatches(ds, (idx) => model.predict(batchTensors(ds, idx).x) as tf.Tensor, {
    batchSize,
    progress: "silent",
  });
  const pixels = ds.count ? out : new Float32Array(0);
  return createDataset(pixels, { name: `${ds.name} (denoised)`, labels: ds.labels ?? undefined });
}
