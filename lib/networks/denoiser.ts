/**
 * Denoising before classification (report section 8, "treat/remove the
 * noise"): a small fully convolutional autoencoder learns to map a noisy
 * digit to its clean original. It is trained on the clean originals of the
 * training digits, each batch given a fresh noise background (so it never
 * sees the same noisy image twice), with per-pixel binary cross-entropy
 * against the clean image. {@linkcode denoise} then cleans any data set.
 *
 * Every layer keeps the 28x28 size (no pooling), so the network only uses
 * kernels the `wasm` backend has, and its receptive field (one pixel plus
 * one per layer on each side) covers a stroke and its neighbourhood.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { createDataset, type Dataset, IMAGE_SIZE, PIXELS } from "../data/dataset.ts";
import { createProgress, type ProgressOptions } from "../display/progress.ts";
import { withFreshNoise } from "../train/fresh_noise.ts";
import { batchTensors } from "../runtime/tensors.ts";
import { createRandom, shuffleInPlace } from "../util/random.ts";

/** Options of {@linkcode denoisingAutoencoder}. */
export interface DenoiserOptions {
  /** Filters of the hidden 3x3 relu convolutions (default [32, 32, 32]). */
  filters?: number[];
  /** Seed of the weight initialisers (default: unseeded). */
  seed?: number;
}

/** Hidden same-padded 3x3 relu convolutions, then a 3x3 sigmoid convolution to one channel. */
export function denoisingAutoencoder(options: DenoiserOptions = {}): tf.Sequential {
  const filters = options.filters ?? [32, 32, 32];
  let k = 0;
  const init = () => ({
    kernelInitializer: tf.initializers.glorotUniform(options.seed === undefined ? {} : { seed: options.seed + k++ }),
  });
  const model = tf.sequential({ name: "denoiser" });
  filters.forEach((f, i) =>
    model.add(tf.layers.conv2d({
      filters: f,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      ...(i === 0 ? { inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1] } : {}),
      ...init(),
    }))
  );
  model.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: "same", activation: "sigmoid", ...init() }));
  return model;
}

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
      shuffleInPlace(order, createRandom(seed * 7919 + epoch));
      let sum = 0;
      for (let start = 0, step = 0; start < clean.count; start += batchSize, step++) {
        const idx = order.subarray(start, Math.min(clean.count, start + batchSize));
        const value = tf.tidy(() => {
          const target = batchTensors(clean, idx).x;
          const noisy = withFreshNoise(target, seed * 1_000_003 + epoch * 10_007 + step);
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
  const pixels = new Float32Array(ds.count * PIXELS);
  for (let start = 0; start < ds.count; start += batchSize) {
    const end = Math.min(ds.count, start + batchSize);
    const idx = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const values = tf.tidy(() => (model.predict(batchTensors(ds, idx).x) as tf.Tensor).dataSync() as Float32Array);
    pixels.set(values, start * PIXELS);
  }
  return createDataset(pixels, { name: `${ds.name} (denoised)`, labels: ds.labels ?? undefined });
}
