/**
 * Binary C-SVM dual solver: sequential minimal optimisation with the
 * second-order working-set selection of Fan, Chen & Lin (2005), the method
 * libsvm (and so scikit-learn's `SVC`) uses. It works on a precomputed kernel
 * matrix, reading only the rows and columns of the problem's samples, so one
 * kernel can serve every pairwise problem and every cross-validation fold.
 *
 * Solves min_a 1/2 a'Qa - e'a subject to y'a = 0, 0 <= a_i <= C_i with
 * Q_ij = y_i y_j K(x_i, x_j); the decision function is
 * f(x) = sum_i a_i y_i K(x_i, x) - rho.
 *
 * Shrinking (Joachims 1999; Fan, Chen & Lin 2005): every so often the
 * multipliers at a bound whose gradient keeps them out of any violating pair
 * are set aside, so that the selection and the gradient update run over the
 * remaining active ones only. Before the solver stops, the gradient of the
 * set-aside multipliers is rebuilt from the kernel and the optimality check is
 * made over all of them (resuming on the full set when it fails), so the
 * solution meets the same tolerance as without shrinking.
 *
 * @module
 */

/** One binary problem over rows of a square kernel matrix. */
export interface BinaryProblem {
  /** Row-major square kernel matrix over `size` samples. */
  kernel: Float32Array;
  /** Side of `kernel`. */
  size: number;
  /** The problem's samples: rows of `kernel`. */
  rows: ArrayLike<number>;
  /** Per sample of `rows`: +1 or -1. */
  y: ArrayLike<number>;
  /** Upper bound of the positive samples' multipliers. */
  cPositive: number;
  /** Upper bound of the negative samples' multipliers. */
  cNegative: number;
}

/** Options of {@linkcode solveBinary}. */
export interface SolverOptions {
  /** Stopping tolerance on the maximal KKT violation (default 1e-3, as libsvm). */
  tolerance?: number;
  /** Iteration cap (default max(10,000,000, 100 n), as libsvm). */
  maxIterations?: number;
  /** Set aside bounded multipliers that cannot move (default true). */
  shrinking?: boolean;
}

/** Result of {@linkcode solveBinary}. */
export interface BinarySolution {
  /** Lagrange multipliers, one per sample of `rows`. */
  alpha: Float64Array;
  /** Offset: f(x) = sum a_i y_i K(x_i, x) - rho. */
  rho: number;
  /** Iterations taken. */
  iterations: number;
  /** False when the solver stopped at its iteration cap before meeting the tolerance. */
  converged: boolean;
  /** Dual objective value at the solution. */
  objective: number;
  /** The most multipliers set aside at once by shrinking (0 without it). */
  maxShrunk: number;
}

const TAU = 1e-12;

/**
 * Solves one binary C-SVM problem on a precomputed kernel.
 *
 * @example
 * ```ts
 * const k = new Float32Array([1, 0, 0, 1]);
 * solveBinary({ kernel: k, size: 2, rows: [0, 1], y: [1, -1], cPositive: 1, cNegative: 1 });
 * ```
 */
