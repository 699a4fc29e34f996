/**
 * Support vector classification: kernel (Gram) matrices, the SMO solver, one-vs-one voting on a worker pool, `SVC`, grid search, PCA + SVC pipelines and their files.
 *
 * @module
 */

export * from "./gram.ts";
export * from "./grid_search.ts";
export * from "./ovo.ts";
export * from "./pipeline.ts";
export * from "./smo.ts";
export * from "./solver_pool.ts";
export * from "./svm.ts";
export * from "./svm_io.ts";
