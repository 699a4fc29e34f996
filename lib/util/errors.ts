/**
 * Errors shared by the estimators of every layer.
 *
 * @example
 * ```ts
 * import { NotFittedError } from "./errors.ts";
 *
 * try {
 *   throw new NotFittedError("SVC");
 * } catch (e) {
 *   if (e instanceof NotFittedError) console.log(e.message); // "SVC is not fitted: call fit first"
 * }
 * ```
 *
 * @module
 */

/** Thrown when a fitted model's state is read (predict, transform, save) before `fit`. */
export class NotFittedError extends Error {
  constructor(estimator: string) {
    super(`${estimator} is not fitted: call fit first`);
    this.name = "NotFittedError";
  }
}
