/**
 * Switches the tfjs wasm backend between the `wasm` engine (XNNPACK and this
 * project's replacement kernels) and the `native` engine (the same, with the
 * convolutions and matrix products on oneDNN / OpenBLAS, see `kernels.ts`).
 *
 * @example
 * ```ts
 * const engine = selectEngine(); // "native" when libdnnl2 and libopenblas0-pthread are installed
 * ```
 *
 * @module
 */

import {
  type EngineName,
  loadNative,
  NATIVE_INSTALL_HINT,
  nativePrecision,
  nativeThreadsPerReplica,
  nativeUnavailableReason,
  requestedEngine,
  setNativeThreads,
  winogradConvolutions,
} from "./library.ts";
import { installNativeKernels, uninstallNativeKernels } from "./kernels.ts";
import { installTrainingFusion, uninstallTrainingFusion } from "./fusion.ts";
import { installTrainingBatchNorm, uninstallTrainingBatchNorm } from "./batchnorm.ts";
import { useBackpropKernelsForConvGradient } from "../kernels/register.ts";

let active: EngineName = "wasm";
let warned = false;

/**
 * Installs the native kernels when `engine` (default: `NOISY_DIGITS_ENGINE`,
 * else automatic) asks for them and the libraries load; otherwise removes
 * them. Under the automatic choice a missing library prints one line and
 * the wasm engine runs; an explicit "native" that cannot load throws.
 * Returns the engine now active. Call it after the wasm backend is ready.
 */
export function selectEngine(engine: EngineName | "auto" = requestedEngine()): EngineName {
  uninstallNativeKernels();
  uninstallTrainingFusion();
  uninstallTrainingBatchNorm();
  useBackpropKernelsForConvGradient(false);
  active = "wasm";
  if (engine === "wasm") return active;
  const lib = loadNative();
  if (!lib) {
    if (engine === "native") {
      throw new Error(`native engine unavailable: ${nativeUnavailableReason()}; ${NATIVE_INSTALL_HINT}`);
    }
    if (!warned && nativeUnavailableReason() !== "NOISY_DIGITS_ENGINE=wasm") {
      console.error(`noisy-digits: native libraries not found, training on the wasm engine (${NATIVE_INSTALL_HINT})`);
    }
    warned = true;
    return active;
  }
  installNativeKernels(lib);
  installTrainingFusion(lib);
  installTrainingBatchNorm(lib);
  useBackpropKernelsForConvGradient(true);
  setNativeThreads(nativeThreadsPerReplica());
  return active = "native";
}

/**
 * " with bfloat16 operands" under `NOISY_DIGITS_PRECISION=bf16`, " by Winograd where it applies" under
 * `NOISY_DIGITS_CONV_ALGORITHM=winograd` (float32), else nothing (float32, direct: the study's published runs).
 */
function arithmeticNote(): string {
  if (nativePrecision() === "bf16") return " with bfloat16 operands (NOISY_DIGITS_PRECISION=bf16)";
  return winogradConvolutions() ? " by Winograd where oneDNN has it (NOISY_DIGITS_CONV_ALGORITHM=winograd)" : "";
}

/** The engine the last {@linkcode selectEngine} activated ("wasm" before any). */
export function activeEngine(): EngineName {
  return active;
}

/** One line for reports: which engine ran, with the library version. */
export function engineDescription(): string {
  if (active === "wasm") return "wasm (tfjs wasm backend, XNNPACK, this project's replacement kernels)";
  const lib = loadNative();
  return `native (oneDNN ${lib?.dnnlVersion} convolutions${arithmeticNote()} and OpenBLAS matrix products on the ` +
    "tfjs wasm heap, via FFI)";
}

/**
 * The engine a new process would pick under this environment (for reports written by a process that does not
 * train, such as `deno task reproduce`, whose notebook kernels inherit its environment).
 */
export function expectedEngineDescription(): string {
  let lib;
  try {
    lib = requestedEngine() === "wasm" ? null : loadNative();
  } catch (e) {
    return `none: ${(e as Error).message}`;
  }
  if (!lib) {
    const why = nativeUnavailableReason();
    return `wasm (tfjs wasm backend, XNNPACK, this project's replacement kernels; native unavailable: ${why})`;
  }
  return `native (oneDNN ${lib.dnnlVersion}${arithmeticNote()} and OpenBLAS kernels on the tfjs wasm heap via FFI, ` +
    `${nativeThreadsPerReplica()} library thread(s) per replica)`;
}
