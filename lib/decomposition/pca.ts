/**
 * Principal component analysis with scikit-learn's shape (`fit` /
 * `transform`, `nComponents`, `whiten`, explained variance). The covariance
 * `X'X` is formed with a tfjs matrix product; its leading eigenvectors come
 * from `ml-matrix`, either by a full symmetric eigendecomposition ("full") or
 * by a randomized range finder with power iterations followed by a small
 * eigendecomposition ("randomized", Halko, Martinsson & Tropp 2011).
 *
 * @module
 */

import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import type { Dataset } from "../data/dataset.ts";
import { createRandom } from "../util/random.ts";
import { initBackend } from "../runtime/backend.ts";
import { asMatrix, type Matrix, matrix } from "../data/matrix.ts";
import { Estimator } from "../util/estimator.ts";

/** Hyperparameters of {@linkcode PCA}. */
export interface PCAOptions {
  /** Components kept (default: all features). */
  nComponents?: number;
  /** Scale the scores to unit variance (default false). */
  whiten?: boolean;
  /** Eigen solver (default "randomized" when fewer than 80 % of the features are kept, else "full"). */
  solver?: "full" | "randomized";
  /** Extra random directions of the range finder (default 10, as scikit-learn). */
  oversamples?: number;
  /** Power iterations of the range finder (default 4). */
  powerIterations?: number;
  /** Seed of the random directions (default 42). */
  seed?: number;
}

/** Fitted state of a {@linkcode PCA}, plain data (serialisable). */
export interface PCAState {
  /** Feature means (length: features). */
  mean: Float64Array;
  /** Components, row-major `nComponents x features` (unit rows, by decreasing variance). */
  components: Matrix;
  /** Variance of the data along each component (divisor n - 1). */
  explainedVariance: Float64Array;
  /** Share of the total variance along each component. */
  explainedVarianceRatio: Float64Array;
}

/**
 * A PCA: hyperparameters in the constructor (kept as given, defaults applied
 * by `fit`), the fitted state read-only.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * declare const train: Dataset;
 * const pca = new PCA({ nComponents: 150, whiten: true, solver: "randomized" });
 * const z = await pca.fitTransform(train);
 * ```
 */
export class PCA extends Estimator<PCAOptions, PCAState> {
  constructor(options: PCAOptions = {}) {
    super("PCA", options);
  }

  /** A fitted PCA from its state (as {@linkcode PCA.state} gave it, e.g. read from a file). */
  static fromState(options: PCAOptions, state: PCAState): PCA {
    const pca = new PCA(options);
    pca.setState(state);
    return pca;
  }

  /** Feature means (length: features). */
  get mean(): Float64Array {
    return this.state.mean;
  }

  /** Components, row-major `nComponents x features` (unit rows, by decreasing variance). */
  get components(): Matrix {
    return this.state.components;
  }

  /** Variance of the data along each component (divisor n - 1). */
  get explainedVariance(): Float64Array {
    return this.state.explainedVariance;
  }

  /** Share of the total variance along each component. */
  get explainedVarianceRatio(): Float64Array {
    return this.state.explainedVarianceRatio;
  }

  /** Learns the mean and components of `x`. */
  async fit(x: Matrix | Dataset): Promise<this> {
    const m = asMatrix(x);
    const d = m.cols, n = m.rows;
    const k = Math.min(this.options.nComponents ?? d, d, n);
    const solver = this.options.solver ?? (k < 0.8 * d ? "randomized" : "full");
    const mean = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += m.data[r * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    const cov = await scatterMatrix(m, mean);
    let totalVariance = 0;
    for (let j = 0; j < d; j++) totalVariance += cov.get(j, j) / (n - 1);
    const { values, vectors } = solver === "full" ? fullEigen(cov, k) : this.randomizedEigen(cov, k);
    const components = new Float32Array(k * d);
    const variance = new Float64Array(k), ratio = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      variance[c] = Math.max(values[c], 0) / (n - 1);
      ratio[c] = variance[c] / totalVariance;
      for (let j = 0; j < d; j++) components[c * d + j] = vectors.get(j, c);
    }
    this.setState({
      mean,
      components: matrix(components, k, d),
      explainedVariance: variance,
      explainedVarianceRatio: ratio,
    });
    return this;
  }

  /** Projects `x` on the components (whitened when asked). */
  async transform(x: Matrix | Dataset): Promise<Matrix> {
    const m = asMatrix(x);
    const comps = this.components;
    if (m.cols !== comps.cols) throw new RangeError(`expected ${comps.cols} features, got ${m.cols}`);
    const tf = await initBackend();
    const scale = Float32Array.from(
      this.explainedVariance,
      (v) => (this.options.whiten ?? false ? 1 / Math.sqrt(v || 1) : 1),
    );
    const mean = Float32Array.from(this.mean);
    const out = tf.tidy(() => {
      const xc = tf.sub(tf.tensor2d(m.data, [m.rows, m.cols]), tf.tensor1d(mean));
      const basis = tf.transpose(tf.tensor2d(comps.data, [comps.rows, comps.cols]));
      return tf.mul(tf.matMul(xc, basis), tf.tensor1d(scale));
    });
    const data = await out.data() as Float32Array;
    out.dispose();
    return matrix(data, m.rows, comps.rows);
  }

  /** `fit` then `transform` on the same data. */
  async fitTransform(x: Matrix | Dataset): Promise<Matrix> {
    await this.fit(x);
    return await this.transform(x);
  }

