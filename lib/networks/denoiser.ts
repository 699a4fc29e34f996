/**
 * Denoising before classification (report section 8, "treat/remove the
 * noise"): a small fully convolutional autoencoder learns to map a noisy
 * digit to its clean original. It is trained on the clean originals of the
 * training digits, each batch given a fresh noise background (so it never
 * sees the same noisy image twice), with per-pixel binary cross-entropy
 * against the clean image (`fitDenoiser` in `lib/train/denoise.ts`), which
 * then cleans any data set (`denoise`).
 *
 * Every layer keeps the 28x28 size (no pooling), so the network only uses
 * kernels the `wasm` backend has, and its receptive field (one pixel plus
 * one per layer on each side) covers a stroke and its neighbourhood.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { IMAGE_SIZE } from "../data/dataset.ts";
import { seededInitializer } from "./init.ts";

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
  const next = seededInitializer(options.seed);
  const init = () => ({ kernelInitializer: next() });
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
