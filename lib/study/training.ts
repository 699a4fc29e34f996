/**
 * The CPU training recipe of the study, in one place: Adam with a one-cycle
 * learning rate peaking at 3e-3, label smoothing 0.1, batch 64, BatchNorm
 * momentum 0.9, both cores in data-parallel training, and the report's 4-conv
 * CNN by default (see notebook 06 for how it differs from the report's 5,000
 * epochs of Adadelta). Models are trained once per recipe, data and profile,
 * and reloaded from `outputs/models/<name>/` afterwards.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset.ts";
import { fourConvCnn, simpleCnn, threeBlockCnn } from "../networks/cnn.ts";
import type { FitOptions } from "../train/fit.ts";
import { helperWorkers } from "../train/parallel.ts";
import { type TrainedModel, trainOrLoad } from "../train/reuse.ts";
import { oneCycle } from "../train/schedules.ts";
import { asFitTransform, type AugmentOptions, createAugmenter, REPORT_AUGMENTATION } from "../train/augment.ts";
import { type AugmentationPlan, describeGeometry, digitAugmentationPlan } from "../train/fresh_noise.ts";
import type { Split } from "../data/split.ts";

/** Name of the recipe in the keys of saved models. */
export const RECIPE_NAME = "adam-onecycle-3e-3-ls0.1-bn0.9";

/** Options of {@linkcode trainWithRecipe}. */
export interface RecipeRunOptions {
  /** Images to train on. */
  train: Dataset;
  /** Held-out images scored after every epoch (optional). */
  validation?: Dataset;
  epochs: number;
  /** Run profile, part of the saved model's key. */
  profile: string;
  /** Seed of the weights, shuffling and augmentation draws (default 3). */
  seed?: number;
  /** The network (default: the report's 4-conv CNN with BatchNorm momentum 0.9, seeded). */
  build?: () => tf.LayersModel;
  /** Names what `build` makes when it is not the default, so that a change retrains. */
  variant?: string;
  /** Fit options that replace the recipe's (transform, schedule, ...); their names enter the key. */
  extra?: Partial<FitOptions>;
}

/** The recipe's fit options for `epochs` epochs (a one-cycle schedule over all of them). */
export function recipeFitOptions(epochs: number, seed = 3): FitOptions {
  return {
    epochs,
    batchSize: 64,
    optimizer: { name: "adam" },
    schedule: oneCycle({ maxLr: 3e-3 }),
    labelSmoothing: 0.1,
    workers: helperWorkers(),
    seed,
  };
}

/** Trains a network with the recipe under `name`, or reloads it when the same run was saved before. */
export function trainWithRecipe(name: string, options: RecipeRunOptions): Promise<TrainedModel> {
  const seed = options.seed ?? 3, extra = options.extra ?? {};
  return trainOrLoad(name, {
    build: options.build ?? (() => fourConvCnn({ seed, batchNormMomentum: 0.9 })),
    train: options.train,
    fit: { ...recipeFitOptions(options.epochs, seed), validation: options.validation, ...extra },
    profile: options.profile,
    key: {
      recipe: RECIPE_NAME,
      epochs: options.epochs,
      profile: options.profile,
      extra: Object.keys(extra),
      ...(options.variant ? { variant: options.variant } : {}),
    },
  });
}

/**
 * Input channels of the study's best network: the pixels and their 16th power, a copy with most of the noise
 * crushed (see `lib/networks/layers.ts`).
 */
export const BEST_INPUT_POWERS: readonly number[] = Object.freeze([1, 16]);

/** The report's 4-conv CNN reading {@linkcode BEST_INPUT_POWERS} (BatchNorm momentum 0.9, as in the recipe). */
export function powersCnn(seed: number): tf.LayersModel {
  return fourConvCnn({ seed, batchNormMomentum: 0.9, inputPowers: [...BEST_INPUT_POWERS] });
}

/** Variant name of {@linkcode powersCnn} in the keys of saved models. */
export const POWERS_VARIANT = `powers-${BEST_INPUT_POWERS.join("-")}`;

/** Filters of the best network's three convolution blocks. */
export const BEST_WIDTHS: readonly [number, number, number] = Object.freeze([48, 96, 192]) as [number, number, number];

/**
 * The study's best network: the three-block CNN (`lib/networks/cnn.ts`) reading {@linkcode BEST_INPUT_POWERS},
 * BatchNorm momentum 0.9 as in the recipe.
 */
