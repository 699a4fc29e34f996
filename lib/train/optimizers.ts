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

/** One per-variable state variable of a tfjs optimizer, as tfjs keeps it (private in its types). */
interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** One of an optimizer's two per-variable states: tfjs' list of it and its name suffix. */
interface SlotState {
  slots: Slot[];
  suffix: string;
}

/** One variable's update: its value `x`, its two states and its gradient `g` in, their new values out. */
type Update = (x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, g: tf.Tensor) => tf.Tensor[];

/** An {@linkcode Update} as one call of the fused `kernel`, whose inputs are `x`, the two states' `inputs` and `g`. */
function kernelUpdate(kernel: string, attrs: object, inputs: [string, string]): Update {
  return (x, a, b, g) =>
    tf.engine().runKernel(
      kernel,
      { x, [inputs[0]]: a, [inputs[1]]: b, g },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
}

/**
 * The two state variables of the `i`-th variable (named `name`) of an optimizer's updates, created as zeros on first
 * use under tfjs' names (`<variable>/<suffix>`), in tfjs' order, so that the optimizer's `getWeights` and `setWeights`
 * see what tfjs' own optimizer of that name keeps.
 */
function stateVariables(states: [SlotState, SlotState], i: number, name: string): [tf.Variable, tf.Variable] {
  const value = tf.engine().registeredVariables[name];
  return states.map((s) => {
    const slot = s.slots[i] ??= {
      originalName: `${name}/${s.suffix}`,
      variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
    };
    if (!tf.util.arraysEqual(slot.variable.shape, value.shape)) {
      throw new Error(
        `optimizer state ${i} (${slot.originalName}) has shape ${slot.variable.shape}, ${name} ${value.shape}`,
      );
    }
    return slot.variable;
  }) as [tf.Variable, tf.Variable];
}

/** Applies `variableGradients` with `update` once per variable, its states from {@linkcode stateVariables}. */
function updateEach(
  variableGradients: Parameters<tf.Optimizer["applyGradients"]>[0],
  update: Update,
  states: [SlotState, SlotState],
): void {
  const names = Array.isArray(variableGradients)
    ? variableGradients.map((v) => v.name)
    : Object.keys(variableGradients);
  tf.tidy(() => {
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      const [a, b] = stateVariables(states, i, name);
      const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (g == null) return;
      const [x2, a2, b2] = update(value, a, b, g);
      a.assign(a2);
      b.assign(b2);
      value.assign(x2);
    });
  });
}

/** The state tfjs' `AdamOptimizer` keeps (private in its types). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

/**
 * One step of {@linkcode createOptimizer}'s Adam as plain arithmetic (`adamValues` in `runtime/kernels/adam.ts`), for
 * callers that share the update out (the replicas of a data-parallel step): the step's constants, the moment
 * variables `[m, v]` of each variable named (in the order of the optimizer's updates), and `finish`, which advances
 * the optimizer's step count once every variable has its new values.
 */
export interface AdamStep {
  attrs: AdamUpdateAttrs;
  moments: [tf.Variable, tf.Variable][];
  finish(): void;
}

/**
 * tfjs' Adam, same state and formula, but each variable's update is one {@linkcode ADAM_KERNEL} kernel where the
 * backend has it (the wasm engines) instead of about thirteen; elsewhere tfjs' own update.
 */
class FusedAdam extends tf.AdamOptimizer {
  /** The two moments' states, as {@linkcode stateVariables} keeps them. */
  private states(): [SlotState, SlotState] {
    const s = this as unknown as AdamState;
    return [{ slots: s.accumulatedFirstMoment, suffix: "m" }, { slots: s.accumulatedSecondMoment, suffix: "v" }];
  }

