/**
 * Row-major single-precision matrix products on OpenBLAS (`cblas_sgemm`)
 * over pointers, e.g. into the tfjs wasm heap.
 *
 * @example
 * ```ts
 * import { loadNative } from "./library.ts";
 * const lib = loadNative();
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]), c = new Float32Array(4);
 * // c[2 x 2] = a[2 x 2] * b[2 x 2]
 * const ptr = (x: Float32Array) => Deno.UnsafePointer.of(x);
 * if (lib) sgemm(lib, { m: 2, n: 2, k: 2, a: ptr(a), b: ptr(b), c: ptr(c) });
 * ```
 *
 * @module
 */

import type { NativeLibraries } from "./library.ts";
import { CBLAS } from "./symbols.ts";

/** One product `c = a' * b'` (primes: optional transposes), all row-major. */
export interface Gemm {
  m: number;
  n: number;
  k: number;
  /** `a` is stored `[k, m]` and used transposed. */
  transposeA?: boolean;
  /** `b` is stored `[n, k]` and used transposed. */
  transposeB?: boolean;
  a: Deno.PointerValue;
  b: Deno.PointerValue;
  c: Deno.PointerValue;
}

/** Runs `c = a' * b'`. */
export function sgemm(lib: NativeLibraries, g: Gemm): void {
  const ta = g.transposeA ?? false, tb = g.transposeB ?? false;
  if (g.m === 0 || g.n === 0) return;
  lib.blas.cblas_sgemm(
    CBLAS.rowMajor,
    ta ? CBLAS.trans : CBLAS.noTrans,
    tb ? CBLAS.trans : CBLAS.noTrans,
    g.m,
    g.n,
    g.k,
    1,
    g.a,
    ta ? g.m : g.k,
    g.b,
    tb ? g.k : g.n,
    0,
    g.c,
    g.n,
  );
}
