/**
 * Notebook 04's two experiments on the report's optimizer:
 *
 * - the report's first stage of section 6.1 as it ran: the simple CNN, Adadelta at 0.001 (Keras' rho 0.95, epsilon
 *   1e-7), batches of 128, 100 epochs under the `full` profile (a few under smoke and quick);
 * - optimizer against update count: the same network for the same number of updates (same batch of 128, same
 *   epochs) with Adadelta at the report's 0.001, Adadelta at 1.0 (Zeiler's 2012 setting, which Keras' documentation
 *   gives for the original method) and Adam with our recipe's schedule and label smoothing. Whatever separates them
 *   is the optimizer, not the number of updates.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * declare const train: Dataset, holdout: Dataset;
 * const { firstStageEpochs } = OPTIMIZER_STUDY_SETTINGS.full; // 100
 * const run = await trainReportFirstStage("simple-cnn-report-first-stage", {
 *   train,
 *   validation: holdout,
 *   epochs: firstStageEpochs,
 *   profile: "full",
 * });
 * ```
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { simpleCnn } from "../networks/cnn.ts";
import type { OptimizerSpec } from "../train/optimizers.ts";
import { helperWorkers } from "../train/parallel.ts";
import { type TrainedModel, trainOrLoad } from "../train/reuse.ts";
import { oneCycle, type Schedule } from "../train/schedules.ts";
import type { ProfileName } from "./profile.ts";
import { REPORT_SIMPLE_CNN_STAGES } from "./report_method.ts";

/** The report's first stage of section 6.1, every setting it states or Keras defaults to. */
export const REPORT_FIRST_STAGE = Object.freeze({
  learningRate: REPORT_SIMPLE_CNN_STAGES[0].learningRate,
  rho: 0.95,
  epsilon: 1e-7,
  batchSize: REPORT_SIMPLE_CNN_STAGES[0].batchSize,
  epochs: REPORT_SIMPLE_CNN_STAGES[0].reportEpochs,
});

/**
 * Epochs of the two experiments per profile: the first stage for its 100 epochs under `full` only; the
 * equal-updates arms for our recipe's 6 epochs (426 updates of 128 on 9,000 images) under `full`.
 *
 * Cost under `full`, from measured epochs of this network on the 2-core machine: the published run's report stages
 * took 39.5 s for 6 epochs (6.6 s an epoch, holdout scored after each, machine otherwise idle), so the first stage's
 * 100 epochs take about 11 minutes and the three 6-epoch arms about 2; a 2-epoch run of the first stage measured while
 * six sessions shared the machine took 89.7 s (about 200 training images/s), which would make it 75 minutes.
 */
export const OPTIMIZER_STUDY_SETTINGS: Record<ProfileName, { firstStageEpochs: number; equalUpdateEpochs: number }> = {
  smoke: { firstStageEpochs: 2, equalUpdateEpochs: 1 },
  quick: { firstStageEpochs: 4, equalUpdateEpochs: 4 },
  full: { firstStageEpochs: REPORT_FIRST_STAGE.epochs, equalUpdateEpochs: 6 },
};

/** Options of the runs of this module. */
export interface OptimizerRunOptions {
  train: Dataset;
  /** Held-out images scored after every epoch. */
  validation?: Dataset;
  epochs: number;
  /** Run profile, part of the saved model's key. */
  profile: string;
  /** Seed of the weights and shuffling (default 11, notebook 04's). */
  seed?: number;
}

const reportAdadelta: OptimizerSpec = {
  name: "adadelta",
  learningRate: REPORT_FIRST_STAGE.learningRate,
  rho: REPORT_FIRST_STAGE.rho,
  epsilon: REPORT_FIRST_STAGE.epsilon,
};

/**
 * The report's first stage of section 6.1 on the simple CNN: Adadelta 0.001 (rho 0.95, epsilon 1e-7), batch 128,
 * constant rate, no label smoothing, for `epochs` epochs. Trained once, reloaded afterwards.
 */
export function trainReportFirstStage(name: string, options: OptimizerRunOptions): Promise<TrainedModel> {
  const seed = options.seed ?? 11;
  return trainOrLoad(name, {
    build: () => simpleCnn({ seed }),
    train: options.train,
    fit: {
      epochs: options.epochs,
      batchSize: REPORT_FIRST_STAGE.batchSize,
      optimizer: reportAdadelta,
      validation: options.validation,
      workers: helperWorkers(),
      seed,
    },
    profile: options.profile,
    key: { method: "report-6.1-first-stage", optimizer: reportAdadelta, epochs: options.epochs },
  });
}

/** One arm of the equal-updates experiment. */
export interface EqualUpdatesArm {
  /** Short id, part of the saved model's name. */
  id: string;
  /** Label of its row and curve. */
  label: string;
  optimizer: OptimizerSpec;
  schedule?: Schedule;
  labelSmoothing?: number;
}

/** The three arms: the report's Adadelta, Adadelta at 1.0, Adam with our recipe (one-cycle to 2e-3, smoothing 0.1). */
export const EQUAL_UPDATES_ARMS: readonly EqualUpdatesArm[] = Object.freeze([
  { id: "adadelta-0.001", label: "Adadelta 0.001", optimizer: reportAdadelta },
  {
    id: "adadelta-1",
    label: "Adadelta 1.0",
    optimizer: { ...reportAdadelta, learningRate: 1 },
  },
  {
    id: "adam-recipe",
    label: "Adam (our recipe)",
    optimizer: { name: "adam" },
    schedule: oneCycle({ maxLr: 2e-3 }),
    labelSmoothing: 0.1,
  },
]);

/** One arm of the equal-updates experiment: the simple CNN, batch 128, `epochs` epochs. */
export function trainEqualUpdatesArm(
  arm: EqualUpdatesArm,
  name: string,
  options: OptimizerRunOptions,
): Promise<TrainedModel> {
  const seed = options.seed ?? 11;
  return trainOrLoad(`${name}-${arm.id}`, {
    build: () => simpleCnn({ seed }),
    train: options.train,
    fit: {
      epochs: options.epochs,
      batchSize: REPORT_FIRST_STAGE.batchSize,
      optimizer: arm.optimizer,
      schedule: arm.schedule,
      labelSmoothing: arm.labelSmoothing,
      validation: options.validation,
      workers: helperWorkers(),
      seed,
    },
    profile: options.profile,
    key: { experiment: "equal-updates", arm: arm.id, optimizer: arm.optimizer, epochs: options.epochs },
  });
}
