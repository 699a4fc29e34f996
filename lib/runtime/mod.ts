/**
 * The tfjs runtime: the `wasm` backend with the replacement training kernels, the native engine (oneDNN / OpenBLAS
 * kernels through Deno FFI, `native/`), tensors from a `Dataset`, and the batched inference loop.
 *
 * @module
 */

export * from "./backend.ts";
export * from "./batches.ts";
export * from "./tensors.ts";
export { activeEngine, engineDescription, expectedEngineDescription, selectEngine } from "./native/engine.ts";
export { type EngineName, loadNative, NATIVE_INSTALL_HINT, nativeUnavailableReason } from "./native/library.ts";
export * from "./model_files.ts";
