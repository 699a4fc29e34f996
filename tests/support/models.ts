/**
 * Test support: the smallest trainable network, a flatten and a seeded
 * softmax layer over ten classes.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Flatten `inputShape`, then a dense softmax of 10 units with seeded Glorot weights. */
export function softmaxHead(inputShape: number[], seed: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape }));
  m.add(
    tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
  );
  return m;
}
