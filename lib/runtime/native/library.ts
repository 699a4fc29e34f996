/**
 * Loading of the native libraries behind the `native` training engine: oneDNN
 * (`libdnnl.so.2`, Debian package `libdnnl2`) for convolutions and OpenBLAS
 * (`libopenblas.so.0`, `libopenblas0-pthread`) for matrix products, through
 * Deno's FFI (`Deno.dlopen`, which needs `--allow-ffi`, included in `-A`).
 *
 * The engine is chosen by `NOISY_DIGITS_ENGINE`: `native` (fail with an
 * install hint when a library is missing), `wasm` (never load them) or unset
 * / `auto` (native when both libraries load, else wasm with one line on
 * stderr saying why). `NOISY_DIGITS_DNNL_LIBRARY` / `NOISY_DIGITS_BLAS_LIBRARY`
 * name other library files (e.g. a oneDNN built elsewhere).
 * `NOISY_DIGITS_PRECISION=bf16` makes the native convolutions read their
 * operands in bfloat16 (see {@linkcode nativePrecision}).
 *
 * @example
 * ```ts
 * const native = loadNative(); // null on the wasm engine
 * if (native) console.log(native.dnnlVersion);
 * ```
 *
 * @module
 */

import { envChoice, envPositiveInteger, withEnv } from "../../util/env.ts";
import { BLAS_SYMBOLS, DNNL_SYMBOLS, OMP_SYMBOLS } from "./symbols.ts";

/** The engine a process trains and infers on. */
export type EngineName = "native" | "wasm";

/** What a user must do to get the native engine (also shown by notebooks that lose it). */
export const NATIVE_INSTALL_HINT =
  "install the Debian packages libdnnl2 and libopenblas0-pthread (apt-get install libdnnl2 libopenblas0-pthread, " +
  "or run .ci/setup) and allow FFI (deno run -A, or --allow-ffi; the Deno Jupyter kernel runs with -A)";

/** The loaded native libraries. */
export interface NativeLibraries {
  dnnl: Deno.DynamicLibrary<typeof DNNL_SYMBOLS>["symbols"];
  blas: Deno.DynamicLibrary<typeof BLAS_SYMBOLS>["symbols"];
  /** OpenMP runtime of oneDNN (libgomp), for per-thread thread counts; null when absent. */
  omp: Deno.DynamicLibrary<typeof OMP_SYMBOLS>["symbols"] | null;
  /** oneDNN's version, e.g. "2.6.3". */
  dnnlVersion: string;
}

let loaded: NativeLibraries | null | undefined;
let reason = "";

/** The engine `NOISY_DIGITS_ENGINE` asks for ("auto" when unset). */
export function requestedEngine(): EngineName | "auto" {
  return envChoice("NOISY_DIGITS_ENGINE", ["native", "wasm", "auto"], "auto");
}

