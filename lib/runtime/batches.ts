/**
 * The batched inference loop of the project: runs a forward pass over a
 * {@linkcode Dataset} in contiguous batches and gathers the outputs, a fixed
 * number of values per image, into one array, with a progress bar. Class
 * probabilities, embeddings, VGG features and denoised images all come out of
 * {@linkcode mapBatches}.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createDataset } from "../data/dataset.ts";
 * import { batchTensors } from "./tensors.ts";
 * import { mapBatches } from "./batches.ts";
 *
 * const ds = createDataset(new Float32Array(3 * 784), { name: "blank" });
 * const sums = mapBatches(ds, (idx) => batchTensors(ds, idx).x.sum([1, 2, 3]), { batchSize: 2 });
 * sums.length; // 3
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset.ts";
import { createProgress, type Progress, type ProgressOptions } from "../display/progress.ts";
import { range } from "./tensors.ts";
import { activeEngine } from "./native/engine.ts";
import { winogradConvolutions } from "./native/library.ts";

/**
 * `model`'s output for the batch `x` in inference mode. tfjs' `predict` runs a batch in pieces of 32 images; where the
 * native engine runs its float32 convolutions by Winograd the whole batch goes in one piece, since each convolution
 * transforms its filter once a call: one core, 500 images, images/s in pieces of 32 / in one piece, best network
 * 1,367 / 1,479 by Winograd, 1,169 / 1,181 direct; 4-conv CNN 1,529 / 1,560 by Winograd, but 1,128 / 1,057 direct
 * (measured 2026-12-05), so the direct algorithm keeps tfjs' pieces.
 */
export function predictBatch(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const whole = activeEngine() === "native" && winogradConvolutions();
  return model.predict(x, { batchSize: whole ? Math.max(1, x.shape[0]) : 32 }) as tf.Tensor;
}

/** Options of {@linkcode mapBatches}. */
export interface BatchOptions {
  /** Images per forward pass (default 256). */
  batchSize?: number;
  /** Progress display (default: silent below 2,000 images, else detected; "auto": always detected). */
  progress?: ProgressOptions["mode"] | "auto";
  /** Label shown on the bar (default "predict"). */
  label?: string;
}

/** The progress bar of a batched run over `count` images, as {@linkcode BatchOptions} asks. */
export function batchProgress(count: number, options: BatchOptions = {}): Progress {
  const auto = count < 2000 ? "silent" : undefined;
  return createProgress({
    total: count,
    label: options.label ?? "predict",
    unit: "img",
    mode: options.progress === "auto" ? undefined : options.progress ?? auto,
  });
}

/**
 * Calls `forward` on the indices of each contiguous batch of `ds` (inside `tf.tidy`) and returns the outputs of all
 * batches in order, flattened: `count * d` values when each image yields `d`.
 */
export function mapBatches(
  ds: Pick<Dataset, "count">,
  forward: (indices: Int32Array, start: number) => tf.Tensor,
  options: BatchOptions = {},
): Float32Array {
  const batchSize = options.batchSize ?? 256;
  const bar = batchProgress(ds.count, options);
  let out = new Float32Array(0), perImage = 0;
  for (let start = 0; start < ds.count; start += batchSize) {
    const end = Math.min(ds.count, start + batchSize);
    const y = tf.tidy(() => forward(range(start, end), start));
    const values = y.dataSync() as Float32Array;
    y.dispose();
    if (start === 0) {
      perImage = values.length / (end - start);
      out = new Float32Array(ds.count * perImage);
    }
    out.set(values, start * perImage);
    bar.tick(end - start);
  }
  bar.finish();
  return out;
}
