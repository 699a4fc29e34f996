/**
 * The seeded weight initialiser of the networks: each call of the returned
 * function gives the next layer a Glorot-uniform initialiser seeded
 * `seed`, `seed + 1`, … (or unseeded ones when `seed` is undefined), so a
 * network built twice with the same seed starts from the same weights.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { seededInitializer } from "./init.ts";
 *
 * const next = seededInitializer(7);
 * const layer = tf.layers.dense({ units: 4, kernelInitializer: next() }); // seed 7, the next layer gets 8
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** A Glorot-uniform initialiser per call, seeded `seed + k` for the k-th call (unseeded without a seed). */
export function seededInitializer(seed?: number): () => ReturnType<typeof tf.initializers.glorotUniform> {
  let k = 0;
  return () => tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k++ });
}
