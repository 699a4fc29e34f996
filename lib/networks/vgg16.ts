/**
 * VGG16 for transfer learning (report section 6.2): the convolutional base
 * (13 convolutions of 3x3 with ReLU and 'same' padding in 5 blocks, a 2x2
 * max-pool after each block: 14,714,688 parameters at 32x32x3, Keras' layer
 * names), the report's classification head, the conversion of 28x28 digits to
 * 32x32x3 inputs, and the loading of pre-trained weights from a local tfjs
 * layers-model file (`model.json` + weight shards), copied layer by layer.
 *
 * ImageNet weights cannot be downloaded here; without a file the base keeps
 * its seeded random (Glorot-uniform) weights.
 *
 * @module
 */

import { type Dataset, imageAt } from "../data/dataset.ts";
import { tf } from "../runtime/backend.ts";
import { type ModelFileContents, readModelFiles } from "../runtime/model_files.ts";
import { SavedFileError } from "../util/fs.ts";

/** Filters per block of VGG16 and convolutions per block. */
export const VGG16_BLOCKS: ReadonlyArray<{ filters: number; convs: number }> = [
  { filters: 64, convs: 2 },
  { filters: 128, convs: 2 },
  { filters: 256, convs: 3 },
  { filters: 512, convs: 3 },
  { filters: 512, convs: 3 },
];

/** Parameters of the VGG16 base (any input size with 3 channels). */
export const VGG16_BASE_PARAMS = 14_714_688;

/** Options of {@linkcode vgg16Base}. */
export interface Vgg16BaseOptions {
  /** Input `[height, width, channels]` (default [32, 32, 3], the smallest VGG16 accepts). */
  inputShape?: [number, number, number];
  /** Seed of the random initial weights (default 1); layer `i` uses `seed + i`. */
  seed?: number;
  /** Freeze the base (default true: transfer learning trains the head only). */
  frozen?: boolean;
}

/**
 * Builds the VGG16 convolutional base with Keras' layer names (`block1_conv1`
 * ... `block5_pool`), seeded Glorot-uniform kernels and zero biases.
 */
export function vgg16Base(options: Vgg16BaseOptions = {}): tf.Sequential {
  const inputShape = options.inputShape ?? [32, 32, 3];
  const seed = options.seed ?? 1;
  const model = tf.sequential({ name: "vgg16" });
  let layer = 0;
  VGG16_BLOCKS.forEach(({ filters, convs }, b) => {
    for (let c = 0; c < convs; c++) {
      model.add(tf.layers.conv2d({
        ...(layer === 0 ? { inputShape } : {}),
        name: `block${b + 1}_conv${c + 1}`,
        filters,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + layer }),
        biasInitializer: "zeros",
      }));
      layer++;
    }
    model.add(tf.layers.maxPooling2d({ name: `block${b + 1}_pool`, poolSize: 2, strides: 2 }));
  });
  model.trainable = !(options.frozen ?? true);
  return model;
}

/** Options of {@linkcode vgg16Head}; the defaults are the report's head (section 6.2). */
export interface VggHeadOptions {
  /** Shape of one feature map of the base (default [1, 1, 512], VGG16 at 32x32). */
  inputShape?: number[];
  /** Dropout after Flatten (default 0.125). */
  dropout1?: number;
  /** Units of the hidden dense layer (default 100). */
  hidden?: number;
  /** Activation of the hidden layer (default "linear": the report's `Dense(100)` names none). */
  hiddenActivation?: "linear" | "relu";
  /** Dropout after the hidden layer (default 0.5). */
  dropout2?: number;
  /** Output classes (default 10). */
  classes?: number;
  /** Seed of the initial weights (default 7). */
  seed?: number;
}

/**
 * The report's head on VGG16 features: Flatten, Dropout(0.125), Dense(100),
 * Dropout(0.5), Dense(10, softmax) named `predictions`. Returned uncompiled;
 * the report compiled it with categorical cross-entropy and SGD at 1e-4.
 */
export function vgg16Head(options: VggHeadOptions = {}): tf.Sequential {
  const seed = options.seed ?? 7;
  const model = tf.sequential({ name: "vgg16_head" });
  model.add(tf.layers.flatten({ inputShape: options.inputShape ?? [1, 1, 512], name: "flatten" }));
  model.add(tf.layers.dropout({ rate: options.dropout1 ?? 0.125, name: "dropout_1", seed }));
  model.add(tf.layers.dense({
    units: options.hidden ?? 100,
    activation: options.hiddenActivation ?? "linear",
    name: "fc_1",
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  }));
  model.add(tf.layers.dropout({ rate: options.dropout2 ?? 0.5, name: "dropout_2", seed: seed + 1 }));
  model.add(tf.layers.dense({
    units: options.classes ?? 10,
    activation: "softmax",
    name: "predictions",
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
  }));
  return model;
}

/** Options of {@linkcode toVggInput}. */
export interface VggInputOptions {
  /**
   * How 28x28 becomes 32x32 (default "pad"): "pad" adds 2 pixels on each
   * side, keeping every pixel and the noise texture as they are; "resize"
   * resamples bilinearly, which stretches the digit and smooths the noise.
   */
  mode?: "pad" | "resize";
  /** Value of the padding pixels, on the [0, 1] scale (default 0.5, the mean of the noisy background). */
  padValue?: number;
  /**
   * Input scaling (default "caffe", what Keras' `vgg16.preprocess_input` does
   * and ImageNet weights expect): pixels scaled to 0-255, then the ImageNet
   * channel means (B, G, R: 103.939, 116.779, 123.68) subtracted. "none"
   * keeps [0, 1]. "caffe-unscaled" subtracts the means from [0, 1] pixels
   * without scaling, which is what `preprocess_input` does to data already
   * divided by 255: every input is then about -110 give or take 1, so all
   * images look almost alike to the base (a likely cause of the report's
   * below-chance score, to check in notebook 05).
   */
  preprocess?: "caffe" | "caffe-unscaled" | "none";
  /** First image (default 0). */
  start?: number;
  /** Number of images (default: to the end). */
  count?: number;
}

