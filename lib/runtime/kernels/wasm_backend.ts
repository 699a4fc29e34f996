/**
 * The part of the tfjs wasm backend that the replacement kernels of this folder
 * use: its public methods for allocating an output and reading the heap. A
 * structural type, because `@tensorflow/tfjs-backend-wasm` does not export its
 * backend class in a form Deno can name.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";

/** The wasm backend's methods for outputs on its heap. */
export interface WasmBackend {
  /** Allocates a tensor on the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of a tensor's data on the heap (invalid once the heap grows). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  /** How many tensors hold a tensor's data. */
  refCount(dataId: tf.DataId): number;
  /** Frees a tensor's data (`force`: whatever its reference count); true when it was freed. */
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}
