/**
 * Settings of the study that several notebooks share: the report's SVMs (on
 * raw pixels and after PCA) and how the report trained its VGG16 head. The training recipe
 * of the networks is in `training.ts`, the run profiles in `profile.ts`.
 *
 * @module
 */

import type { PipelineOptions } from "../svm/pipeline.ts";

/**
 * The report's two SVMs on raw pixels (sections 5.1 and 5.2), with its `class_weight='balanced'` (each class's C
 * scaled inversely to its frequency), cached per profile: notebook 03 fits them, later notebooks reload them to
 * compare.
 */
export function reportSvmSpec(kernel: "rbf" | "linear", profile: string): PipelineOptions {
  return kernel === "rbf"
    ? { svc: { kernel: "rbf", C: 0.8, gamma: 0.01, classWeight: "balanced" }, cacheName: `svm_rbf_raw_${profile}` }
    : { svc: { kernel: "linear", C: 0.6, classWeight: "balanced" }, cacheName: `svm_linear_raw_${profile}` };
}

/**
 * The report's two PCA + SVM models (sections 4.1 and 4.2): PCA with `nComponents` whitened components (randomized,
 * seed 42), then the SVM with balanced class weights, cached per profile.
 */
export function reportPcaSvmSpec(kernel: "rbf" | "linear", profile: string, nComponents: number): PipelineOptions {
  const pca = { nComponents, whiten: true, solver: "randomized" as const, seed: 42 };
  return kernel === "rbf"
    ? { pca, svc: { kernel: "rbf", C: 10, gamma: 0.005, classWeight: "balanced" }, cacheName: `pca_svm_rbf_${profile}` }
    : { pca, svc: { kernel: "linear", C: 1, classWeight: "balanced" }, cacheName: `pca_svm_linear_${profile}` };
}

/** Training images of the report's SVMs per profile (notebook 03's slice of the 9,000-image split). */
export const SVM_TRAIN_IMAGES = { smoke: 900, quick: 2000, full: 9000 } as const;

/** How the report trained its VGG16 head (section 6.2): categorical cross-entropy, SGD at a learning rate of 1e-4. */
export const REPORT_VGG_TRAINING: Readonly<{ loss: string; optimizer: "sgd"; learningRate: number }> = Object
  .freeze({ loss: "categoricalCrossentropy", optimizer: "sgd", learningRate: 1e-4 });
