/**
 * Custom tfjs layers of the study, registered for serialization so that saved
 * models load again (import this module before loading; `cnn.ts` and the
 * training workers do).
 *
 * `PixelPowers` turns each pixel `x` into the channels `x^e` for a list of
 * exponents. Our images are `max(digit, u)` with uniform noise `u`: stroke
 * pixels sit near 1 (MNIST strokes are 253-255 of 255), while a background
 * pixel is above 0.99 only 1 % of the time. A high power keeps the strokes
 * (0.99^16 = 0.85) and crushes most of the noise (0.8^16 = 0.03), a
 * threshold that a first convolution, being linear in the pixels, cannot draw
 * by itself.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * const model = tf.sequential();
 * model.add(pixelPowers({ exponents: [1, 16], inputShape: [28, 28, 1] })); // -> [28, 28, 2]
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Options of {@linkcode pixelPowers}. */
export interface PixelPowersOptions {
  /** Exponents, one output channel per input channel and exponent (1 keeps the pixels as they are). */
  exponents: number[];
  inputShape?: number[];
  name?: string;
}

/** The `PixelPowers` layer: `[..., c]` -> `[..., c * exponents.length]`, no weights. */
export class PixelPowers extends tf.layers.Layer {
  /** Name under which the class is serialized. */
  static className = "PixelPowers";
  readonly exponents: number[];

  constructor(options: PixelPowersOptions) {
    super(options as unknown as ConstructorParameters<typeof tf.layers.Layer>[0]);
    if (!options.exponents?.length || options.exponents.some((e) => !(e > 0))) {
      throw new Error(`PixelPowers: exponents must be positive numbers, got ${JSON.stringify(options.exponents)}`);
    }
    this.exponents = [...options.exponents];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    const c = s[s.length - 1];
    return [...s.slice(0, -1), c === null ? null : c * this.exponents.length];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const parts = this.exponents.map((e) => (e === 1 ? x : tf.pow(x, e)));
      return parts.length === 1 ? parts[0] : tf.concat(parts, -1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), exponents: this.exponents };
  }
}
tf.serialization.registerClass(PixelPowers);

/** Builds a {@linkcode PixelPowers} layer. */
export function pixelPowers(options: PixelPowersOptions): PixelPowers {
  return new PixelPowers(options);
}
