/**
 * Kernel matrices computed with one OpenBLAS `cblas_sgemm` when the native
 * libraries load, else with tfjs matrix products (wasm backend, blocked so
 * that memory stays bounded): Gram matrices, squared distances, RBF kernels,
 * written into plain or shared `Float32Array`s so that worker threads can
 * read them without a copy.
 *
 * @module
 */

import { initBackend } from "../runtime/backend.ts";
import { loadNative } from "../runtime/native/library.ts";
import { sgemm } from "../runtime/native/blas.ts";
import { expInPlace } from "../runtime/native/dnnl.ts";
import type { Matrix } from "../data/matrix.ts";

/** Kernels supported by the SVM. */
export type KernelName = "rbf" | "linear";

/** Kernel choice and parameter. */
export interface KernelSpec {
  kernel: KernelName;
  /** RBF width: K(x, z) = exp(-gamma ||x - z||^2). */
  gamma?: number;
}

/** Options of the kernel builders. */
export interface KernelOptions {
  /** Allocate the result in a `SharedArrayBuffer` (default true), for workers. */
  shared?: boolean;
  /** Rows of `a` per matrix product (default 1024). */
  blockRows?: number;
}

/** Allocates `n` floats, shared or not. */
export function allocFloat32(n: number, shared = true): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
}

/** Squared row norms of a matrix. */
export function rowSquaredNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let j = r * m.cols, end = j + m.cols; j < end; j++) s += m.data[j] * m.data[j];
    out[r] = s;
  }
  return out;
}

/**
 * The Gram matrix `a b'` (`a.rows x b.rows`), row-major.
 *
 * @example
 * ```ts
 * import type { Matrix } from "../data/matrix.ts";
 * declare const x: Matrix;
 * const g = await gramMatrix(x, x); // linear kernel
 * ```
 */
export async function gramMatrix(a: Matrix, b: Matrix, options: KernelOptions = {}): Promise<Float32Array> {
  if (a.cols !== b.cols) throw new RangeError(`column mismatch: ${a.cols} vs ${b.cols}`);
  const out = allocFloat32(a.rows * b.rows, options.shared ?? true);
  const native = loadNative();
  if (native) {
    // One product over the whole matrix: OpenBLAS computes the full square faster than the blocked tfjs products
    // compute half of it and mirror the rest (1.1 s against 1.8 s for 9,000 x 9,000 on 150 features, see
    // docs/performance.md).
    const da = a.data.byteOffset ? a.data.slice() : a.data, db = b.data.byteOffset ? b.data.slice() : b.data;
    const ptr = (x: Float32Array) => Deno.UnsafePointer.of(x);
    sgemm(native, { m: a.rows, n: b.rows, k: a.cols, transposeB: true, a: ptr(da), b: ptr(db), c: ptr(out) });
    return out;
  }
  const tf = await initBackend();
  const block = options.blockRows ?? 1024;
  // The wasm backend multiplies 10-20x faster with B transposed up front than with `transposeB`.
  const bt = tf.tidy(() => tf.transpose(tf.tensor2d(b.data, [b.rows, b.cols])));
  // A Gram matrix of a set with itself is symmetric: only the blocks on and right of the diagonal are multiplied,
  // the rest is mirrored (about half the work).
  const symmetric = a === b;
  try {
    for (let start = 0; start < a.rows; start += block) {
      const end = Math.min(a.rows, start + block);
      const first = symmetric ? start : 0;
      const values = tf.tidy(() => {
        const ab = tf.tensor2d(a.data.subarray(start * a.cols, end * a.cols), [end - start, a.cols]);
        return tf.matMul(ab, first ? tf.slice(bt, [0, first], [b.cols, b.rows - first]) : bt);
      });
      const data = await values.data() as Float32Array;
      values.dispose();
      const width = b.rows - first;
      for (let r = start; r < end; r++) {
        const row = data.subarray((r - start) * width, (r - start + 1) * width);
        out.set(row, r * b.rows + first);
        if (symmetric) { for (let j = r + 1 - first; j < width; j++) out[(first + j) * b.rows + r] = row[j]; }
      }
    }
  } finally {
    bt.dispose();
  }
  return out;
}

/** Squared Euclidean distances `||a_i - b_j||^2` (`a.rows x b.rows`), clipped at 0. */
export async function squaredDistances(a: Matrix, b: Matrix, options: KernelOptions = {}): Promise<Float32Array> {
  const out = await gramMatrix(a, b, options);
  const na = rowSquaredNorms(a), nb = rowSquaredNorms(b);
  for (let i = 0; i < a.rows; i++) {
    const base = i * b.rows, ni = na[i];
    for (let j = 0; j < b.rows; j++) {
      const d = ni + nb[j] - 2 * out[base + j];
      out[base + j] = d > 0 ? d : 0;
    }
  }
  return out;
}

/**
 * `exp(-gamma d)` for every squared distance `d`, into `out` (default: a new shared array; `distances` itself is
 * fine): oneDNN's vectorised exponentials when the native libraries load (Math.exp took 0.7 s of a 1.9 s kernel at
 * 9,000 rows).
 */
export function rbfFromDistances(distances: Float32Array, gamma: number, out?: Float32Array): Float32Array {
  const result = out ?? allocFloat32(distances.length);
  for (let i = 0; i < distances.length; i++) result[i] = -gamma * distances[i];
  const native = loadNative();
  if (native) expInPlace(native, result);
  else for (let i = 0; i < result.length; i++) result[i] = Math.exp(result[i]);
  return result;
}

/** The kernel matrix `K(a_i, b_j)` for a kernel spec. */
export async function kernelMatrix(
  a: Matrix,
  b: Matrix,
  spec: KernelSpec,
  options: KernelOptions = {},
): Promise<Float32Array> {
  if (spec.kernel === "linear") return await gramMatrix(a, b, options);
  if (!(spec.gamma! > 0)) throw new RangeError(`rbf kernel needs gamma > 0, got ${spec.gamma}`);
  const distances = await squaredDistances(a, b, options);
  return rbfFromDistances(distances, spec.gamma!, distances);
}
