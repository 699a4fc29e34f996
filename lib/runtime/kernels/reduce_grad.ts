/**
 * Leaner gradients for `Sum` and `Mean`: the stock ones multiply `dy` by a
 * tensor of ones of the input's shape built in JavaScript (`ones(x.shape)`:
 * a fresh array filled and copied onto the backend on every step). A
 * BatchNormalization layer in training takes its batch moments with `Mean`,
 * so each step built two such arrays per layer; on the best network's
 * 64 x 28 x 28 x 48 activations that was about a third of a training step
 * outside any kernel. Here the broadcast factor is a backend `Fill` (one
 * pass in the backend's memory), then one broadcasting `Multiply`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** The replacement gradient config for the `kernelName` reduction ("Sum" or "Mean"). */
export function reductionGradient(kernelName: "Sum" | "Mean"): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as tf.Tensor[];
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.SumAttrs).axis, x.shape);
      const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const count = axes.reduce((p, a) => p * x.shape[a], 1);
      const scale = kernelName === "Mean" ? 1 / count : 1;
      return { x: () => tf.mul(tf.reshape(dy as tf.Tensor, expanded), tf.fill(x.shape, scale, "float32")) };
    },
  };
}
