/**
 * The tfjs runtime: the `wasm` backend with the replacement training kernels, the native engine (oneDNN / OpenBLAS
 * kernels through Deno FFI, `native/`), tensors from a `Dataset`, and the batched inference loop.
 *
 * @module
 */

export { type BackendName, type BackendOptions, initBackend, tf } from "./backend.ts";
export { type BatchOptions, batchProgress, mapBatches } from "./batches.ts";
export {
  manifestBytes,
  type ModelFileContents,
  type ModelJson,
  readModelFiles,
  readModelJson,
  readWeightFiles,
} from "./model_files.ts";
export { batchTensors, oneHotAt, rowsAt, type TensorOptions, type XY } from "./tensors.ts";
export { activeEngine, engineDescription, expectedEngineDescription, selectEngine } from "./native/engine.ts";
export {
  type ConvAlgorithm,
  type EngineName,
  loadNative,
  NATIVE_INSTALL_HINT,
  nativeConvAlgorithm,
  type NativeLibraries,
  type NativePrecision,
  nativePrecision,
  nativeThreadsPerReplica,
  nativeUnavailableReason,
  setNativeThreads,
  withConvAlgorithm,
  withNativePrecision,
} from "./native/library.ts";
