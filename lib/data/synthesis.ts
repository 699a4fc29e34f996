/**
 * The data synthesis of the data card (`shared/DATA.md`), in memory: how the
 * noisy digits are made. A seeded, class-balanced, non-overlapping draw of
 * training and test digits from MNIST, scaled to [0, 1], with every pixel
 * replaced by `max(digit, u)`, `u ~ Uniform[0, 1]` (the noise recipe `max`,
 * the default), or, with the noise recipe `replace`, only the background
 * pixels (digit = 0) replaced by `u` and every stroke pixel left as it was.
 * ("Recipe" alone in this project names the training recipe,
 * `lib/study/training.ts`; the data's is always the "noise recipe".)
 *
 * Writing the result as CSV lives in `generate.ts`.
 *
 * @module
 */

import { NUM_CLASSES, PIXELS } from "./dataset.ts";
import type { MnistDigits } from "./mnist.ts";
import { createRandom, proportionalCounts, shuffleInPlace } from "../util/random.ts";

/**
 * How the noise meets the digit: `max` stores `max(digit, u)` in every pixel (the data card's recipe); `replace`
 * stores `u` where the digit is 0 (background) and the digit's own value everywhere else (strokes, faint edges
 * included). Both draw one `u` per pixel from the same stream, so the two recipes of one seed share digits and noise.
 */
export type NoiseRecipe = "max" | "replace";

/** The noise recipes, the default first. */
export const NOISE_RECIPES: readonly NoiseRecipe[] = Object.freeze(["max", "replace"]);

/** `text` as a noise recipe; throws a message naming the accepted values otherwise. */
export function parseNoiseRecipe(text: string): NoiseRecipe {
  if (!(NOISE_RECIPES as readonly string[]).includes(text)) {
    throw new RangeError(`noise recipe must be one of ${NOISE_RECIPES.join(", ")}, got "${text}"`);
  }
  return text as NoiseRecipe;
}

/** Options of the data synthesis. */
export interface SynthesisOptions {
  /** Seed of every draw (default 2020). */
  seed?: number;
  /** Number of training digits (default 12,000). */
  trainCount?: number;
  /** Number of test digits (default 50,000). */
  testCount?: number;
  /** How the noise meets the digit (default `max`, the data card's). */
  recipe?: NoiseRecipe;
}

/** Default synthesis settings (the competition's sizes, the data card's noise). */
export const SYNTHESIS_DEFAULTS: Required<SynthesisOptions> = {
  seed: 2020,
  trainCount: 12_000,
  testCount: 50_000,
  recipe: "max",
};

/** The synthesis settings with defaults for every option left out or `undefined`. */
export function synthesisSettings(options: SynthesisOptions = {}): Required<SynthesisOptions> {
  return {
    seed: options.seed ?? SYNTHESIS_DEFAULTS.seed,
    trainCount: options.trainCount ?? SYNTHESIS_DEFAULTS.trainCount,
    testCount: options.testCount ?? SYNTHESIS_DEFAULTS.testCount,
    recipe: parseNoiseRecipe(options.recipe ?? SYNTHESIS_DEFAULTS.recipe),
  };
}

/** Which MNIST digits go to each split. */
export interface SynthesisDraw {
  /** Indices into the 70,000 MNIST digits, in file order. */
  train: Uint32Array;
  test: Uint32Array;
}

/**
 * Draws the training and test digits: within each class a seeded shuffle,
 * then each split takes its share of that class, so both splits keep MNIST's
 * class proportions and never share a digit. The final order is shuffled.
 */
export function drawSplits(labels: Uint8Array, options: SynthesisOptions = {}): SynthesisDraw {
  const { seed, trainCount, testCount } = synthesisSettings(options);
  if (trainCount + testCount > labels.length) {
    throw new RangeError(`synthesis: ${trainCount} + ${testCount} digits requested, only ${labels.length} available`);
  }
  const rng = createRandom(seed);
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  labels.forEach((l, i) => byClass[l].push(i));
  const sizes = byClass.map((c) => c.length);
  const trainPer = proportionalCounts(sizes, trainCount);
  const testPer = proportionalCounts(sizes, testCount);
  const train: number[] = [], test: number[] = [];
  byClass.forEach((members, c) => {
    shuffleInPlace(members, rng);
    train.push(...members.slice(0, trainPer[c]));
    test.push(...members.slice(trainPer[c], trainPer[c] + testPer[c]));
  });
  return {
    train: Uint32Array.from(shuffleInPlace(train, rng)),
    test: Uint32Array.from(shuffleInPlace(test, rng)),
  };
}

/**
 * Makes one noisy image, upright row-major: `out[p] = max(digit[p] / 255, u)`
 * under the recipe `max`; under `replace`, `u` where `digit[p]` is 0 and
 * `digit[p] / 255` elsewhere. `rng` supplies the uniform noise, one draw per
 * pixel under either recipe.
 */
export function noisyImage(
  digit: Uint8Array,
  rng: { next(): number },
  out: Float32Array = new Float32Array(PIXELS),
  recipe: NoiseRecipe = "max",
): Float32Array {
  if (recipe === "replace") {
    for (let p = 0; p < PIXELS; p++) {
      const u = rng.next();
      out[p] = digit[p] === 0 ? u : digit[p] / 255;
    }
    return out;
  }
  for (let p = 0; p < PIXELS; p++) {
    const u = rng.next();
    const v = digit[p] / 255;
    out[p] = v > u ? v : u;
  }
  return out;
}

/** Seed of the noise stream, derived from the synthesis seed. */
export function noiseSeed(seed: number): number {
  return (seed * 2654435761 + 0x9e3779b9) >>> 0;
}

/** Iterates the noisy images of one split (train first, then test, share one noise stream). */
export function* noisyImages(
  mnist: MnistDigits,
  indices: Uint32Array,
  rng: { next(): number },
  recipe: NoiseRecipe = "max",
): Generator<{ image: Float32Array; label: number; source: number }> {
  const out = new Float32Array(PIXELS);
  for (const i of indices) {
    noisyImage(mnist.images.subarray(i * PIXELS, (i + 1) * PIXELS), rng, out, recipe);
    yield { image: out, label: mnist.labels[i], source: i };
  }
}
