/**
 * Support vector classification: kernel (Gram) matrices, the SMO solver, one-vs-one voting on a worker pool, `SVC`, grid search, PCA + SVC pipelines and their files.
 *
 * @module
 */

export {
  type GridCell,
  type GridSearchOptions,
  type GridSearchResult,
  gridSearchSVC,
  type ParamGrid,
} from "./grid_search.ts";
export { fitPipeline, openSavedPipeline, type PipelineOptions, type SvmPipeline } from "./pipeline.ts";
export { SVC, type SVCFitOptions, type SVCOptions, type SVCState } from "./svm.ts";
export { type LoadedModel, loadSvm } from "./svm_io.ts";
