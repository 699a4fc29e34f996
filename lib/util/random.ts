/**
 * Seeded pseudo-random numbers, so every draw in the project (data synthesis,
 * splits, shuffles, augmentation) is reproducible from one integer.
 *
 * @module
 */

/** A seeded generator of uniform numbers in [0, 1). */
export interface Random {
  /** Next uniform float in [0, 1). */
  next(): number;
  /** Next integer in [0, n). */
  int(n: number): number;
}

/**
 * Creates a fast 32-bit generator (mulberry32) from a seed.
 *
 * @example
 * ```ts
 * const rng = createRandom(42);
 * rng.next(); // same value on every run
 * ```
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

/**
 * Strides of the seed derivations: primes, so that the seeds derived for different epochs, steps and views of one
 * run do not collide.
 */
export const SEED_STRIDE: Readonly<{ small: number; medium: number; large: number; xlarge: number }> = Object.freeze({
  small: 7919,
  medium: 10_007,
  large: 100_003,
  xlarge: 1_000_003,
});

/**
 * The one way the project derives a seed from another: `base * stride + index`, the seed of the `index`-th stream
 * under `base` (an epoch of a run, a step of an epoch, a view of a prediction).
 *
 * @example
 * ```ts
 * import { deriveSeed, SEED_STRIDE } from "./random.ts";
 *
 * deriveSeed(3, 2, SEED_STRIDE.large); // 300011: the shuffle of epoch 2 of a run seeded 3
 * ```
 */
export function deriveSeed(base: number, index: number, stride: number): number {
  return base * stride + index;
}

/** Shuffles `items` in place (Fisher-Yates) with `rng` and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(
  items: T,
  rng: Random,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/**
 * Splits `total` into integer parts proportional to `weights` that sum to
 * exactly `total` (largest-remainder rounding).
 */
export function proportionalCounts(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new RangeError("proportionalCounts: weights must sum to a positive number");
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; missing > 0; k = (k + 1) % order.length, missing--) counts[order[k][1]]++;
  return counts;
}
