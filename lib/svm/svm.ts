/**
 * Support vector classifier with scikit-learn's shape (`fit` / `predict` /
 * `score`): the libsvm method (SMO with second-order working-set selection,
 * one-vs-one voting) on kernel matrices computed with tfjs, with the 45
 * pairwise problems solved on all cores by worker threads.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { requireLabels } from "../data/dataset.ts";
import { accuracy } from "../metrics/accuracy.ts";
import { createProgress, type Progress } from "../display/progress.ts";
import { kernelMatrix, type KernelName, type KernelSpec } from "./gram.ts";
import { asMatrix, type Matrix, takeRows } from "../data/matrix.ts";
import { type ClassWeight, type OvoModel, predictOneVsOne, trainOneVsOne } from "./ovo.ts";
import { createSolverPool, type SolverPool } from "./solver_pool.ts";
import { Estimator } from "../util/estimator.ts";

/** Hyperparameters of {@linkcode SVC}. */
export interface SVCOptions {
  /** Kernel (default "rbf"). */
  kernel?: KernelName;
  /** Regularisation (default 1). */
  C?: number;
  /** RBF width, or "scale" = 1 / (features * variance of X), scikit-learn's default (default "scale"). */
  gamma?: number | "scale";
  /** Class weights multiplying C (default none; the report uses "balanced"). */
  classWeight?: ClassWeight;
  /** Stopping tolerance (default 1e-3). */
  tolerance?: number;
  /** Iteration cap of each pairwise solver (default max(10,000,000, 100 n), as libsvm; a warning when reached). */
  maxIterations?: number;
}

/** Runtime handles of {@linkcode SVC.fit}: where the solvers run and how progress is shown (not hyperparameters). */
export interface SVCFitOptions {
  /** Worker threads (default: one per core; 0 = calling thread). */
  workers?: number;
  /** Use this pool instead of starting one. */
  pool?: SolverPool;
  /** Called after each pairwise problem (replaces the progress bar). */
  onPair?: (done: number, total: number) => void;
  /** Label of the progress bar over the pairwise problems (default "SVM fit"); false for none. */
  progress?: string | false;
}

/** Resolves `gamma: "scale"` for a training matrix. */
export function resolveGamma(gamma: number | "scale" | undefined, x: Matrix): number {
  if (typeof gamma === "number") return gamma;
  let sum = 0, sq = 0;
  for (let i = 0; i < x.data.length; i++) (sum += x.data[i]), (sq += x.data[i] * x.data[i]);
  const mean = sum / x.data.length;
  const variance = sq / x.data.length - mean * mean;
  return variance > 0 ? 1 / (x.cols * variance) : 1;
}

/** Fitted state of an {@linkcode SVC}, plain data (serialisable). */
export interface SVCState {
  kernel: KernelSpec;
  /** Support vectors; `model.pairs[*].support` index its rows. */
  supportVectors: Matrix;
  model: OvoModel;
}

/**
 * A C-support vector classifier (libsvm's C-SVC).
 *
 * @example
 * ```ts
 * import type { Split } from "../data/split.ts";
 * declare const split: Split;
 * const svc = new SVC({ kernel: "rbf", C: 0.8, gamma: 0.01 });
 * await svc.fit(split.train, null, { workers: 2 });
 * const acc = await svc.score(split.holdout);
 * ```
 */
export class SVC extends Estimator<SVCOptions, SVCState> {
  #fitSeconds = 0;

  constructor(options: SVCOptions = {}) {
    super("SVC", options);
  }

  /** A fitted SVC from its state (as {@linkcode SVC.state} gave it, e.g. read from a file). */
  static fromState(options: SVCOptions, state: SVCState, fitSeconds = 0): SVC {
    const svc = new SVC(options);
    svc.setState(state);
    svc.#fitSeconds = fitSeconds;
    return svc;
  }

  /** Seconds spent in the last `fit` (kernel + solver), or those stored with a loaded model. */
  get fitSeconds(): number {
    return this.#fitSeconds;
  }

  /** Trains on a dataset (its labels) or a matrix and labels. */
  async fit(x: Matrix | Dataset, y?: ArrayLike<number> | null, options: SVCFitOptions = {}): Promise<this> {
    const t0 = performance.now();
    const m = asMatrix(x);
    const labels = y ?? requireLabels(x as Dataset);
    if (labels.length !== m.rows) throw new RangeError(`${m.rows} samples but ${labels.length} labels`);
    const kernelName = this.options.kernel ?? "rbf";
    const spec: KernelSpec = {
      kernel: kernelName,
      gamma: kernelName === "rbf" ? resolveGamma(this.options.gamma ?? "scale", m) : undefined,
    };
    const kernel = await kernelMatrix(m, m, spec, { shared: true });
    const pool = options.pool ?? createSolverPool({ workers: options.workers });
    let bar: Progress | null = null;
    const onPair = options.onPair ?? (options.progress === false ? undefined : (_: number, total: number) => {
      bar ??= createProgress({ total, label: options.progress || "SVM fit", unit: "pair" });
      bar.tick(1);
    });
    let model: OvoModel;
    try {
      model = await trainOneVsOne(pool, {
        kernel,
        size: m.rows,
        labels,
        C: this.options.C ?? 1,
        classWeight: this.options.classWeight ?? null,
      }, { tolerance: this.options.tolerance, maxIterations: this.options.maxIterations, onPair });
    } finally {
      if (!options.pool) pool.close();
      (bar as Progress | null)?.finish();
    }
    this.setState(compactSupport(m, spec, model));
    this.#fitSeconds = (performance.now() - t0) / 1000;
    return this;
  }

  /** Number of support vectors (distinct samples over all pairs). */
  get supportCount(): number {
    return this.fitted ? this.state.supportVectors.rows : 0;
  }

  /** Predicted labels. */
  async predict(x: Matrix | Dataset): Promise<Int32Array> {
    const state = this.state;
    const m = asMatrix(x);
    const sv = state.supportVectors;
    const out = new Int32Array(m.rows);
    const block = 2048;
    for (let start = 0; start < m.rows; start += block) {
      const end = Math.min(m.rows, start + block);
      const part = { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
      const k = await kernelMatrix(part, sv, state.kernel, { shared: false });
      const rows = Array.from({ length: end - start }, (_, i) => i);
      out.set(predictOneVsOne(state.model, k, sv.rows, rows), start);
    }
    return out;
  }

  /** Accuracy on a labelled dataset, or a matrix and labels. */
  async score(x: Matrix | Dataset, y?: ArrayLike<number>): Promise<number> {
    const labels = y ?? requireLabels(x as Dataset);
    return accuracy(labels, await this.predict(x));
  }
}

/** Keeps only the samples that are support vectors of some pair, re-indexing the pairs. */
export function compactSupport(x: Matrix, kernel: KernelSpec, model: OvoModel): SVCState {
  const used = new Map<number, number>();
  for (const p of model.pairs) for (const s of p.support) if (!used.has(s)) used.set(s, used.size);
  const order = [...used.keys()];
  const pairs = model.pairs.map((p) => ({ ...p, support: Int32Array.from(p.support, (s) => used.get(s)!) }));
  return { kernel, supportVectors: takeRows(x, order), model: { classes: model.classes, pairs } };
}
