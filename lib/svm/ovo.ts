/**
 * One-vs-one multi-class SVM on a precomputed kernel, as libsvm and
 * scikit-learn's `SVC` do it: one binary problem per pair of classes (45 for
 * digits), solved in parallel by a {@linkcode SolverPool}, then a vote.
 *
 * @module
 */

import type { SolverOptions } from "./smo.ts";
import type { SolverPool } from "./solver_pool.ts";

/** Per-class weights: none, scikit-learn's "balanced", or explicit. */
export type ClassWeight = null | "balanced" | Record<number, number>;

/** One pairwise classifier; `support` indexes kernel columns. */
export interface PairModel {
  /** Class voted for when the decision is positive. */
  positive: number;
  /** Class voted for otherwise. */
  negative: number;
  /** Kernel columns (samples) of the support vectors. */
  support: Int32Array;
  /** a_i y_i per support vector. */
  coef: Float64Array;
  rho: number;
  iterations: number;
}

/** A trained one-vs-one model. */
export interface OvoModel {
  /** Sorted class labels. */
  classes: number[];
  /** One model per pair (i < j in `classes` order). */
  pairs: PairModel[];
}

/** Inputs of {@linkcode trainOneVsOne}. */
export interface OvoProblem {
  /** Square kernel matrix over `size` samples (shared for workers). */
  kernel: Float32Array;
  size: number;
  /** Label of every kernel row. */
  labels: ArrayLike<number>;
  /** Rows to train on (default all). */
  rows?: ArrayLike<number>;
  /** Regularisation (default 1). */
  C?: number;
  /** Class weights multiplying C (default none). */
  classWeight?: ClassWeight;
}

/** The weight of each class (scikit-learn's formulas). */
export function classWeights(labels: ArrayLike<number>, classes: number[], weight: ClassWeight): Map<number, number> {
  const out = new Map<number, number>(classes.map((c) => [c, 1]));
  if (weight === "balanced") {
    const counts = new Map<number, number>();
    for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
    for (const c of classes) out.set(c, labels.length / (classes.length * counts.get(c)!));
  } else if (weight) { for (const [c, w] of Object.entries(weight)) out.set(Number(c), w); }
  return out;
}

/**
 * Trains the pairwise problems on `rows` of the kernel.
 *
 * @example
 * ```ts
 * import type { SolverPool } from "./solver_pool.ts";
 * declare const pool: SolverPool, kernel: Float32Array, n: number, labels: Uint8Array;
 * const model = await trainOneVsOne(pool, { kernel, size: n, labels, C: 0.8 });
 * ```
 */
export async function trainOneVsOne(
  pool: SolverPool,
  problem: OvoProblem,
  options: SolverOptions & { onPair?: (done: number, total: number) => void } = {},
): Promise<OvoModel> {
  const rows = problem.rows ?? Array.from({ length: problem.size }, (_, i) => i);
  const trainLabels = Array.from(rows, (r) => problem.labels[r]);
  const classes = [...new Set(trainLabels)].sort((a, b) => a - b);
  if (classes.length < 2) throw new RangeError("need at least two classes to train");
  const weights = classWeights(trainLabels, classes, problem.classWeight ?? null);
  const C = problem.C ?? 1;
  const byClass = new Map<number, number[]>(classes.map((c) => [c, []]));
  for (const r of Array.from(rows)) byClass.get(problem.labels[r])!.push(r);
  const jobs: Promise<PairModel>[] = [];
  const total = (classes.length * (classes.length - 1)) / 2;
  let done = 0;
  const { onPair, ...solverOptions } = options;
  for (let a = 0; a < classes.length; a++) {
    for (let b = a + 1; b < classes.length; b++) {
      const pos = byClass.get(classes[a])!, neg = byClass.get(classes[b])!;
      const pairRows = Int32Array.from([...pos, ...neg]);
      const y = new Int8Array(pairRows.length).fill(1, 0, pos.length).fill(-1, pos.length);
      const positive = classes[a], negative = classes[b];
      jobs.push(
        pool.solve({
          kernel: problem.kernel,
          size: problem.size,
          rows: pairRows,
          y,
          cPositive: C * weights.get(positive)!,
          cNegative: C * weights.get(negative)!,
        }, solverOptions).then((s) => {
          if (!s.converged) {
            console.warn(
              `SVM: the solver of the pair ${positive} vs ${negative} stopped at its iteration cap (${s.iterations}) ` +
                `before reaching the tolerance; its solution is approximate (raise maxIterations or rescale the data)`,
            );
          }
          const support: number[] = [], coef: number[] = [];
          for (let t = 0; t < pairRows.length; t++) {
            if (s.alpha[t] > 0) support.push(pairRows[t]), coef.push(s.alpha[t] * y[t]);
          }
          onPair?.(++done, total);
          return {
            positive,
            negative,
            support: Int32Array.from(support),
            coef: Float64Array.from(coef),
            rho: s.rho,
            iterations: s.iterations,
          };
        }),
      );
    }
  }
  return { classes, pairs: await Promise.all(jobs) };
}

/**
 * Predicts by voting, reading kernel values `kernel[row * stride + column]`
 * for each row in `rows` and each support column.
 */
export function predictOneVsOne(
  model: OvoModel,
  kernel: Float32Array,
  stride: number,
  rows: ArrayLike<number>,
): Int32Array {
  const index = new Map(model.classes.map((c, i) => [c, i]));
  const out = new Int32Array(rows.length);
  const votes = new Int32Array(model.classes.length);
  for (let r = 0; r < rows.length; r++) {
    votes.fill(0);
    const base = rows[r] * stride;
    for (const p of model.pairs) {
      let dec = -p.rho;
      for (let s = 0; s < p.support.length; s++) dec += p.coef[s] * kernel[base + p.support[s]];
      votes[index.get(dec > 0 ? p.positive : p.negative)!]++;
    }
    let best = 0;
    for (let c = 1; c < votes.length; c++) if (votes[c] > votes[best]) best = c;
    out[r] = model.classes[best];
  }
  return out;
}