export function solveBinary(problem: BinaryProblem, options: SolverOptions = {}): BinarySolution {
  const n = problem.rows.length;
  const eps = options.tolerance ?? 1e-3;
  const maxIter = options.maxIterations ?? Math.max(10_000_000, n > Number.MAX_SAFE_INTEGER / 100 ? n : 100 * n);
  // The problem's kernel rows, copied contiguous the first time the working set needs them: many samples never
  // enter it (gathering the whole n x n block took about half of the solve on the PCA pipeline's pairs).
  const k = new Float32Array(n * n);
  const size = problem.size, full = problem.kernel, rows = problem.rows;
  const filled = new Uint8Array(n);
  const fillRow = (a: number) => {
    filled[a] = 1;
    const base = rows[a] * size, out = a * n;
    for (let b = 0; b < n; b++) k[out + b] = full[base + rows[b]];
  };
  const y = new Int8Array(n);
  const c = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    y[t] = problem.y[t] > 0 ? 1 : -1;
    c[t] = y[t] > 0 ? problem.cPositive : problem.cNegative;
  }
  const qd = new Float64Array(n);
  for (let t = 0; t < n; t++) qd[t] = full[rows[t] * size + rows[t]];
  const alpha = new Float64Array(n);
  const grad = new Float64Array(n).fill(-1);
  // The active multipliers, in increasing order (so that ties in the selection break as without shrinking).
  const active = Int32Array.from({ length: n }, (_, t) => t);
  let activeSize = n, maxShrunk = 0, unshrunk = false;
  const shrinking = options.shrinking ?? true;
  const shrinkEvery = Math.min(n, 1000);
  let countdown = shrinkEvery;
  /** Rebuilds the gradient of the set-aside multipliers, G_t = sum_s Q_ts a_s - 1, and reactivates all. */
  const reactivate = () => {
    const inActive = new Uint8Array(n);
    for (let s = 0; s < activeSize; s++) inActive[active[s]] = 1;
    const support: number[] = [];
    for (let t = 0; t < n; t++) if (alpha[t] > 0) support.push(t);
    for (let t = 0; t < n; t++) {
      if (inActive[t]) continue;
      let sum = 0;
      const base = rows[t] * size;
      for (const s of support) sum += y[s] * alpha[s] * full[base + rows[s]];
      grad[t] = y[t] * sum - 1;
    }
    for (let t = 0; t < n; t++) active[t] = t;
    activeSize = n;
  };
  /** Sets aside the bounded multipliers that no violating pair can contain now (gmax = m(a), gmax2 = -M(a)). */
  const shrink = () => {
    let gmax = -Infinity, gmax2 = -Infinity;
    for (let s = 0; s < activeSize; s++) {
      const t = active[s], yg = y[t] * grad[t];
      if ((y[t] > 0 && alpha[t] < c[t]) || (y[t] < 0 && alpha[t] > 0)) gmax = Math.max(gmax, -yg);
      if ((y[t] > 0 && alpha[t] > 0) || (y[t] < 0 && alpha[t] < c[t])) gmax2 = Math.max(gmax2, yg);
    }
    if (!unshrunk && gmax + gmax2 <= 10 * eps) {
      // Close to the end: start again from the full set once, with an exact gradient (libsvm's rule).
      unshrunk = true;
      reactivate();
    }
    let kept = 0;
    for (let s = 0; s < activeSize; s++) {
      const t = active[s], yg = y[t] * grad[t];
      const up = (y[t] > 0 && alpha[t] >= c[t]) || (y[t] < 0 && alpha[t] <= 0); // in I_low only
      const low = (y[t] > 0 && alpha[t] <= 0) || (y[t] < 0 && alpha[t] >= c[t]); // in I_up only
      if ((low && yg > gmax2) || (up && -yg > gmax)) continue;
      active[kept++] = t;
    }
    activeSize = kept;
    maxShrunk = Math.max(maxShrunk, n - kept);
  };
  let iter = 0;
  while (iter < maxIter) {
    if (shrinking && --countdown === 0) {
      countdown = shrinkEvery;
      shrink();
    }
    // Working set selection, second order (WSS3).
    let gmax = -Infinity, gmax2 = -Infinity, iIdx = -1, jIdx = -1, objMin = Infinity;
    for (let s = 0; s < activeSize; s++) {
      const t = active[s];
      if (y[t] > 0) {
        if (alpha[t] < c[t] && -grad[t] >= gmax) (gmax = -grad[t]), (iIdx = t);
      } else if (alpha[t] > 0 && grad[t] >= gmax) (gmax = grad[t]), (iIdx = t);
    }
    if (iIdx < 0 && activeSize === n) break;
    if (iIdx >= 0 && !filled[iIdx]) fillRow(iIdx);
    const ki = iIdx * n;
    const qdi = qd[iIdx];
    for (let s = 0; s < (iIdx < 0 ? 0 : activeSize); s++) {
      const t = active[s];
      let gradDiff: number;
      if (y[t] > 0) {
        if (!(alpha[t] > 0)) continue;
        gradDiff = gmax + grad[t];
        if (grad[t] >= gmax2) gmax2 = grad[t];
      } else {
        if (!(alpha[t] < c[t])) continue;
        gradDiff = gmax - grad[t];
        if (-grad[t] >= gmax2) gmax2 = -grad[t];
      }
      if (gradDiff > 0) {
        let quad = qdi + qd[t] - 2 * k[ki + t];
        if (quad <= 0) quad = TAU;
        const obj = -(gradDiff * gradDiff) / quad;
        if (obj <= objMin) (objMin = obj), (jIdx = t);
      }
    }
    if (gmax + gmax2 < eps || jIdx < 0) {
      if (activeSize === n) break;
      // Optimal on the active set: check again over all multipliers with their exact gradient.
      reactivate();
      countdown = shrinkEvery;
      continue;
    }
    iter++;
    if (!filled[jIdx]) fillRow(jIdx);
    const i = iIdx, j = jIdx, kj = j * n;
    const ci = c[i], cj = c[j];
    const oldI = alpha[i], oldJ = alpha[j];
    let ai = oldI, aj = oldJ;
    if (y[i] !== y[j]) {
      let quad = qd[i] + qd[j] - 2 * k[ki + j];
      if (quad <= 0) quad = TAU;
      const delta = (-grad[i] - grad[j]) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) (aj = 0), (ai = diff);
      } else if (ai < 0) (ai = 0), (aj = -diff);
      if (diff > ci - cj) {
        if (ai > ci) (ai = ci), (aj = ci - diff);
      } else if (aj > cj) (aj = cj), (ai = cj + diff);
    } else {
      let quad = qd[i] + qd[j] - 2 * k[ki + j];
      if (quad <= 0) quad = TAU;
      const delta = (grad[i] - grad[j]) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > ci) {
        if (ai > ci) (ai = ci), (aj = sum - ci);
      } else if (aj < 0) (aj = 0), (ai = sum);
      if (sum > cj) {
        if (aj > cj) (aj = cj), (ai = sum - cj);
      } else if (ai < 0) (ai = 0), (aj = sum);
    }
    alpha[i] = ai;
    alpha[j] = aj;
    // G_t += Q_ti dA_i + Q_tj dA_j with Q_ti = y_t y_i K_ti.
    const di = (ai - oldI) * y[i], dj = (aj - oldJ) * y[j];
    for (let s = 0; s < activeSize; s++) {
      const t = active[s];
      grad[t] += y[t] * (k[ki + t] * di + k[kj + t] * dj);
    }
  }
  if (activeSize < n) reactivate(); // stopped at the iteration cap while shrunk: exact gradients for rho
  // Offset from the free multipliers (or the middle of the feasible interval).
  let nFree = 0, sumFree = 0, ub = Infinity, lb = -Infinity, objective = 0;
  for (let t = 0; t < n; t++) {
    const yg = y[t] * grad[t];
    objective += alpha[t] * (grad[t] - 1);
    const atUpper = alpha[t] >= c[t], atLower = alpha[t] <= 0;
    if (atUpper) {
      if (y[t] < 0) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else if (atLower) {
      if (y[t] > 0) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else (nFree++), (sumFree += yg);
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter, converged: iter < maxIter, objective: objective / 2, maxShrunk };
}
