/**
 * Top layer: the study itself: run profiles, the training recipes, the registry of its models (by id), the results
 * ledger and the ranking of every model.
 *
 * @module
 */

export { chooseOnHoldout, type HoldoutCandidate, type HoldoutChoice } from "./choose.ts";
export { BEST_MODEL_IDS, FINAL_MODEL_ID, headline, type HeadlineRow } from "./headline.ts";
export {
  BEYOND_SETTINGS,
  DATA_EXPLORATION_SETTINGS,
  FOUR_CONV_CNN_SETTINGS,
  PCA_SVM_SETTINGS,
  type PerProfile,
  PREDICTION_SETTINGS,
  REBUILD_SETTINGS,
  SIMPLE_CNN_SETTINGS,
  SVM_RAW_SETTINGS,
  TRANSFER_SETTINGS,
} from "./notebooks.ts";
export {
  EQUAL_UPDATES_ARMS,
  type EqualUpdatesArm,
  OPTIMIZER_STUDY_SETTINGS,
  type OptimizerRunOptions,
  REPORT_FIRST_STAGE,
  trainEqualUpdatesArm,
  trainReportFirstStage,
} from "./optimizer_study.ts";
export { activeProfile, type ProfileName, PROFILES } from "./profile.ts";
export {
  holdoutSpan,
  latestRecords,
  predictSaved,
  type RankedRecord,
  rankingTable,
  runLedger,
  scoreSavedModels,
  widestHoldoutTestGap,
} from "./ranking.ts";
export {
  entries,
  entry,
  equalUpdatesId,
  isExtraSeed,
  labelOf,
  model,
  type ModelEntry,
  record,
  type Recorded,
  recordId,
  recordOf,
  type RecordOptions,
  REPORT_CNN_IDS,
  REPORT_SVM_IDS,
  resultRow,
  type Run,
  type RunFacts,
  type Scores,
  seedsOf,
  type TrainContext,
  VGG_HEAD_TRAININGS,
  vggHeadId,
} from "./registry.ts";
export {
  benchmarkSplit,
  checkedLiterature,
  checkedRange,
  checkedSvmRbf,
  CLEAN_READER_MIN_ACCURACY,
  curveCnn,
  curveCnnOnLabelled,
  isQuoted,
  type LiteratureResult,
  MNIST_BACK_RAND_LITERATURE,
  otherRecipe,
  type RecipeData,
} from "./rebuild.ts";
export {
  epochsToReach,
  type Extrapolation,
  type NotEstimable,
  REPORT_HISTORY,
  REPORT_SIMPLE_CNN_STAGES,
  type ReportMethodRunOptions,
  reportStageEpochs,
  type SimpleCnnReportOptions,
  type SimpleCnnReportRun,
  trainSimpleCnnReportMethod,
} from "./report_method.ts";
export { type TwoChanges, type TwoChangesOutcomes, twoChangesReading } from "./readings.ts";
export { readAllResults, readResultFile, recordResults, type ResultRecord, writeResultFile } from "./results.ts";
export { SEED_COUNTS, seedRunName, seedsFor, seedSpread, seedTable } from "./seeds.ts";
export { reportPcaSvmSpec, reportSvmSpec, SVM_TRAIN_IMAGES } from "./settings.ts";
export { profileNotice, type SetupOptions, setupStudy, type SliceSettings, type StudySetup } from "./setup.ts";
export { loadLabelledTest, loadRankingTest } from "./test_sets.ts";
export {
  BEST_GEOMETRY,
  BEST_VARIANT,
  bestCnn,
  bestCnnPlan,
  recipeFitOptions,
  type RecipeRunOptions,
  type SimpleCnnRunOptions,
  trainBestArchitecture,
  trainBestCnn,
  trainWithRecipe,
} from "./training.ts";
export {
  budgetLabel,
  type BudgetLabelOptions,
  type Chance,
  chanceOf,
  type ConstantPrediction,
  constantPrediction,
  curveLeftChance,
  isUntrained,
  type LeftChance,
  majorityShare,
  type RunEvidence,
  untrainedReason,
  updatesOf,
} from "./untrained.ts";