  private randomizedEigen(cov: MlMatrix, k: number): { values: number[]; vectors: MlMatrix } {
    const d = cov.rows;
    const l = Math.min(d, k + (this.options.oversamples ?? 10));
    const rng = createRandom(this.options.seed ?? 42);
    const gaussian = () => {
      const u = rng.next() || 1e-12, v = rng.next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    // The range finder works on plain column-major Float64Arrays (ml-matrix's QR and products took 1.3 s of the
    // 2 s fit at 784 x 160): an orthonormal basis of the same span gives the same Ritz vectors up to rounding.
    const c = Float64Array.from(cov.to1DArray());
    // The draws fill the d x l start matrix row by row, as before the column-major rewrite (same subspace per seed).
    const draws = Float64Array.from({ length: d * l }, gaussian), start = new Float64Array(d * l);
    for (let i = 0; i < d; i++) for (let j = 0; j < l; j++) start[j * d + i] = draws[i * l + j];
    let q = orthonormalColumns(start, d, l);
    for (let it = 0; it <= (this.options.powerIterations ?? 4); it++) {
      q = orthonormalColumns(symmetricTimes(c, q, d, l), d, l);
    }
    // Rayleigh-Ritz: eigenpairs of the small projected matrix Q'CQ.
    const qm = new MlMatrix(d, l);
    for (let j = 0; j < l; j++) for (let i = 0; i < d; i++) qm.set(i, j, q[j * d + i]);
    const small = qm.transpose().mmul(cov).mmul(qm);
    const { values, vectors } = fullEigen(symmetrize(small), k);
    return { values, vectors: qm.mmul(vectors) };
  }
}

/** `c q` for a symmetric `d x d` matrix `c` (row-major) and `l` column-major columns `q` of length `d`. */
function symmetricTimes(c: Float64Array, q: Float64Array, d: number, l: number): Float64Array {
  const out = new Float64Array(d * l);
  for (let j = 0; j < l; j++) {
    const col = q.subarray(j * d, (j + 1) * d), dst = j * d;
    // Row i of a symmetric matrix is its column i: out_ij = sum_k c_ik q_kj.
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let k = 0, base = i * d; k < d; k++) sum += c[base + k] * col[k];
      out[dst + i] = sum;
    }
  }
  return out;
}

/**
 * Orthonormal columns spanning those of `a` (`d x l`, column-major, overwritten; `l <= d`): modified Gram-Schmidt
 * applied twice per column ("twice is enough", Giraud, Langou & Rozloznik 2005). A column that is (numerically) in
 * the span of the previous ones is replaced by the first unit vector that is not, so the result is always an
 * orthonormal basis, as Householder QR gives.
 */
export function orthonormalColumns(a: Float64Array, d: number, l: number): Float64Array {
  const project = (v: Float64Array, j: number) => {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const u = a.subarray(p * d, (p + 1) * d);
        let dot = 0;
        for (let i = 0; i < d; i++) dot += u[i] * v[i];
        for (let i = 0; i < d; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += v[i] * v[i];
    return Math.sqrt(norm);
  };
  for (let j = 0; j < l; j++) {
    const v = a.subarray(j * d, (j + 1) * d);
    let before = 0;
    for (let i = 0; i < d; i++) before += v[i] * v[i];
    let norm = project(v, j);
    for (let t = 0; !(norm > 1e-8 * Math.sqrt(before)) && t < d; t++) {
      v.fill(0);
      v[t] = 1;
      before = 1;
      norm = project(v, j);
    }
    for (let i = 0; i < d; i++) v[i] /= norm;
  }
  return a;
}

function symmetrize(a: MlMatrix): MlMatrix {
  return a.add(a.transpose()).mul(0.5);
}

/** Leading `k` eigenpairs of a symmetric matrix, by decreasing eigenvalue. */
function fullEigen(a: MlMatrix, k: number): { values: number[]; vectors: MlMatrix } {
  const evd = new EigenvalueDecomposition(a, { assumeSymmetric: true });
  const all = evd.realEigenvalues;
  const order = all.map((v, i) => [v, i] as const).sort((p, q) => q[0] - p[0]).slice(0, k).map((p) => p[1]);
  const vectors = evd.eigenvectorMatrix.subMatrixColumn(order);
  // Deterministic signs: the largest-magnitude entry of each vector is positive.
  for (let c = 0; c < order.length; c++) {
    let best = 0;
    for (let j = 0; j < vectors.rows; j++) if (Math.abs(vectors.get(j, c)) > Math.abs(vectors.get(best, c))) best = j;
    if (vectors.get(best, c) < 0) { for (let j = 0; j < vectors.rows; j++) vectors.set(j, c, -vectors.get(j, c)); }
  }
  return { values: order.map((i) => all[i]), vectors };
}

/** The centred scatter matrix (X - mean)'(X - mean), `features x features`, in float64. */
async function scatterMatrix(m: Matrix, mean: Float64Array): Promise<MlMatrix> {
  const tf = await initBackend();
  const t = tf.tidy(() => {
    const xc = tf.sub(tf.tensor2d(m.data, [m.rows, m.cols]), tf.tensor1d(Float32Array.from(mean)));
    return tf.matMul(tf.transpose(xc), xc);
  });
  const data = await t.data();
  t.dispose();
  const out = new MlMatrix(m.cols, m.cols);
  for (let i = 0; i < m.cols; i++) {
    for (let j = 0; j < m.cols; j++) out.set(i, j, (data[i * m.cols + j] + data[j * m.cols + i]) / 2);
  }
  return out;
}
