/**
 * Accuracy, confusion matrices and classification reports, as plain data that can also display itself; and how far
 * a figure can be trusted: Wilson intervals, the exact McNemar test, seed summaries and t-tests, and the one
 * {@link verdict} (better / worse / within noise) every comparison of two models is stated with.
 *
 * @module
 */

export { accuracy } from "./accuracy.ts";
export { type ConfusionMatrix, confusionMatrix, formatConfusion } from "./confusion.ts";
export { type ClassificationReport, classificationReport, type ClassScores, type ReportOptions } from "./report.ts";
export { type ErrorSources, splitErrors } from "./error_sources.ts";
export {
  binomialCdf,
  incompleteBeta,
  incompleteGamma,
  lnGamma,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from "./distributions.ts";
export {
  accuracyInterval,
  correctness,
  type Interval,
  mcnemar,
  mcnemarOfPredictions,
  type McNemarResult,
  type SeedSummary,
  seedSummary,
  spreadTTest,
  type TTestResult,
  welchTTest,
  type WilsonInterval,
  wilsonInterval,
} from "./uncertainty.ts";
export {
  DEFAULT_ALPHA,
  formatInterval,
  formatPoints,
  formatPValue,
  formatSeeds,
  formatVerdict,
  type Outcome,
  type PairedModel,
  type PairedVerdict,
  type SeededModel,
  type SeedsVerdict,
  type Verdict,
  verdict,
  type VerdictFigures,
  verdictOfSeeds,
  verdictText,
} from "./verdict.ts";
