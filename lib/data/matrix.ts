/**
 * A dense row-major `Float32Array` matrix: the common currency of the
 * classical models (a `Dataset`'s pixels, PCA scores, kernel blocks).
 *
 * @module
 */

import type { Dataset } from "./dataset.ts";

/** A dense row-major matrix. */
export interface Matrix {
  /** `rows * cols` values, row-major. */
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Wraps values as a matrix, checking the size. */
export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) {
    throw new RangeError(`expected ${rows}x${cols} = ${rows * cols} values, got ${data.length}`);
  }
  return { data, rows, cols };
}

/** The pixels of a dataset as a `count x 784` matrix (no copy). */
export function datasetMatrix(ds: Dataset): Matrix {
  return matrix(ds.pixels, ds.count, ds.height * ds.width);
}

/** Accepts a `Dataset` or a `Matrix` and returns a `Matrix`. */
export function asMatrix(x: Matrix | Dataset): Matrix {
  return "pixels" in x ? datasetMatrix(x) : x;
}

/** A new matrix made of the given rows of `m`, in order. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float32Array(indices.length * m.cols);
  for (let r = 0; r < indices.length; r++) {
    const start = indices[r] * m.cols;
    out.set(m.data.subarray(start, start + m.cols), r * m.cols);
  }
  return matrix(out, indices.length, m.cols);
}
