/**
 * Training and inference of networks: the fit loop, data-parallel workers, optimizers, schedules, augmentation, fresh noise, prediction, test-time views, saving and reloading trained models.
 *
 * @module
 */

export * from "./augment.ts";
export * from "./classifier.ts";
export * from "./denoise.ts";
export * from "./fit.ts";
export * from "./fit_features.ts";
export * from "./fresh_noise.ts";
export * from "./io.ts";
export * from "./optimizers.ts";
export * from "./parallel.ts";
export * from "./predict.ts";
export * from "./reuse.ts";
export * from "./schedules.ts";
export * from "./step.ts";
export * from "./tta.ts";
