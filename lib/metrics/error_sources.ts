/**
 * Where a model's errors come from, when each image has a clean original: an error whose clean original a
 * classifier of clean digits also gets wrong, or gets right only unsure, is an "ambiguous digit" (the digit itself
 * is hard to read); the rest are "noise-induced" (the clean digit is plain, the noise made the error).
 *
 * @example
 * ```ts
 * // Three images, labels 1 1 2; the model errs on the first two. The clean classifier is sure of the
 * // first image's 1 (probability 0.9) and reads the second as a 7: one noise-induced error, one ambiguous.
 * const clean = new Float32Array(30);
 * clean[1] = 0.9;
 * clean[10 + 7] = 0.8;
 * clean[20 + 2] = 1;
 * splitErrors([1, 1, 2], [4, 4, 2], clean); // { errors: [0, 1], ambiguous: [1], noiseInduced: [0] }
 * ```
 *
 * @module
 */

/** The indices of a model's errors, split by what a clean-digit classifier makes of their originals. */
export interface ErrorSources {
  /** Every image the model got wrong. */
  errors: number[];
  /** Errors whose clean original is misread, or read with less than `sureAt` probability on its label. */
  ambiguous: number[];
  /** Errors whose clean original is read right and sure. */
  noiseInduced: number[];
}

/**
 * Splits the errors of `predicted` against `labels` by the clean classifier's probabilities `cleanProbs` (one row
 * of `numClasses` per image, the images in the same order). A clean original counts as read sure when its label has
 * the highest probability and at least `sureAt` (default 0.5).
 */
export function splitErrors(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  cleanProbs: Float32Array,
  { sureAt = 0.5, numClasses = 10 }: { sureAt?: number; numClasses?: number } = {},
): ErrorSources {
  if (labels.length !== predicted.length || cleanProbs.length !== labels.length * numClasses) {
    throw new RangeError(
      `splitErrors: ${labels.length} labels, ${predicted.length} predictions and ` +
        `${cleanProbs.length / numClasses} rows of clean probabilities`,
    );
  }
  const out: ErrorSources = { errors: [], ambiguous: [], noiseInduced: [] };
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === labels[i]) continue;
    out.errors.push(i);
    const row = cleanProbs.subarray(i * numClasses, (i + 1) * numClasses);
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (row[c] > row[best]) best = c;
    const sure = best === labels[i] && row[best] >= sureAt;
    (sure ? out.noiseInduced : out.ambiguous).push(i);
  }
  return out;
}
