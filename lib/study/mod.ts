/**
 * Top layer: the study itself: run profiles, the training recipes, the results ledger and the ranking of every model.
 *
 * @module
 */

export { FINAL_MODEL_NAME, headline, type HeadlineRow } from "./headline.ts";
export {
  BEYOND_SETTINGS,
  FOUR_CONV_CNN_SETTINGS,
  PCA_SVM_SETTINGS,
  type PerProfile,
  PREDICTION_SETTINGS,
  SIMPLE_CNN_SETTINGS,
  SVM_RAW_SETTINGS,
  TRANSFER_SETTINGS,
} from "./notebooks.ts";
export { activeProfile, type ProfileName, PROFILES } from "./profile.ts";
export { latestRecords, predictSaved, type RankedRecord, rankingTable, scoreSavedModels } from "./ranking.ts";
export {
  epochsToReach,
  type Extrapolation,
  REPORT_HISTORY,
  REPORT_SIMPLE_CNN_STAGES,
  type ReportMethodRunOptions,
  reportStageEpochs,
  type SimpleCnnReportOptions,
  type SimpleCnnReportRun,
  trainFullBatchAdadelta,
  trainSimpleCnnReportMethod,
  trainWarmupStepAdadelta,
} from "./report_method.ts";
export {
  readAllResults,
  readResultFile,
  recordResults,
  recordRun,
  type ResultRecord,
  type RunRecord,
  writeResultFile,
} from "./results.ts";
export { reportPcaSvmSpec, reportSvmSpec, SVM_TRAIN_IMAGES } from "./settings.ts";
export { type SetupOptions, setupStudy, type SliceSettings, type StudySetup } from "./setup.ts";
export { loadRankingTest } from "./test_sets.ts";
export {
  BEST_GEOMETRY,
  BEST_VARIANT,
  bestCnn,
  POWERS_VARIANT,
  powersCnn,
  recipeFitOptions,
  type RecipeRunOptions,
  type SimpleCnnRunOptions,
  trainSimpleCnn,
  trainWithRecipe,
} from "./training.ts";
