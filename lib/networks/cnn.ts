/**
 * The report's convolutional networks as typed tfjs-layers builders, plus a
 * Keras-style summary table. Inputs are NHWC `[n, 28, 28, 1]` images with
 * values in [0, 1] (see `lib/runtime/tensors.ts`), outputs softmax class
 * probabilities.
 *
 * @example
 * ```ts
 * import { initBackend } from "../runtime/backend.ts";
 * import { fourConvCnn, summary } from "./cnn.ts";
 * await initBackend();
 * const model = fourConvCnn({ seed: 1 });
 * console.log(summary(model)); // Total params: 273,686
 * ```
 *
 * @module
 */

import { seededInitializer } from "./init.ts";
import * as tf from "@tensorflow/tfjs";
import { IMAGE_SIZE, NUM_CLASSES } from "../data/dataset.ts";
import { pixelPowers } from "./layers.ts";

/** Options shared by the CNN builders. */
export interface CnnOptions {
  /** Seed of the weight initialisers (default: unseeded, like Keras). */
  seed?: number;
  /** Model name shown by {@linkcode summary}. */
  name?: string;
  /**
   * Momentum of the BatchNormalization moving statistics (default 0.99, Keras'
   * default and the report's). Short trainings do better with 0.9: at 0.99 the
   * moving variance still remembers its initial 1 after a few hundred steps.
   */
  batchNormMomentum?: number;
}

/** Options of {@linkcode fourConvCnn}. */
export interface FourConvCnnOptions extends CnnOptions {
  /** Units of the hidden dense layer (default 100, the report's; section 8 suggests doubling it). */
  denseUnits?: number;
  /**
   * Input channels as powers of the pixels (see `layers.ts`), e.g. `[1, 16]`: the pixels and a
   * noise-suppressed copy. Default: none, the report's single raw channel.
   */
  inputPowers?: number[];
}

function initializers(seed: number | undefined) {
  const next = seededInitializer(seed);
  return () => ({ kernelInitializer: next() });
}

/** Keras-style layer names local to one model: conv2d, conv2d_1, dropout, ... */
function namer() {
  const seen = new Map<string, number>();
  return (base: string) => {
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return { name: k === 0 ? base : `${base}_${k}` };
  };
}

const INPUT_SHAPE = [IMAGE_SIZE, IMAGE_SIZE, 1];

/**
 * The simple CNN of the report's section 6.1: Conv2D(32, 3x3, relu),
 * Conv2D(64, 3x3, relu), MaxPooling(2), Dropout(0.125), Flatten,
 * Dense(128, relu), Dropout(0.25), Dense(10, softmax); 1,199,882 parameters.
 */
export function simpleCnn(options: CnnOptions = {}): tf.Sequential {
  const init = initializers(options.seed), n = namer();
  const model = tf.sequential({ name: options.name ?? "simple_cnn" });
  model.add(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      activation: "relu",
      inputShape: INPUT_SHAPE,
      ...init(),
      ...n("conv2d"),
    }),
  );
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", ...init(), ...n("conv2d") }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, ...n("max_pooling2d") }));
  model.add(tf.layers.dropout({ rate: 0.125, ...n("dropout") }));
  model.add(tf.layers.flatten(n("flatten")));
  model.add(tf.layers.dense({ units: 128, activation: "relu", ...init(), ...n("dense") }));
  model.add(tf.layers.dropout({ rate: 0.25, ...n("dropout") }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: "softmax", ...init(), ...n("dense") }));
  return model;
}

/**
 * The 4-conv CNN of the report's section 6.3: two blocks of two
 * same-padded 3x3 relu convolutions (64 then 128 filters), each block
 * followed by BatchNormalization, MaxPooling(2) and Dropout(0.05); then
 * GlobalAveragePooling, Dropout(0.125), Dense(100) (linear, as in the
 * report), Dropout(0.25), Dense(10, softmax) named "predictions".
 * 273,686 parameters, 384 of them non-trainable (BatchNorm moving stats).
 */
export function fourConvCnn(options: FourConvCnnOptions = {}): tf.Sequential {
  const init = initializers(options.seed), n = namer();
  const model = tf.sequential({ name: options.name ?? "four_conv_cnn" });
  addConvBlocks(model, [64, 128], { ...options, poolLast: true }, init, n);
  model.add(tf.layers.globalAveragePooling2d(n("global_average_pooling2d")));
  model.add(tf.layers.dropout({ rate: 0.125, ...n("dropout") }));
  model.add(tf.layers.dense({ units: options.denseUnits ?? 100, ...init(), ...n("dense") }));
  model.add(tf.layers.dropout({ rate: 0.25, ...n("dropout") }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: "softmax", name: "predictions", ...init() }));
  return model;
}

/** Options of {@linkcode threeBlockCnn}. */
export interface ThreeBlockCnnOptions extends CnnOptions {
  /** Filters of the three blocks (default `[48, 96, 192]`). */
  widths?: [number, number, number];
  /** Input channels as powers of the pixels, as in {@linkcode FourConvCnnOptions} (default: raw pixels). */
  inputPowers?: number[];
}

