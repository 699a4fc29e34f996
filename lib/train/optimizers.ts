/**
 * Optimizers by name with Keras' defaults, and a uniform way to change their
 * learning rate while training (tfjs' SGD keeps it in a cached scalar).
 *
 * @example
 * ```ts
 * const opt = createOptimizer({ name: "adam", learningRate: 1e-3 });
 * setLearningRate(opt, 5e-4);
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** An optimizer description. */
export type OptimizerSpec =
  | { name: "adadelta"; learningRate?: number; rho?: number; epsilon?: number }
  | { name: "adam"; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }
  | { name: "sgd"; learningRate?: number; momentum?: number; nesterov?: boolean };

/**
 * Builds an optimizer. Defaults follow Keras: Adadelta(lr 0.001, rho 0.95,
 * eps 1e-7), Adam(1e-3, 0.9, 0.999, 1e-7), SGD(0.01, momentum 0).
 */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.name) {
    case "adadelta":
      return tf.train.adadelta(spec.learningRate ?? 1e-3, spec.rho ?? 0.95, spec.epsilon ?? 1e-7);
    case "adam":
      return tf.train.adam(spec.learningRate ?? 1e-3, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-7);
    case "sgd":
      return spec.momentum
        ? tf.train.momentum(spec.learningRate ?? 0.01, spec.momentum, spec.nesterov ?? false)
        : tf.train.sgd(spec.learningRate ?? 0.01);
  }
}

/** Sets the learning rate used by the next update of `optimizer`. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The learning rate `optimizer` currently uses. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}