export function bestCnn(seed: number): tf.LayersModel {
  return threeBlockCnn({ seed, batchNormMomentum: 0.9, inputPowers: [...BEST_INPUT_POWERS], widths: [...BEST_WIDTHS] });
}

/** Variant name of {@linkcode bestCnn} in the keys of saved models. */
export const BEST_VARIANT = `three-block-${BEST_WIDTHS.join("-")}-${POWERS_VARIANT}`;

/**
 * How the best model moves each clean digit before its fresh noise: gently (rotation up to 6°, shift and zoom up
 * to 6 %, under two pixels), since moving digits as far as notebook 06's 10 % slowed a short training down.
 */
export const BEST_GEOMETRY: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 6,
  widthShiftRange: 0.06,
  heightShiftRange: 0.06,
  zoomRange: 0.06,
});

/** Options of {@linkcode trainSimpleCnn}. */
export interface SimpleCnnRunOptions {
  train: Dataset;
  validation?: Dataset;
  epochs: number;
  profile: string;
  /** Train on the report's augmentation (`REPORT_AUGMENTATION`) instead of the images as they are (default false). */
  augment?: boolean;
}

/**
 * Notebook 04's simple CNN (seed 11), trained with the study's recipe peaking at 2e-3, or reloaded when the same run
 * was saved before.
 */
export function trainSimpleCnn(name: string, options: SimpleCnnRunOptions): Promise<TrainedModel> {
  const { epochs, profile, augment = false } = options;
  return trainOrLoad(name, {
    build: () => simpleCnn({ seed: 11 }),
    train: options.train,
    fit: {
      ...recipeFitOptions(epochs, 11),
      schedule: oneCycle({ maxLr: 2e-3 }),
      validation: options.validation,
      transform: augment ? asFitTransform(createAugmenter(REPORT_AUGMENTATION)) : undefined,
    },
    key: { recipe: "adam-onecycle-2e-3-ls0.1", epochs, profile, augment },
    profile,
  });
}

/**
 * The augmentation plan of the best network (notebook 08, 8.6) on the first `images` training rows of `split`:
 * {@linkcode BEST_GEOMETRY} over the clean originals with fresh noise, or, with `useOriginals: false` (as with the real
 * competition files), over the noisy images themselves. Seed 3, as the published runs.
 */
export function bestCnnPlan(
  labelled: Dataset,
  split: Split,
  options: { images: number; useOriginals?: boolean },
): Promise<AugmentationPlan> {
  return digitAugmentationPlan(labelled, split.trainIndices, {
    count: options.images,
    seed: 3,
    geometry: BEST_GEOMETRY,
    useOriginals: options.useOriginals,
  });
}

/**
 * The best network's architecture ({@linkcode bestCnn}) trained with the recipe on `train` as it is, without the
 * augmentation of {@linkcode trainBestCnn}, or reloaded when the same run was saved: notebook 08 sets it against the
 * 4-conv CNN at equal epochs, notebook 09 trains it on each noise recipe.
 */
export function trainBestArchitecture(
  name: string,
  options: { train: Dataset; epochs: number; profile: string; validation?: Dataset; seed?: number },
): Promise<TrainedModel> {
  const seed = options.seed ?? 7;
  return trainWithRecipe(name, {
    train: options.train,
    validation: options.validation,
    epochs: options.epochs,
    profile: options.profile,
    seed,
    build: () => bestCnn(seed),
    variant: `${BEST_VARIANT}-no-augmentation`,
  });
}

/**
 * The best network ({@linkcode bestCnn}) trained with the recipe on `plan`'s images and batch hook, or reloaded when
 * the same run was saved (notebook 08 trains it; notebook 09 reloads it under the same name and settings).
 */
export function trainBestCnn(
  name: string,
  plan: AugmentationPlan,
  options: { epochs: number; profile: string; validation?: Dataset; seed?: number },
): Promise<TrainedModel> {
  const seed = options.seed ?? 7;
  return trainWithRecipe(name, {
    train: plan.train,
    validation: options.validation,
    epochs: options.epochs,
    profile: options.profile,
    seed,
    build: () => bestCnn(seed),
    extra: { transform: plan.transform },
    variant: `${BEST_VARIANT}-fresh-noise-${plan.kind}-${describeGeometry(plan.augment)}`,
  });
}