/**
 * A deeper relative of the report's 4-conv CNN: three blocks of two same-padded
 * 3x3 relu convolutions (48, 96, 192 filters by default) with BatchNormalization,
 * MaxPooling(2) and Dropout(0.05) after the first two blocks and BatchNormalization
 * after the third, then GlobalAveragePooling, Dropout(0.125) and Dense(10, softmax).
 * The third block reads the 7x7 maps, so the features that are averaged see
 * most of the digit (the 4-conv CNN averages 7x7 maps with a 16-pixel view).
 * Fewer filters at full resolution keep it as fast as the 4-conv CNN despite the
 * extra block (`deno task bench train`, one core, 2026-12-04: 278.8 images/s at
 * 48-96-192 against 247.0). 647,626 parameters with pixel powers [1, 16].
 */
export function threeBlockCnn(options: ThreeBlockCnnOptions = {}): tf.Sequential {
  const init = initializers(options.seed), n = namer();
  const model = tf.sequential({ name: options.name ?? "three_block_cnn" });
  addConvBlocks(model, options.widths ?? [48, 96, 192], { ...options, poolLast: false }, init, n);
  model.add(tf.layers.globalAveragePooling2d(n("global_average_pooling2d")));
  model.add(tf.layers.dropout({ rate: 0.125, ...n("dropout") }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: "softmax", name: "predictions", ...init() }));
  return model;
}

/**
 * Adds the optional pixel-powers input, then one block per width: two same-padded 3x3 relu convolutions and
 * BatchNormalization, followed by MaxPooling(2) and Dropout(0.05) except after the last block unless `poolLast`.
 */
function addConvBlocks(
  model: tf.Sequential,
  widths: number[],
  options: { inputPowers?: number[]; batchNormMomentum?: number; poolLast: boolean },
  init: ReturnType<typeof initializers>,
  n: ReturnType<typeof namer>,
) {
  const powers = options.inputPowers;
  if (powers) model.add(pixelPowers({ exponents: powers, inputShape: INPUT_SHAPE, ...n("pixel_powers") }));
  widths.forEach((filters, b) => {
    for (let k = 0; k < 2; k++) {
      model.add(tf.layers.conv2d({
        filters,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        ...(b === 0 && k === 0 && !powers ? { inputShape: INPUT_SHAPE } : {}),
        ...init(),
        ...n("conv2d"),
      }));
    }
    model.add(
      tf.layers.batchNormalization({ momentum: options.batchNormMomentum ?? 0.99, ...n("batch_normalization") }),
    );
    if (b < widths.length - 1 || options.poolLast) {
      model.add(tf.layers.maxPooling2d({ poolSize: 2, ...n("max_pooling2d") }));
      model.add(tf.layers.dropout({ rate: 0.05, ...n("dropout") }));
    }
  });
}

/** Names of the builders, for code that picks one by name (workers, checkpoints). */
export const CNN_BUILDERS = { simple: simpleCnn, fourConv: fourConvCnn, threeBlock: threeBlockCnn } as const;

/** A builder name of {@linkcode CNN_BUILDERS}. */
export type CnnName = keyof typeof CNN_BUILDERS;

/** Parameter counts of a model. */
export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

/** Counts a model's parameters, Keras-style. */
export function countParams(model: tf.LayersModel): ParamCounts {
  const sum = (ws: tf.LayerVariable[]) =>
    ws.reduce((s, w) => s + (w.shape as (number | null)[]).reduce((a: number, b) => a * (b ?? 1), 1), 0);
  const trainable = sum(model.trainableWeights);
  const nonTrainable = sum(model.nonTrainableWeights);
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Keras-style summary table of a sequential model: one row per layer with
 * its name and type, output shape and parameter count, then the totals.
 */
export function summary(model: tf.LayersModel): string {
  const rows = model.layers.map((layer) => {
    const shape = layer.outputShape as (number | null)[];
    return [
      `${layer.name} (${layer.getClassName()})`,
      `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")})`,
      fmtInt(layer.countParams()),
    ];
  });
  const head = ["Layer (type)", "Output Shape", "Param #"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const line = (r: string[]) => r[0].padEnd(w[0]) + r[1].padEnd(w[1]) + r[2].padStart(w[2]);
  const width = w[0] + w[1] + w[2];
  const p = countParams(model);
  return [
    `Model: "${model.name}"`,
    "_".repeat(width),
    line(head),
    "=".repeat(width),
    ...rows.flatMap((r, i) => [line(r), i < rows.length - 1 ? "_".repeat(width) : "=".repeat(width)]),
    `Total params: ${fmtInt(p.total)}`,
    `Trainable params: ${fmtInt(p.trainable)}`,
    `Non-trainable params: ${fmtInt(p.nonTrainable)}`,
    "_".repeat(width),
  ].join("\n");
}
