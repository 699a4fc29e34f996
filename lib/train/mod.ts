/**
 * Training and inference of networks: the fit loop and its callbacks, optimizers, schedules, augmentation, fresh
 * noise, prediction, test-time views, saving and reloading trained models. The modules of `lib/train/` hold more
 * (the training step, the worker pool, the file format): those are internal to the library.
 *
 * @module
 */

export {
  type AffineParams,
  asFitTransform,
  type AugmentOptions,
  createAugmenter,
  DIGIT_AUGMENTATION,
  REPORT_AUGMENTATION,
  REPORT_AUGMENTATION_NAME,
} from "./augment.ts";
export {
  emptyHistory,
  type EpochLogs,
  type FitCallback,
  type FitState,
  formatLogs,
  type History,
} from "./callbacks.ts";
export { denoise, fitDenoiser, type FitDenoiserOptions } from "./denoise.ts";
export { fit, type FitOptions, type TrainingSet } from "./fit.ts";
export { accuracyOnFeatures, fitOnFeatures, predictOnFeatures } from "./fit_features.ts";
export {
  type AugmentationPlan,
  CLEAN_DIGIT_GEOMETRY,
  describeGeometry,
  digitAugmentationPlan,
  freshNoiseTransform,
  NO_GEOMETRY,
  withFreshNoise,
} from "./fresh_noise.ts";
export { copyWeights, loadNetwork, modelExists, saveNetwork } from "./io.ts";
export type { OptimizerSpec } from "./optimizers.ts";
export { helperWorkers } from "./parallel.ts";
export {
  argMaxRows,
  averageProbabilities,
  evaluate,
  type Evaluation,
  predictLabels,
  type PredictOptions,
  predictProba,
} from "./predict.ts";
export { type TrainedModel, trainOrLoad } from "./reuse.ts";
export { cosine, oneCycle, type Schedule, warmupStep } from "./schedules.ts";
export type { BatchTransform } from "./transform.ts";
export { SHIFT_VIEWS } from "./tta.ts";