/** ImageNet channel means in Keras' "caffe" mode, in BGR order. */
export const IMAGENET_BGR_MEANS: readonly [number, number, number] = [103.939, 116.779, 123.68];

/**
 * Turns images `[start, start + count)` of a row-major `Dataset` into a
 * `[count, 32, 32, 3]` tensor, the grey channel repeated three times (the
 * caller owns the tensor).
 */
export function toVggInput(ds: Dataset, options: VggInputOptions = {}): tf.Tensor4D {
  const start = options.start ?? 0;
  const count = options.count ?? ds.count - start;
  const { height: h, width: w } = ds;
  const mode = options.mode ?? "pad";
  return tf.tidy(() => {
    let x: tf.Tensor4D;
    if (mode === "pad") {
      const pad = options.padValue ?? 0.5;
      const size = 32, top = (size - h) >> 1, left = (size - w) >> 1;
      const out = new Float32Array(count * size * size).fill(pad);
      for (let n = 0; n < count; n++) {
        const image = imageAt(ds, start + n);
        for (let r = 0; r < h; r++) {
          out.set(image.subarray(r * w, (r + 1) * w), n * size * size + (r + top) * size + left);
        }
      }
      x = tf.tensor4d(out, [count, size, size, 1]);
    } else {
      const pixels = new Float32Array(count * h * w);
      for (let n = 0; n < count; n++) pixels.set(imageAt(ds, start + n), n * h * w);
      x = tf.image.resizeBilinear(tf.tensor4d(pixels, [count, h, w, 1]), [32, 32]);
    }
    const rgb = tf.tile(x, [1, 1, 1, 3]);
    const preprocess = options.preprocess ?? "caffe";
    if (preprocess === "none") return rgb as tf.Tensor4D;
    // Grey in all three channels: the RGB -> BGR swap changes nothing, only the means' order matters.
    const scaled = preprocess === "caffe" ? tf.mul(rgb, 255) : rgb;
    return tf.sub(scaled, tf.tensor1d(IMAGENET_BGR_MEANS as unknown as number[])) as tf.Tensor4D;
  });
}

/** The weights of the layers-model file at `modelJsonPath`, read strictly; every error says it was that file. */
async function readWeightsOf(modelJsonPath: string): Promise<ModelFileContents> {
  try {
    return await readModelFiles(modelJsonPath);
  } catch (e) {
    if (!(e instanceof SavedFileError)) throw e;
    const problem = e.message.slice(e.file.length + 2), which = e.file === modelJsonPath ? "" : ` ${modelJsonPath}`;
    throw new SavedFileError(e.file, `cannot read tfjs model file${which}: ${problem}`);
  }
}

/** What {@linkcode loadVggWeights} copied. */
export interface LoadReport {
  /** Layers whose weights were set. */
  layers: string[];
  /** Weights in the file that no layer of the model took (e.g. a classifier top). */
  unused: string[];
}

/** The `layer/weight` part of a weight name, without model prefixes or tfjs' uniquifying suffixes. */
function weightKey(name: string): string {
  const parts = name.split("/");
  const tail = parts.slice(-2).join("/");
  return tail.replace(/_\d+$/, "");
}

/**
 * Copies weights from a local tfjs layers-model file into `model`, layer by
 * layer, matching `layerName/weightName` (e.g. `block1_conv1/kernel`) and
 * checking shapes. Throws, naming the layer, when a weight is missing or its
 * shape differs; weights of the file the model has no layer for (a VGG16 saved
 * with its top) are listed in the result, not an error.
 */
export async function loadVggWeights(model: tf.LayersModel, modelJsonPath: string): Promise<LoadReport> {
  const { weightSpecs, weightData } = await readWeightsOf(modelJsonPath);
  const named = tf.io.decodeWeights(weightData, weightSpecs);
  const byKey = new Map<string, tf.Tensor>();
  for (const [name, t] of Object.entries(named)) byKey.set(weightKey(name), t);
  const used = new Set<string>();
  const plan: { layer: tf.layers.Layer; values: tf.Tensor[] }[] = [];
  try {
    for (const layer of model.layers) {
      const weights = layer.weights;
      if (weights.length === 0) continue;
      const values = weights.map((w) => {
        const key = `${layer.name}/${weightKey(w.originalName).split("/").pop()}`;
        const t = byKey.get(key);
        if (!t) {
          throw new Error(`loadVggWeights: ${modelJsonPath} has no weight "${key}" for layer ${layer.name}`);
        }
        if (!tf.util.arraysEqual(t.shape, w.shape as number[])) {
          throw new Error(
            `loadVggWeights: shape mismatch for ${key}: file has [${t.shape}], layer ${layer.name} needs [${w.shape}]`,
          );
        }
        used.add(key);
        return t;
      });
      plan.push({ layer, values });
    }
    for (const { layer, values } of plan) layer.setWeights(values);
  } finally {
    tf.dispose(Object.values(named));
  }
  return { layers: plan.map((p) => p.layer.name), unused: [...byKey.keys()].filter((k) => !used.has(k)) };
}
