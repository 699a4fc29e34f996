/**
 * The settings of each notebook under each run profile, in one place: how
 * many images it trains and scores on, its epochs and its search grids.
 * `smoke` checks the plumbing in minutes (CI); `quick` is a first look: every
 * notebook, the same sections and figures, on a third of the training images
 * and fewer epochs (the whole study in about a quarter of an hour); `full`
 * reproduces the report. `setupStudy` (in `setup.ts`) reads them.
 *
 * `minutes` is what a Run All of the notebook took on the 2-core machine of the
 * published run (`full`: `outputs/published/REPORT.md`; `quick`: a `deno task
 * reproduce --profile quick`), shown by the setup cell.
 *
 * @module
 */

import type { ProfileName } from "./profile.ts";
import { SVM_TRAIN_IMAGES } from "./settings.ts";

/** Settings of one notebook per profile. */
export type PerProfile<T> = Readonly<Record<ProfileName, T>>;

/** Notebook 02: PCA + SVM. */
export const PCA_SVM_SETTINGS = {
  smoke: {
    trainImages: 900,
    holdoutImages: 600,
    folds: 3,
    nComponents: 40,
    rbfGrid: { C: [1, 10], gamma: [0.005] },
    rbfGrid2: { C: [10], gamma: [0.005, 0.05] },
    linearGrid: { C: [0.1, 1] },
    minutes: 1,
  },
  quick: {
    trainImages: 2000,
    holdoutImages: 1000,
    folds: 3,
    nComponents: 150,
    rbfGrid: { C: [1, 10], gamma: [0.001, 0.005] },
    rbfGrid2: { C: [10], gamma: [0.005, 0.05] },
    linearGrid: { C: [0.1, 1] },
    minutes: 1,
  },
  full: {
    trainImages: 9000,
    holdoutImages: 3000,
    folds: 5,
    nComponents: 150,
    rbfGrid: { C: [1, 5, 10, 50], gamma: [0.0001, 0.0005, 0.001, 0.005] },
    rbfGrid2: { C: [1, 5, 10, 50], gamma: [0.005, 0.01, 0.05] },
    linearGrid: { C: [0.1, 0.5, 1] },
    minutes: 4,
  },
};

/** Notebook 03: SVM on raw pixels. */
export const SVM_RAW_SETTINGS = {
  smoke: {
    trainImages: SVM_TRAIN_IMAGES.smoke as number,
    holdoutImages: 600,
    folds: 3,
    rbfGrid: { C: [0.8, 1], gamma: [0.01] },
    rbfGrid2: { C: [0.8], gamma: [0.005, 0.05] },
    linearGrid: { C: [0.6, 1] },
    linearGrid2: { C: [0.6] },
    minutes: 1,
  },
  quick: {
    trainImages: SVM_TRAIN_IMAGES.quick as number,
    holdoutImages: 1000,
    folds: 3,
    rbfGrid: { C: [0.8, 1], gamma: [0.005, 0.01] },
    rbfGrid2: { C: [0.8], gamma: [0.01, 0.05] },
    linearGrid: { C: [0.6, 1] },
    linearGrid2: { C: [0.6, 0.8] },
    minutes: 1,
  },
  full: {
    trainImages: SVM_TRAIN_IMAGES.full as number,
    holdoutImages: 3000,
    folds: 5,
    rbfGrid: { C: [0.8, 0.9, 1], gamma: [0.005, 0.01] },
    rbfGrid2: { C: [0.4, 0.6, 0.8], gamma: [0.005, 0.01, 0.05] },
    linearGrid: { C: [1, 5, 10, 50] },
    linearGrid2: { C: [0.6, 0.8, 1] },
    minutes: 2,
  },
};

/**
 * A CNN notebook's profiles: one epoch on 1,500 / 500 images under smoke, 3,000 / 1,000 images under quick, the
 * 9,000 / 3,000 split under full.
 */
function cnnSettings(epochs: { quick: number; full: number }, minutes: { quick: number; full: number }) {
  return {
    smoke: { trainImages: 1500, holdoutImages: 500, epochs: 1, minutes: 1 },
    quick: { trainImages: 3000, holdoutImages: 1000, epochs: epochs.quick, minutes: minutes.quick },
    full: { trainImages: 9000, holdoutImages: 3000, epochs: epochs.full, minutes: minutes.full },
  };
}

/** Notebook 01: only its Run All time depends on the profile. */
export const DATA_EXPLORATION_SETTINGS = {
  smoke: { minutes: 1 },
  quick: { minutes: 1 },
  full: { minutes: 1 },
};

/** Notebook 04: the simple CNN. */
export const SIMPLE_CNN_SETTINGS = cnnSettings({ quick: 3, full: 6 }, { quick: 1, full: 12 });

/** Notebook 05: VGG16 transfer and transfer from clean digits. */
export const TRANSFER_SETTINGS = {
  smoke: {
    vggTrain: 300,
    vggHoldout: 200,
    headEpochs: 3,
    trainImages: 1000,
    holdoutImages: 500,
    pretrainEpochs: 1,
    tuneEpochs: 1,
    minutes: 1,
  },
  quick: {
    vggTrain: 1000,
    vggHoldout: 500,
    headEpochs: 10,
    trainImages: 3000,
    holdoutImages: 1000,
    pretrainEpochs: 1,
    tuneEpochs: 1,
    minutes: 2,
  },
  full: {
    vggTrain: 9000,
    vggHoldout: 3000,
    headEpochs: 40,
    trainImages: 9000,
    holdoutImages: 3000,
    // One epoch on clean digits is enough for them; the network from scratch gets as many epochs as all stages.
    pretrainEpochs: 1,
    tuneEpochs: 1,
    minutes: 6,
  },
};

