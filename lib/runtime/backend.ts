/**
 * Initialises `@tensorflow/tfjs` for CPU work in Deno: the `wasm` backend
 * (SIMD build, XNNPACK), loading its `.wasm` files from the installed npm
 * package, never from the network; on it the native engine's kernels
 * (oneDNN / OpenBLAS through FFI, `lib/runtime/native/`) when their libraries load.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installFastConvGradients } from "./kernels/register.ts";
import { selectEngine } from "./native/engine.ts";
import type { EngineName } from "./native/library.ts";

/** Backends this project can run on. */
export type BackendName = "wasm" | "cpu";

/** Options of {@linkcode initBackend}. */
export interface BackendOptions {
  /** Backend to select (default "wasm"). */
  backend?: BackendName;
  /**
   * Install the conv2d gradient kernels built on XNNPACK's forward conv
   * (default true; without them the stock wasm backend cannot train CNNs).
   */
  fastConvGradients?: boolean;
  /**
   * Kernels of the wasm backend: "native" (convolutions and matrix products on
   * oneDNN / OpenBLAS through FFI), "wasm", or "auto" (native when the libraries
   * load). Default: the engine an earlier call named, else `NOISY_DIGITS_ENGINE`,
   * else "auto". See `lib/runtime/native/`.
   */
  engine?: EngineName | "auto";
}

let wasmPathsSet = false;
/** The engine last asked for by name: later calls without `engine` keep it. */
let chosenEngine: EngineName | "auto" | undefined;

/** Directory URL of the installed `@tensorflow/tfjs-backend-wasm` binaries. */
export function wasmDirectory(): string {
  const simd = import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm");
  return simd.replace(/[^/]+$/, "");
}

/**
 * Selects and readies a tfjs backend, returning the `tf` namespace.
 *
 * @example
 * ```ts
 * const tf = await initBackend(); // wasm
 * ```
 */
export async function initBackend(options: BackendOptions = {}): Promise<typeof tf> {
  const name = options.backend ?? "wasm";
  if (name === "wasm" && !wasmPathsSet) {
    setWasmPaths(wasmDirectory());
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== name) {
    if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" failed to initialise`);
  }
  await tf.ready();
  if (options.engine !== undefined) chosenEngine = options.engine;
  const fast = options.fastConvGradients ?? true;
  if (!fast || name !== "wasm") selectEngine("wasm");
  installFastConvGradients(fast);
  if (fast && name === "wasm") selectEngine(chosenEngine);
  return tf;
}

export { tf };
