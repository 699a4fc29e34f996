/**
 * The machine's limit for the training bench: this machine's single-precision matrix-product peak (the faster of
 * OpenBLAS' `cblas_sgemm` and oneDNN's `dnnl_sgemm` on square matrices, measured in the same run as the networks),
 * its bfloat16 peak (oneDNN's matmul primitive, on AMX where the CPU has it) for the figures with bfloat16
 * convolutions, and the multiply-adds a network needs per image, so that each network's images/s becomes an achieved
 * GMAC/s and a share of the peak in its precision.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import {
  loadNative,
  type NativeLibraries,
  type NativePrecision,
  nativeThreadsPerReplica,
  setNativeThreads,
} from "noisy-digits/runtime";
// internal: the peak is measured on the engine's own calls
import { sgemm } from "../../lib/runtime/native/blas.ts";
import { check, ownBuffersMatmul } from "../../lib/runtime/native/dnnl.ts";

/** The products whose rate is measured: OpenBLAS' `cblas_sgemm` (the engine's matrix products) and oneDNN's. */
export type GemmLibrary = "openblas" | "onednn";

/**
 * Multiply-adds (GMAC = 1e9 of them) per second of `library`'s single-precision product on `threads` threads:
 * products of two `size` x `size` matrices, repeated for at least `seconds` after one untimed product; the best of
 * three such rounds (a busy machine only ever makes a rate lower).
 */
export function sgemmRate(
  lib: NativeLibraries,
  library: GemmLibrary,
  threads: number,
  size = 1024,
  seconds = 0.4,
): number {
  const a = new Float32Array(size * size).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = a.slice().reverse(), c = new Float32Array(size * size);
  const P = (v: Float32Array) => Deno.UnsafePointer.of(v as Float32Array<ArrayBuffer>);
  const [pa, pb, pc] = [P(a), P(b), P(c)];
  const N = "N".charCodeAt(0), n = BigInt(size);
  const product = library === "openblas"
    ? () => sgemm(lib, { m: size, n: size, k: size, a: pa, b: pb, c: pc })
    : () => check(lib.dnnl.dnnl_sgemm(N, N, n, n, n, 1, pa, n, pb, n, 0, pc, n), "dnnl_sgemm");
  return productRate(product, threads, size, seconds);
}

/**
 * GMAC/s of oneDNN's matmul primitive in `precision` on `threads` threads, `size` x `size` operands in its own
 * buffers (the second one in the layout it picks, as a convolution's filter), with the implementation oneDNN chose:
 * the bfloat16 peak (AMX where the CPU has it) that the bf16 figures are read against. Best of three rounds, as
 * {@linkcode sgemmRate}.
 */
export function matmulRate(
  lib: NativeLibraries,
  precision: NativePrecision,
  threads: number,
  size = 1024,
  seconds = 0.4,
): { gmacs: number; impl: string } {
  setNativeThreads(threads); // oneDNN's OpenMP threads when the primitive is created and run
  try {
    const m = ownBuffersMatmul(lib, size, precision);
    return { gmacs: productRate(() => m.run(), threads, size, seconds), impl: m.impl };
  } finally {
    setNativeThreads(nativeThreadsPerReplica());
  }
}

/** The best of three rounds of `product` (one `size`-cubed product) on `threads` threads, in GMAC/s. */
function productRate(product: () => void, threads: number, size: number, seconds: number): number {
  setNativeThreads(threads);
  try {
    product();
    let best = 0;
    for (let round = 0; round < 3; round++) {
      let count = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < (seconds * 1000) / 3) {
        product();
        count++;
        t = performance.now();
      }
      best = Math.max(best, (count * size ** 3) / ((t - t0) / 1000) / 1e9);
    }
    return best;
  } finally {
    setNativeThreads(nativeThreadsPerReplica());
  }
}

/** Multiply-adds per image of a network's products (convolutions and dense layers; elementwise work not counted). */
export interface NetworkMacs {
  /** One forward pass. */
  forward: number;
  /**
   * One training step: the forward pass, every layer's weight gradient (as many multiply-adds as its forward
   * product) and every input gradient but the first weighted layer's (whose input needs none).
   */
  trainingStep: number;
}

/**
 * Multiply-adds per image of `model`'s convolutions (`[kh, kw, ci, co]` kernels: `oh * ow * kh * kw * ci * co`) and
 * dense layers (`[in, out]` kernels: `in * out` per output row). Throws for a layer with a kernel of another rank, so
 * that a network the count does not understand is never given a wrong figure.
 */
export function networkMacs(model: tf.LayersModel): NetworkMacs {
  const perLayer: number[] = [];
  for (const layer of model.layers) {
    const kernel = layer.trainableWeights.find((w) => /kernel/.test(w.originalName));
    if (!kernel) continue;
    const k = kernel.shape as number[], out = layer.outputShape as (number | null)[];
    if (k.length === 4 && out.length === 4) perLayer.push(out[1]! * out[2]! * k[0] * k[1] * k[2] * k[3]);
    else if (k.length === 2) perLayer.push(out.slice(1, -1).reduce<number>((p, d) => p * d!, 1) * k[0] * k[1]);
    else throw new Error(`networkMacs: layer ${layer.name} has a kernel of shape [${k}]`);
  }
  const forward = perLayer.reduce((s, v) => s + v, 0);
  return { forward, trainingStep: 3 * forward - (perLayer[0] ?? 0) };
}

/** `imagesPerSecond` at `macsPerImage` as GMAC/s, and its share of `peak` (GMAC/s), for the bench's notes. */
export function achieved(imagesPerSecond: number, macsPerImage: number, peak: number): { gmac: number; share: number } {
  const gmac = (imagesPerSecond * macsPerImage) / 1e9;
  return { gmac, share: peak > 0 ? gmac / peak : NaN };
}

/** This machine's sgemm peak (the faster library) on one core and on `cores` cores, in GMAC/s. */
export interface MachinePeak {
  oneCore: number;
  allCores: number;
  cores: number;
}

/**
 * The bench's sgemm peak of this machine, on one core and on `cores` (the training engine's cores), measured now
 * (about 3 seconds); null where the native libraries cannot be loaded.
 */
export function machinePeak(cores: number): MachinePeak | null {
  let lib: NativeLibraries | null;
  try {
    lib = loadNative();
  } catch {
    return null;
  }
  if (!lib) return null;
  const native = lib;
  const rate = (n: number) => Math.max(sgemmRate(native, "openblas", n), sgemmRate(native, "onednn", n));
  return { oneCore: rate(1), allCores: cores > 1 ? rate(cores) : rate(1), cores };
}
