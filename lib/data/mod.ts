/**
 * The data set: the data synthesis from MNIST, the CSV loader and its cache, `Dataset`, splits, summaries, matrices, submissions, paths.
 *
 * @module
 */

export {
  cacheDirFor,
  type CachedMatrix,
  clearCache,
  readCache,
  type SourceIdentity,
  sourceIdentity,
  writeCache,
} from "./cache.ts";
export { type Classifier, scoreClassifier } from "./classifier.ts";
export { cleanTestDigits, cleanTrainingDigits } from "./clean.ts";
export { DataFormatError, type MatrixSpec, type ParsedMatrix, parseMatrix } from "./csv.ts";
export {
  classCounts,
  createDataset,
  type CreateDatasetOptions,
  type Dataset,
  head,
  IMAGE_SIZE,
  imageAt,
  mapPixels,
  NUM_CLASSES,
  type PixelOrder,
  PIXELS,
  requireLabels,
  subset,
  withLabels,
} from "./dataset.ts";
export { classBalance, classMeans, type DatasetSummary, describe } from "./describe.ts";
export { Checksum, datasetFingerprint, fingerprint } from "./fingerprint.ts";
export {
  dataNoiseRecipe,
  generateData,
  type GenerateOptions,
  type GenerateResult,
  readSynthesisRecord,
  SYNTHESIS_RECORD,
  type SynthesisRecord,
} from "./generate.ts";
export { synthesizeDatasets } from "./in_memory.ts";
export {
  checkInputFile,
  loadCsvDataset,
  type LoadInfo,
  loadLabelsCsv,
  type LoadLabelsOptions,
  type LoadOptions,
  loadSolution,
  loadTest,
  loadTrain,
} from "./load.ts";
export { asMatrix, datasetMatrix, type Matrix, matrix, takeRows } from "./matrix.ts";
export { loadMnist, type MnistDigits } from "./mnist.ts";
export {
  activeProfile,
  DEFAULT_PROFILE,
  OLD_PROFILE_VARIABLE,
  PROFILE_VARIABLE,
  type ProfileChoice,
  profileChoice,
  profileFromDotEnv,
  type ProfileName,
  PROFILES,
} from "./profile.ts";
export {
  DATA_FILES,
  dataDir,
  dataFile,
  FolderSettingError,
  outputPath,
  outputsDir,
  REPO_ROOT,
  repoRelative,
} from "./paths.ts";
export { type Split, type SplitOptions, stratifiedKFold, stratifiedSplit } from "./split.ts";
export { scoreSubmission, submissionCsv, submissionPath, writeSubmission } from "./submission.ts";
export { NOISE_RECIPES, type NoiseRecipe, parseNoiseRecipe, type SynthesisOptions } from "./synthesis.ts";
