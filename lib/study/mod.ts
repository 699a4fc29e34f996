/**
 * Top layer: the study itself: run profiles, the training recipes, the results ledger and the ranking of every model.
 *
 * @module
 */

export * from "./choose.ts";
export * from "./headline.ts";
export * from "./notebooks.ts";
export * from "./optimizer_study.ts";
export * from "./profile.ts";
export * from "./ranking.ts";
export * from "./report_method.ts";
export * from "./results.ts";
export * from "./seeds.ts";
export * from "./settings.ts";
export * from "./setup.ts";
export * from "./test_sets.ts";
export * from "./training.ts";
export * from "./untrained.ts";
