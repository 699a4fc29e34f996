/**
 * Row-major single-precision matrix products on OpenBLAS (`cblas_sgemm`)
 * over pointers, e.g. into the tfjs wasm heap.
 *
 * @example
 * ```ts
 * // c[m x n] = a[m x k] * b[k x n]
 * sgemm(lib, { m, n, k, a: aPtr, b: bPtr, c: cPtr });
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