/** Notebook 06: the report's 4-conv CNN. */
export const FOUR_CONV_CNN_SETTINGS = cnnSettings({ quick: 3, full: 5 }, { quick: 3, full: 12 });

/** Notebook 07: the final model on all training images (smoke: a slice, to check the plumbing). */
export const PREDICTION_SETTINGS = {
  smoke: { trainImages: 1500, epochs: 1, testImages: 2000, minutes: 1 },
  quick: { trainImages: 4000, epochs: 3, testImages: 10000, minutes: 2 },
  full: { trainImages: 12000, epochs: 6, testImages: 50000, minutes: 11 },
};

/** Notebook 08; `cnnEpochs` are notebook 06's epochs, so that its models are reloaded there, not trained again. */
export const BEYOND_SETTINGS = {
  smoke: {
    trainImages: 1500,
    holdoutImages: 500,
    cnnEpochs: FOUR_CONV_CNN_SETTINGS.smoke.epochs,
    denseEpochs: 2,
    denoiserEpochs: 1,
    bestEpochs: 1,
    rankingTestImages: 1000,
    finalTestImages: 2000,
    minutes: 1,
  },
  quick: {
    trainImages: FOUR_CONV_CNN_SETTINGS.quick.trainImages,
    holdoutImages: FOUR_CONV_CNN_SETTINGS.quick.holdoutImages,
    cnnEpochs: FOUR_CONV_CNN_SETTINGS.quick.epochs,
    denseEpochs: 4,
    denoiserEpochs: 1,
    bestEpochs: 3,
    rankingTestImages: 2000,
    finalTestImages: 10000,
    minutes: 5,
  },
  full: {
    trainImages: 9000,
    holdoutImages: 3000,
    cnnEpochs: FOUR_CONV_CNN_SETTINGS.full.epochs,
    denseEpochs: 15,
    denoiserEpochs: 4,
    bestEpochs: 14,
    rankingTestImages: 5000,
    finalTestImages: 50000,
    minutes: 29,
  },
};

/** Settings of notebook 09 per profile. */
export interface RebuildSettings {
  /** Holdout images scored by the curves and the recipe comparison (the split's first). */
  holdoutImages: number;
  /** The benchmark's protocol: training and validation images (file order), and test images scored. */
  benchmark: { trainImages: number; validationImages: number; testImages: number; C: number[]; gamma: number };
  /** Training images of each learning-curve point; the largest is notebook 06's network, reloaded. */
  curveImages: number[];
  /**
   * Training images of the curve's last point, the first of all labelled images (training split and holdout
   * together: every labelled image under `full`), so that point has a test score and no holdout score.
   */
  curveLabelledImages: number;
  /** Epochs of every 4-conv CNN of the notebook (notebook 06's, so that its model is reloaded). */
  cnnEpochs: number;
  /** Training images of the 4-conv CNN trained on both noise recipes (one of `curveImages`). */
  recipeCnnImages: number;
  /** Training images of the raw-pixel SVM and of PCA + SVM (notebooks 03 and 02, reloaded). */
  svmImages: number;
  pcaImages: number;
  pcaComponents: number;
  /** Clean training originals the clean-digit classifier learns from, and its epochs. */
  cleanImages: number;
  cleanEpochs: number;
  /** Minutes a Run All takes under this profile (see the top of this file). */
  minutes: number;
}

const rebuildSettings = (p: "smoke" | "quick" | "full"): RebuildSettings => ({
  holdoutImages: { smoke: 500, quick: 1000, full: 3000 }[p],
  benchmark: {
    trainImages: { smoke: 600, quick: 3000, full: 10_000 }[p],
    validationImages: { smoke: 200, quick: 1000, full: 2000 }[p],
    testImages: { smoke: 1000, quick: 10_000, full: 50_000 }[p],
    C: [0.8, 5],
    gamma: 0.01,
  },
  curveImages: { smoke: [300, 600, 1500], quick: [750, 1500, 3000], full: [1500, 3000, 9000] }[p],
  curveLabelledImages: { smoke: 2000, quick: 4000, full: 12_000 }[p],
  cnnEpochs: FOUR_CONV_CNN_SETTINGS[p].epochs,
  recipeCnnImages: { smoke: 600, quick: 1500, full: 3000 }[p],
  svmImages: SVM_TRAIN_IMAGES[p],
  pcaImages: PCA_SVM_SETTINGS[p].trainImages,
  pcaComponents: PCA_SVM_SETTINGS[p].nComponents,
  cleanImages: { smoke: 1500, quick: 3000, full: 9000 }[p],
  cleanEpochs: { smoke: 1, quick: 2, full: 4 }[p],
  minutes: { smoke: 1, quick: 3, full: 9 }[p],
});

/** Notebook 09's settings; the largest curve point is notebook 06's training slice, so its network is reused. */
export const REBUILD_SETTINGS: PerProfile<RebuildSettings> = {
  smoke: rebuildSettings("smoke"),
  quick: rebuildSettings("quick"),
  full: rebuildSettings("full"),
};
