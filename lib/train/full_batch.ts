/**
 * Full-batch training on a CPU: one update per epoch from the gradient of the
 * whole training set, as the report's Keras runs did with `batch_size` set to
 * the training set's size. The whole set does not fit in one forward pass
 * here, so the fit loop computes it in slices (`batchSize`) and
 * {@linkcode FullBatchOptimizer} sums their gradients, weighted by slice size,
 * and applies the mean once, after the epoch's last slice: the same update as
 * one batch of every image.
 *
 * @example
 * ```ts
 * import type * as tf from "@tensorflow/tfjs";
 * import type { Dataset } from "../data/dataset.ts";
 * import { fit } from "./fit.ts";
 * declare const model: tf.LayersModel, train: Dataset;
 * const optimizer = fullBatchOptimizer({ name: "adadelta", learningRate: 0.01 }, train.count);
 * await fit(model, train, { epochs: 3, batchSize: optimizer.sliceSize, optimizer, shuffle: false });
 * optimizer.dispose();
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

type NamedTensor = { name: string; tensor: tf.Tensor };
import { createOptimizer, getLearningRate, type OptimizerSpec, setLearningRate } from "./optimizers.ts";

/**
 * Wraps an optimizer so that it updates once every `ceil(count / sliceSize)` calls of `applyGradients`, with the
 * mean of those calls' gradients weighted by the size of their slice (`sliceSize`, the last one what is left).
 * Its state (saved with checkpoints) is the wrapped optimizer's; a checkpoint taken at the end of an epoch loses
 * nothing.
 */
export class FullBatchOptimizer extends tf.Optimizer {
  /** Serialization name. */
  static get className(): string {
    return "FullBatchOptimizer";
  }
  /** Slices per update. */
  readonly slices: number;
  #sums: tf.NamedTensorMap = {};
  #seen = 0;

  /**
   * @param inner the optimizer that applies the update (owned: disposed with this one)
   * @param count images in the full batch
   * @param sliceSize images per call of `applyGradients`
   */
  constructor(readonly inner: tf.Optimizer, readonly count: number, readonly sliceSize: number) {
    super();
    if (!(Number.isInteger(count) && count > 0 && Number.isInteger(sliceSize) && sliceSize > 0)) {
      throw new Error(`FullBatchOptimizer: count and sliceSize must be positive integers, got ${count}, ${sliceSize}`);
    }
    this.slices = Math.ceil(count / sliceSize);
  }

  /** The wrapped optimizer's learning rate (what the fit loop's schedules read and set). */
  get learningRate(): number {
    return getLearningRate(this.inner);
  }
  set learningRate(lr: number) {
    setLearningRate(this.inner, lr);
  }

  /** Adds one slice's gradients; applies the full batch's mean after the last slice of the batch. */
  applyGradients(gradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named: tf.NamedTensorMap = Array.isArray(gradients)
      ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor]))
      : gradients;
    const index = this.#seen;
    const weight = Math.min(this.sliceSize, this.count - index * this.sliceSize) / this.count;
    for (const [name, g] of Object.entries(named)) {
      const previous = this.#sums[name];
      this.#sums[name] = tf.keep(tf.tidy(() => previous ? tf.add(previous, tf.mul(g, weight)) : tf.mul(g, weight)));
      previous?.dispose();
    }
    this.#seen++;
    if (this.#seen < this.slices) return;
    this.inner.applyGradients(this.#sums);
    tf.dispose(Object.values(this.#sums));
    this.#sums = {};
    this.#seen = 0;
  }

  /** Updates applied so far (the wrapped optimizer's iterations). */
  get updates(): number {
    return this.inner.iterations;
  }

  override getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override setWeights(weights: NamedTensor[]): Promise<void> {
    return this.inner.setWeights(weights);
  }

  override dispose(): void {
    tf.dispose(Object.values(this.#sums));
    this.#sums = {};
    this.inner.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { count: this.count, sliceSize: this.sliceSize, inner: this.inner.getClassName() };
  }
}

/**
 * A {@linkcode FullBatchOptimizer} over `spec` for a training set of `count` images, in slices of at most
 * `maxSlice` images (default 128) of near-equal size.
 */
export function fullBatchOptimizer(spec: OptimizerSpec, count: number, maxSlice = 128): FullBatchOptimizer {
  const slices = Math.ceil(count / maxSlice);
  return new FullBatchOptimizer(createOptimizer(spec), count, Math.ceil(count / slices));
}
