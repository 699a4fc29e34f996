/**
 * The tfjs runtime: the `wasm` backend with the replacement training kernels, tensors from a `Dataset`, and the batched inference loop.
 *
 * @module
 */

export * from "./backend.ts";
export * from "./batches.ts";
export * from "./tensors.ts";
