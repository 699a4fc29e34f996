/**
 * A leaner gradient for `FusedBatchNorm` (what tfjs-layers' BatchNormalization
 * runs): broadcasts per-channel factors instead of materialising them with
 * `Tile` (slow on wasm: a quarter of a training step of the 4-conv CNN),
 * and reduces `dy` and `dy * (x - mean)` once each, sharing them between the
 * mean, variance, scale and offset gradients.
 *
 * With `k = scale / sqrt(var + eps)`, `S1 = Σ dy`, `S2 = Σ dy (x - mean)` over
 * the broadcast axes: `dx = dy k`, `dmean = -k S1`, `dvar = -k S2 / (2 (var + eps))`,
 * `dscale = S2 / sqrt(var + eps)`, `doffset = S1`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** The replacement gradient config for the `FusedBatchNorm` kernel. */
export const fusedBatchNormGradient: tf.GradConfig = {
  kernelName: "FusedBatchNorm",
  inputsToSave: ["x", "mean", "variance", "scale"],
  gradFunc: (dy, saved, attrs) => {
    const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
    const [x, mean, variance, scale] = saved as tf.Tensor[];
    const dyT = dy as tf.Tensor;
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => tf.reshape(axes.length ? tf.sum(t, axes) : t, mean.shape);
    // Shared terms are computed here, not in the closures: the engine runs
    // each closure in its own tidy, which would free a memoised tensor.
    const rstd = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
    const k = scale ? tf.mul(rstd, scale) : rstd;
    const s1 = reduce(dyT);
    const s2 = reduce(tf.mul(dyT, tf.sub(x, mean)));
    return {
      x: () => tf.reshape(tf.mul(dyT, k), x.shape),
      mean: () => tf.neg(tf.mul(k, s1)),
      variance: () => tf.mul(tf.mul(k, s2), tf.mul(tf.square(rstd), tf.scalar(-0.5))),
      scale: () => tf.reshape(tf.mul(s2, rstd), mean.shape),
      offset: () => tf.clone(s1),
    };
  },
};
