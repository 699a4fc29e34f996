/**
 * Test support: one computation on the `cpu` backend and on the `wasm`
 * backend with a chosen engine's kernels (the wasm replacements or the native
 * ones), from the same inputs, for kernels tested against `cpu`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { activeEngine, type EngineName, initBackend, type tf } from "noisy-digits/runtime";

/** Outputs of {@linkcode onCpuAndWasm}, per backend. */
export type BackendOutputs = Record<"cpu" | "wasm", Float32Array[]>;

/**
 * Runs `f` on the cpu backend and on the wasm backend with `engine`'s kernels
 * (asserted active), with the same inputs, and returns both outputs; fails
 * when `f` leaks a tensor.
 */
export async function onCpuAndWasm(
  inputs: Float32Array[],
  shapes: number[][],
  f: (...ts: tf.Tensor[]) => tf.Tensor[],
  engine: EngineName = "wasm",
): Promise<BackendOutputs> {
  const out = {} as BackendOutputs;
  for (const backend of ["cpu", "wasm"] as const) {
    const t = await initBackend({ backend, engine });
    if (backend === "wasm") assert.equal(activeEngine(), engine, `the ${engine} engine is active`);
    const ts = inputs.map((v, i) => t.tensor(v, shapes[i]));
    const before = t.memory().numTensors;
    const rs = t.tidy(() => f(...ts));
    out[backend] = rs.map((r) => Float32Array.from(r.dataSync()));
    t.dispose(rs);
    assert.equal(t.memory().numTensors, before, `${backend}: tensors leaked`);
    t.dispose(ts);
  }
  return out;
}
