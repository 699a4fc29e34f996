/**
 * The data set: the data synthesis from MNIST, the CSV loader and its cache, `Dataset`, splits, summaries, matrices, submissions, paths.
 *
 * @module
 */

export * from "./cache.ts";
export * from "./classifier.ts";
export * from "./clean.ts";
export * from "./csv.ts";
export * from "./dataset.ts";
export * from "./describe.ts";
export * from "./fingerprint.ts";
export * from "./generate.ts";
export * from "./in_memory.ts";
export * from "./load.ts";
export * from "./matrix.ts";
export * from "./mnist.ts";
export * from "./paths.ts";
export * from "./synthesis.ts";
export * from "./split.ts";
export * from "./submission.ts";
