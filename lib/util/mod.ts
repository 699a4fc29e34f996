/**
 * Bottom layer: file helpers (atomic writes), seeded random numbers and the shared errors. Imports nothing of lib/.
 *
 * @module
 */

export { NotFittedError } from "./errors.ts";
export { Estimator } from "./estimator.ts";
export {
  commitStaged,
  exists,
  faultPoint,
  listDir,
  notARegularFile,
  processAlive,
  recoverStaged,
  removeStaleTemps,
  removeWhere,
  SavedFileError,
  type StagedCommit,
  tempName,
  tempOwner,
  writeAll,
  writeAtomic,
  writeFileAtomic,
} from "./fs.ts";
export { createRandom, deriveSeed, proportionalCounts, type Random, SEED_STRIDE, shuffleInPlace } from "./random.ts";
