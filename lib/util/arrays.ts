/**
 * Arithmetic on plain arrays shared by the layers above.
 *
 * @module
 */

/**
 * `sum_k shares[k] * parts[k]`, element by element, accumulated in double precision, so that a float32 result is
 * rounded once however many parts there are (summing into float32 rounds after each part, and parts that nearly cancel
 * lose digits). How the gradients of three or more replicas are combined.
 *
 * @example
 * ```ts
 * weightedSum64([[1, 2], [3, 4], [5, 6]], [0.5, 0.25, 0.25]); // Float64Array [2.5, 3.5]
 * ```
 */
export function weightedSum64(parts: ArrayLike<number>[], shares: number[]): Float64Array {
  if (parts.length !== shares.length) {
    throw new RangeError(`weightedSum64: ${parts.length} parts, ${shares.length} shares`);
  }
  const n = parts[0]?.length ?? 0, out = new Float64Array(n);
  parts.forEach((p, k) => {
    if (p.length !== n) throw new RangeError(`weightedSum64: parts of ${p.length} and ${n} values`);
    const s = shares[k];
    for (let i = 0; i < n; i++) out[i] += p[i] * s;
  });
  return out;
}

/**
 * Where each of parts of `sizes` values starts when they lie one after another in one flat array, and, last, the total:
 * `[0, s0, s0 + s1, ...]`. How the flat buffers of a model's variables are laid out.
 *
 * @example
 * ```ts
 * runningTotals([3, 1, 2]); // [0, 3, 4, 6]
 * ```
 */
export function runningTotals(sizes: number[]): number[] {
  const out = [0];
  for (const n of sizes) out.push(out[out.length - 1] + n);
  return out;
}
