/**
 * Bottom layer: file helpers (atomic writes) and seeded random numbers. Imports nothing of lib/.
 *
 * @module
 */

export * from "./fs.ts";
export * from "./random.ts";
