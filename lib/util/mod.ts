/**
 * Bottom layer: file helpers (atomic writes), seeded random numbers and the shared errors. Imports nothing of lib/.
 *
 * @module
 */

export * from "./fs.ts";
export * from "./random.ts";
export * from "./errors.ts";
export * from "./estimator.ts";
export * from "./process.ts";
export * from "./lock.ts";
