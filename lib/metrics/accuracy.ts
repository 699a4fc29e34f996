/**
 * Accuracy: the share of predictions equal to the truth.
 *
 * @module
 */

/**
 * Fraction of positions where `predicted` equals `truth`.
 *
 * @example
 * ```ts
 * accuracy([1, 2, 3], [1, 2, 0]); // 0.666…
 * ```
 */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (truth.length !== predicted.length) {
    throw new RangeError(`length mismatch: ${truth.length} labels vs ${predicted.length} predictions`);
  }
  if (truth.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return hits / truth.length;
}
