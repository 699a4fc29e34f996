/**
 * Bottom layer: file helpers (atomic writes), seeded random numbers, settings from environment variables and the
 * shared errors. Imports nothing of lib/.
 *
 * @module
 */

export { envChoice, envPositiveInteger, withEnv } from "./env.ts";
export { NotFittedError } from "./errors.ts";
export { Estimator } from "./estimator.ts";
export {
  commitStaged,
  exists,
  faultPoint,
  isSystemError,
  listDir,
  makeFolder,
  notARegularFile,
  notTextFile,
  notTextReason,
  recoverStaged,
  removeStaleTemps,
  removeWhere,
  sameFile,
  SavedFileError,
  stagedBy,
  type StagedCommit,
  systemProblem,
  tempName,
  tempOwner,
  writeAll,
  writeAtomic,
  WriteError,
  writeFileAtomic,
} from "./fs.ts";
export { type FolderLock, FolderLockedError, LOCK_FILE, lockFolder, type LockHolder, removeStaleLock } from "./lock.ts";
export {
  boundToParent,
  childPids,
  ENDING_SIGNALS,
  type EndingSignal,
  onEndingSignal,
  processAlive,
  type ProcessIdentity,
  processIdentity,
  processStart,
  signalExitCode,
  stopChild,
  stopChildren,
} from "./process.ts";
export { createRandom, deriveSeed, proportionalCounts, type Random, SEED_STRIDE, shuffleInPlace } from "./random.ts";
