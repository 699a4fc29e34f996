/**
 * Grid search with stratified k-fold cross-validation for the SVM, optionally
 * behind a PCA refitted on each fold's training part (scikit-learn's
 * `GridSearchCV` over a `make_pipeline(PCA, SVC)`).
 *
 * Every fit of a fold group reads one kernel matrix over all samples: the
 * squared distances (or Gram matrix) are computed once per fold group with
 * tfjs, the RBF kernel once per gamma, and each (C, fold) fit only selects
 * rows. The pairwise problems of all (C, fold) fits of a gamma are queued
 * together on the worker pool, so every core stays busy.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { requireLabels } from "../data/dataset.ts";
import { stratifiedKFold } from "../data/split.ts";
import { accuracy } from "../metrics/accuracy.ts";
import { createProgress } from "../display/progress.ts";
import { allocFloat32, gramMatrix, type KernelName, rbfFromDistances, squaredDistances } from "./gram.ts";
import { asMatrix, type Matrix, takeRows } from "../data/matrix.ts";
import { type ClassWeight, predictOneVsOne, trainOneVsOne } from "./ovo.ts";
import { PCA, type PCAOptions } from "../decomposition/pca.ts";
import { createSolverPool } from "./solver_pool.ts";

/** The parameter grid: every combination is tried. */
export interface ParamGrid {
  C: number[];
  /** RBF widths (required for "rbf", ignored for "linear"). */
  gamma?: number[];
}

/** Options of {@linkcode gridSearchSVC}. */
export interface GridSearchOptions {
  /** Kernel (default "rbf"). */
  kernel?: KernelName;
  grid: ParamGrid;
  /** Folds (default 5, as scikit-learn). */
  folds?: number;
  /** Seed of the stratified fold assignment (default 0). */
  seed?: number;
  classWeight?: ClassWeight;
  /** Put a PCA with these options before the SVM, fitted on each fold's training rows. */
  pca?: PCAOptions;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Solver tolerance (default 1e-3). */
  tolerance?: number;
  /** Progress bar label (default "grid search"); false for none. */
  progress?: string | false;
}

/** Scores of one grid cell. */
export interface GridCell {
  C: number;
  gamma?: number;
  /** Validation accuracy per fold. */
  scores: number[];
  mean: number;
  /** Population standard deviation over folds (as scikit-learn). */
  std: number;
  /** 1 = best mean. */
  rank: number;
}

/** Outcome of a grid search, plain data (`gridSearchTable` in `lib/plots/tables.ts` shows it). */
export interface GridSearchResult {
  kernel: KernelName;
  cells: GridCell[];
  best: { C: number; gamma?: number };
  bestScore: number;
  /** Wall-clock seconds of the search. */
  seconds: number;
  folds: number;
}

/**
 * Runs the search.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * declare const train: Dataset;
 * const result = await gridSearchSVC(train, undefined, { grid: { C: [0.4, 0.8], gamma: [0.005, 0.01] } });
 * result.best; // { C: 0.8, gamma: 0.01 }
 * ```
 */
export async function gridSearchSVC(
  x: Matrix | Dataset,
  y: ArrayLike<number> | undefined,
  options: GridSearchOptions,
): Promise<GridSearchResult> {
  const t0 = performance.now();
  const m = asMatrix(x);
  const labels = y ?? requireLabels(x as Dataset);
  const kernel = options.kernel ?? "rbf";
  const gammas = kernel === "rbf" ? (options.grid.gamma ?? []) : [NaN];
  if (!gammas.length) throw new RangeError("an rbf grid needs gamma values");
  const k = options.folds ?? 5;
  const folds = stratifiedKFold(labels, k, options.seed ?? 0);
  const cells = new Map<string, GridCell>();
  const key = (c: number, g: number) => `${c}|${g}`;
  for (const g of gammas) {
    for (const c of options.grid.C) {
      cells.set(key(c, g), { C: c, gamma: kernel === "rbf" ? g : undefined, scores: [], mean: 0, std: 0, rank: 0 });
    }
  }
  const scores = new Map<string, number[]>([...cells.keys()].map((k) => [k, new Array(folds.length).fill(NaN)]));
  const progress = options.progress === false ? null : createProgress({
    total: cells.size * folds.length,
    label: options.progress ?? "grid search",
    unit: "fits",
  });
  let bestSoFar = 0;
  const pool = createSolverPool({ workers: options.workers });
  try {
    // Fold groups that share one kernel: all folds on raw features, one fold at a time behind a PCA.
    const groups = options.pca ? folds.map((_, f) => [f]) : [folds.map((_, f) => f)];
    let kernelBuffer: Float32Array | null = null;
    for (const group of groups) {
      const features = options.pca
        ? await new PCA(options.pca).fit(takeRows(m, folds[group[0]].train)).then((p) => p.transform(m))
        : m;
      const base = kernel === "rbf" ? await squaredDistances(features, features) : await gramMatrix(features, features);
      for (const gamma of gammas) {
        const kernelMatrix = kernel === "rbf"
          ? (kernelBuffer = rbfFromDistances(base, gamma, kernelBuffer ?? allocFloat32(base.length)))
          : base;
        const fits: Promise<void>[] = [];
        for (const C of options.grid.C) {
          for (const f of group) {
            fits.push(
              trainOneVsOne(pool, {
                kernel: kernelMatrix,
                size: m.rows,
                labels,
                rows: folds[f].train,
                C,
                classWeight: options.classWeight,
              }, { tolerance: options.tolerance }).then((model) => {
                const validation = folds[f].validation;
                const predicted = predictOneVsOne(model, kernelMatrix, m.rows, validation);
                const acc = accuracy(Array.from(validation, (r) => labels[r]), predicted);
                scores.get(key(C, gamma))![f] = acc;
                bestSoFar = Math.max(bestSoFar, acc);
                progress?.tick(1, { "best fold acc": bestSoFar.toFixed(3) });
              }),
            );
          }
        }
        await Promise.all(fits);
      }
    }
  } finally {
    pool.close();
  }
  for (const [k, cell] of cells) {
    cell.scores = scores.get(k)!;
    cell.mean = cell.scores.reduce((a, b) => a + b, 0) / cell.scores.length;
    cell.std = Math.sqrt(cell.scores.reduce((a, b) => a + (b - cell.mean) ** 2, 0) / cell.scores.length);
  }
  const ordered = [...cells.values()].sort((a, b) => b.mean - a.mean);
  ordered.forEach((c, i) => (c.rank = i + 1));
  const seconds = (performance.now() - t0) / 1000;
  progress?.finish({ best: ordered[0].mean.toFixed(4) });
  const best = { C: ordered[0].C, ...(kernel === "rbf" ? { gamma: ordered[0].gamma } : {}) };
  return { kernel, cells: [...cells.values()], best, bestScore: ordered[0].mean, seconds, folds: folds.length };
}