function open<S extends Deno.ForeignLibraryInterface>(names: string[], symbols: S): Deno.DynamicLibrary<S> {
  const errors: string[] = [];
  for (const name of names) {
    try {
      return Deno.dlopen(name, symbols);
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(errors.join("; "));
}

/** The library file names to try: the one in `variable` when set (a build elsewhere), else the Debian ones. */
function libraryNames(variable: string, defaults: string[]): string[] {
  const v = Deno.env.get(variable);
  return v ? [v] : defaults;
}

/**
 * Loads oneDNN and OpenBLAS once per thread (each worker loads its own
 * handle). Returns null on the wasm engine (requested, or libraries absent
 * under "auto"); throws when "native" is requested and cannot load.
 */
export function loadNative(): NativeLibraries | null {
  if (loaded !== undefined) return loaded;
  const want = requestedEngine();
  if (want === "wasm") {
    reason = "NOISY_DIGITS_ENGINE=wasm";
    return (loaded = null);
  }
  try {
    // OpenMP threads that wait for work sleep instead of spinning: on a busy machine spinning threads took the
    // cores from the others (2 threads trained at 32 images per CPU-second spinning, 110 passive, 120 one thread).
    if (Deno.env.get("OMP_WAIT_POLICY") === undefined) Deno.env.set("OMP_WAIT_POLICY", "passive");
    const dnnl = open(libraryNames("NOISY_DIGITS_DNNL_LIBRARY", ["libdnnl.so.2", "libdnnl.so"]), DNNL_SYMBOLS).symbols;
    const blas = open(
      libraryNames("NOISY_DIGITS_BLAS_LIBRARY", ["libopenblas.so.0", "libopenblas.so"]),
      BLAS_SYMBOLS,
    ).symbols;
    let omp: NativeLibraries["omp"] = null;
    try {
      omp = open(["libgomp.so.1"], OMP_SYMBOLS).symbols;
    } catch {
      omp = null;
    }
    const v = new Deno.UnsafePointerView(dnnl.dnnl_version()!);
    const dnnlVersion = `${v.getInt32(0)}.${v.getInt32(4)}.${v.getInt32(8)}`;
    loaded = { dnnl, blas, omp, dnnlVersion };
  } catch (e) {
    reason = (e as Error).message;
    if (want === "native") {
      throw new Error(
        `NOISY_DIGITS_ENGINE=native but the native libraries do not load (${reason}): ${NATIVE_INSTALL_HINT}`,
      );
    }
    loaded = null;
  }
  return loaded;
}

/** Why {@linkcode loadNative} returned null ("" when it did not, or was not called). */
export function nativeUnavailableReason(): string {
  return reason;
}

/** The precision of the native convolutions' operands: `f32`, or `bf16` (bfloat16 operands, float32 sums). */
export type NativePrecision = "f32" | "bf16";

/**
 * The precision of the native convolutions' operands, `NOISY_DIGITS_PRECISION`: `f32` (default, float32
 * throughout, as the study's published runs) or `bf16`: each convolution (forward, input and filter gradient) rounds
 * the activations and the filter it reads to bfloat16 (8 significant bits) and sums in float32, on the CPU's AMX or
 * AVX512_BF16 units where it has them (oneDNN refuses a bf16 convolution it has no implementation for on this CPU).
 * Outputs, weights, the optimizer and every other layer stay float32. Read on every convolution call, so a change
 * applies from the next call on, in the main thread and in the workers alike.
 */
export function nativePrecision(): NativePrecision {
  return envChoice("NOISY_DIGITS_PRECISION", ["f32", "bf16"], "f32");
}

/**
 * Runs `f` with `NOISY_DIGITS_PRECISION` set to `precision` (for every thread of the process), then restores the
 * variable as it was, whether `f` succeeds or throws.
 *
 * @example
 * ```ts
 * await withNativePrecision("bf16", () => console.log(nativePrecision())); // "bf16"
 * ```
 */
export function withNativePrecision<T>(precision: NativePrecision, f: () => T | Promise<T>): Promise<T> {
  return withEnv("NOISY_DIGITS_PRECISION", precision, f);
}

/** How the native float32 convolutions compute: `direct`, or `winograd` (oneDNN's Winograd, F(4x4, 3x3)). */
export type ConvAlgorithm = "direct" | "winograd";

/**
 * The algorithm of the native float32 convolutions, `NOISY_DIGITS_CONV_ALGORITHM`: `direct` (default) or `winograd`:
 * each 3x3, stride-1 convolution with at least 16 input and 16 output channels runs oneDNN's Winograd algorithm
 * (a quarter of the multiplications in its elementwise stage, about twice as fast here, on activations in oneDNN's
 * blocked layout, converted on the way in and out), where oneDNN has it for this CPU; any other convolution, or one
 * oneDNN refuses, runs direct. bfloat16 convolutions stay direct. Read on every convolution call, as
 * {@linkcode nativePrecision}.
 */
export function nativeConvAlgorithm(): ConvAlgorithm {
  return envChoice("NOISY_DIGITS_CONV_ALGORITHM", ["direct", "winograd"], "direct");
}

/**
 * Whether the native convolutions run by Winograd now: {@linkcode nativeConvAlgorithm} asks for it and the operands
 * are float32 (bfloat16 convolutions stay direct). Per convolution, oneDNN still decides which shapes it takes.
 */
export function winogradConvolutions(): boolean {
  return nativeConvAlgorithm() === "winograd" && nativePrecision() === "f32";
}

/**
 * Runs `f` with `NOISY_DIGITS_CONV_ALGORITHM` set to `algorithm`, then restores the variable, as
 * {@linkcode withNativePrecision}.
 *
 * @example
 * ```ts
 * await withConvAlgorithm("winograd", () => console.log(nativeConvAlgorithm())); // "winograd"
 * ```
 */
export function withConvAlgorithm<T>(algorithm: ConvAlgorithm, f: () => T | Promise<T>): Promise<T> {
  return withEnv("NOISY_DIGITS_CONV_ALGORITHM", algorithm, f);
}

/**
 * Threads of the native libraries per model replica: `NOISY_DIGITS_NATIVE_THREADS`, default 1 (one replica per
 * core, each single-threaded, trained fastest on this project's 2-core machine; see docs/performance.md, the native engine).
 */
export function nativeThreadsPerReplica(): number {
  return envPositiveInteger("NOISY_DIGITS_NATIVE_THREADS", 1);
}

/** Threads the last {@linkcode setNativeThreads} of this thread (worker) set; 0 before any (libraries' defaults). */
let threadsSet = 0;

/**
 * Sets the threads oneDNN (OpenMP, for the calling thread) and OpenBLAS use.
 * One per replica is what the engine uses with a worker per core.
 */
export function setNativeThreads(threads: number): void {
  const lib = loadNative();
  if (!lib) return;
  const n = Math.max(1, Math.floor(threads));
  lib.omp?.omp_set_num_threads(n);
  lib.blas.openblas_set_num_threads(n);
  threadsSet = n;
}

/**
 * The native threads now set for this thread (0: none set yet). oneDNN fixes a primitive's threads when it creates
 * it, so the primitive caches are kept per thread count.
 */
export function nativeThreads(): number {
  return threadsSet;
}
