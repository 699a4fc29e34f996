/**
 * The shape every estimator of the study shares (scikit-learn's):
 * hyperparameters given to the constructor and kept as given (frozen), and a
 * fitted state that is read-only and guarded by {@linkcode NotFittedError}.
 * `SVC` and `PCA` extend {@linkcode Estimator}; runtime handles (worker pools,
 * progress, callbacks) go to their `fit` options, never to the constructor.
 *
 * @example
 * ```ts
 * import { Estimator } from "./estimator.ts";
 *
 * class Mean extends Estimator<{ bias?: number }, { mean: number }> {
 *   constructor(options: { bias?: number } = {}) {
 *     super("Mean", options);
 *   }
 *   fit(x: number[]): this {
 *     this.setState({ mean: x.reduce((a, b) => a + b, 0) / x.length + (this.options.bias ?? 0) });
 *     return this;
 *   }
 * }
 * new Mean({ bias: 1 }).fit([1, 3]).state.mean; // 3
 * ```
 *
 * @module
 */

import { NotFittedError } from "./errors.ts";

/** Hyperparameters `O` kept as given; fitted state `S`, read-only once set. */
export abstract class Estimator<O extends object, S extends object> {
  /** The hyperparameters, as given to the constructor (defaults are applied by `fit`). */
  readonly options: Readonly<O>;
  readonly #name: string;
  #state: Readonly<S> | null = null;

  protected constructor(name: string, options: O) {
    this.#name = name;
    this.options = Object.freeze({ ...options });
  }

  /** True once fitted (or built from a saved state). */
  get fitted(): boolean {
    return this.#state !== null;
  }

  /** The fitted state, frozen (throws {@linkcode NotFittedError} before `fit`). */
  get state(): Readonly<S> {
    if (!this.#state) throw new NotFittedError(this.#name);
    return this.#state;
  }

  /** Sets the fitted state (by `fit`, or when a saved model is loaded); it is frozen from then on. */
  protected setState(state: S): void {
    this.#state = Object.freeze({ ...state });
  }
}
