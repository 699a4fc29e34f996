/**
 * Initialises `@tensorflow/tfjs` for CPU work in Deno: the `wasm` backend
 * (SIMD build, XNNPACK), loading its `.wasm` files from the installed npm
 * package, never from the network.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installFastConvGradients } from "./kernels/register.ts";

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
}

let wasmPathsSet = false;

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
  installFastConvGradients(options.fastConvGradients ?? true);
  return tf;
}

export { tf };
