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
import { ADAM_KERNEL, type AdamUpdateAttrs } from "../runtime/kernels/adam.ts";
import { ADADELTA_KERNEL, type AdadeltaUpdateAttrs } from "../runtime/kernels/adadelta.ts";

/** An optimizer description. */
export type OptimizerSpec =
  | { name: "adadelta"; learningRate?: number; rho?: number; epsilon?: number }
  | { name: "adam"; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }
  | { name: "sgd"; learningRate?: number; momentum?: number; nesterov?: boolean };

/** The state tfjs' `AdamOptimizer` keeps (private in its types). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * tfjs' Adam, same state and formula, but each variable's update is one {@linkcode ADAM_KERNEL} kernel where the
 * backend has it (the wasm engines) instead of about thirteen; elsewhere tfjs' own update.
 */
class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]): void {
    if (!tf.getKernel(ADAM_KERNEL, tf.getBackend())) return super.applyGradients(variableGradients);
    const s = this as unknown as AdamState;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const [acc1, acc2] = [s.accBeta1.dataSync()[0], s.accBeta2.dataSync()[0]];
    const attrs: AdamUpdateAttrs = {
      learningRate: s.learningRate,
      beta1: s.beta1,
      beta2: s.beta2,
      epsilon: s.epsilon,
      correction1: 1 - acc1,
      correction2: 1 - acc2,
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        s.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        s.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (g == null) return;
        const m = s.accumulatedFirstMoment[i].variable, v = s.accumulatedSecondMoment[i].variable;
        const [x2, m2, v2] = tf.engine().runKernel(
          ADAM_KERNEL,
          { x: value, m, v, g },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(x2);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    this.incrementIterations();
  }
}

/** The state tfjs' `AdadeltaOptimizer` keeps (private in its types). */
interface AdadeltaState {
  learningRate: number;
  rho: number;
  epsilon: number;
  accumulatedGrads: { originalName: string; variable: tf.Variable }[];
  accumulatedUpdates: { originalName: string; variable: tf.Variable }[];
}

/**
 * tfjs' Adadelta, same state and formula, but each variable's update is one {@linkcode ADADELTA_KERNEL} kernel where
 * the backend has it (the wasm engines) instead of about twelve; elsewhere tfjs' own update.
 */
class FusedAdadelta extends tf.AdadeltaOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdadeltaOptimizer["applyGradients"]>[0]): void {
    if (!tf.getKernel(ADADELTA_KERNEL, tf.getBackend())) return super.applyGradients(variableGradients);
    const s = this as unknown as AdadeltaState;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const attrs: AdadeltaUpdateAttrs = { learningRate: s.learningRate, rho: s.rho, epsilon: s.epsilon };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        s.accumulatedGrads[i] ??= {
          originalName: `${name}/accum_grad`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        s.accumulatedUpdates[i] ??= {
          originalName: `${name}/accum_var`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (g == null) return;
        const accGrad = s.accumulatedGrads[i].variable, accUpdate = s.accumulatedUpdates[i].variable;
        const [x2, a2, d2] = tf.engine().runKernel(
          ADADELTA_KERNEL,
          { x: value, accGrad, accUpdate, g },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        accGrad.assign(a2);
        accUpdate.assign(d2);
        value.assign(x2);
      });
    });
    this.incrementIterations();
  }
}

/**
 * Builds an optimizer. Defaults follow Keras: Adadelta(lr 0.001, rho 0.95,
 * eps 1e-7), Adam(1e-3, 0.9, 0.999, 1e-7), SGD(0.01, momentum 0).
 */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.name) {
    case "adadelta":
      return new FusedAdadelta(spec.learningRate ?? 1e-3, spec.rho ?? 0.95, spec.epsilon ?? 1e-7);
    case "adam":
      return new FusedAdam(spec.learningRate ?? 1e-3, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-7);
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