  /** This step's {@linkcode AdamStep} for the variables `names`. */
  begin(names: string[]): AdamStep {
    const s = this as unknown as AdamState;
    const [acc1, acc2] = [s.accBeta1.dataSync()[0], s.accBeta2.dataSync()[0]];
    const attrs: AdamUpdateAttrs = {
      learningRate: s.learningRate,
      beta1: s.beta1,
      beta2: s.beta2,
      epsilon: s.epsilon,
      correction1: 1 - acc1,
      correction2: 1 - acc2,
    };
    const states = this.states();
    return {
      attrs,
      moments: names.map((name, i) => stateVariables(states, i, name)),
      finish: () => {
        tf.tidy(() => {
          s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
          s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
        });
        this.incrementIterations();
      },
    };
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]): void {
    if (!tf.getKernel(ADAM_KERNEL, tf.getBackend())) return super.applyGradients(variableGradients);
    const step = this.begin([]);
    updateEach(variableGradients, kernelUpdate(ADAM_KERNEL, step.attrs, ["m", "v"]), this.states());
    step.finish();
  }
}

/**
 * Where `optimizer`'s update can be shared out ({@linkcode createOptimizer}'s Adam on a backend with
 * {@linkcode ADAM_KERNEL}), a function that begins one step for the variables named (creating their moments if
 * needed); otherwise `null`.
 */
export function adamSteps(optimizer: tf.Optimizer): ((names: string[]) => AdamStep) | null {
  // Not `instanceof`: tfjs' optimizer classes answer it by duck typing, and every tfjs optimizer passes.
  const fused = Object.prototype.isPrototypeOf.call(FusedAdam.prototype, optimizer);
  if (!fused || !tf.getKernel(ADAM_KERNEL, tf.getBackend())) return null;
  return (names) => (optimizer as FusedAdam).begin(names);
}

/** The state tfjs' `AdadeltaOptimizer` keeps (private in its types). */
interface AdadeltaState {
  learningRate: number;
  rho: number;
  epsilon: number;
  accumulatedGrads: Slot[];
  accumulatedUpdates: Slot[];
}

/**
 * Keras' Adadelta (the report's optimizer): the step divides by the squared-gradient accumulator after this step's
 * update, `a' = rho a + (1 - rho) g²`, `u = sqrt(d + eps) / sqrt(a' + eps) g`, `d' = rho d + (1 - rho) u²`,
 * `x' = x - lr u`. tfjs' own `AdadeltaOptimizer`, whose state and names this keeps, divides by `a` instead: started from
 * zeros its two accumulators stay equal and every step is plain gradient descent, `x' = x - lr g`. Each variable's
 * update is one {@linkcode ADADELTA_KERNEL} kernel where the backend has it (the wasm engines), elsewhere the same
 * formula as tensor operations.
 */
class KerasAdadelta extends tf.AdadeltaOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdadeltaOptimizer["applyGradients"]>[0]): void {
    const s = this as unknown as AdadeltaState;
    const { learningRate: lr, rho, epsilon: eps } = s;
    const attrs: AdadeltaUpdateAttrs = { learningRate: lr, rho, epsilon: eps };
    const update: Update = tf.getKernel(ADADELTA_KERNEL, tf.getBackend())
      ? kernelUpdate(ADADELTA_KERNEL, attrs, ["accGrad", "accUpdate"])
      : (x, a, d, g) => {
        const a2 = tf.add(tf.mul(a, rho), tf.mul(tf.square(g), 1 - rho));
        const u = tf.mul(tf.div(tf.sqrt(tf.add(d, eps)), tf.sqrt(tf.add(a2, eps))), g);
        const d2 = tf.add(tf.mul(d, rho), tf.mul(tf.square(u), 1 - rho));
        return [tf.sub(x, tf.mul(u, lr)), a2, d2];
      };
    updateEach(variableGradients, update, [
      { slots: s.accumulatedGrads, suffix: "accum_grad" },
      { slots: s.accumulatedUpdates, suffix: "accum_var" },
    ]);
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
      return new KerasAdadelta(spec.learningRate ?? 1e-3, spec.rho ?? 0.95, spec.epsilon ?? 1e-7);
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
