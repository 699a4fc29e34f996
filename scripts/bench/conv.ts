/**
 * Bench suite "conv" (run only when named: `deno task bench conv`): each convolution of the 4-conv CNN and the
 * study's best network, timed alone on one thread at batch 64 as the native engine runs it (the filter's reorder
 * and, by Winograd or in bfloat16, the activations' conversions included), by the direct algorithm and by
 * Winograd (`NOISY_DIGITS_CONV_ALGORITHM=winograd`), and in bfloat16 where the CPU has it: forward pass (with bias and
 * ReLU), input gradient and filter gradient, medians of `BENCH_CONV_REPEATS` (default 20) after two warm-ups, in
 * ms. A convolution the setting does not apply to (the first of each network: 1 or 2 input channels) runs direct
 * under it, and its row says so.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { BenchEntry, BenchSuite } from "./types.ts";
import { initBackend, loadNative, setNativeThreads } from "noisy-digits/runtime";
import { envPositiveInteger } from "noisy-digits/util";
import { fourConvCnn } from "noisy-digits/networks";
import { bestCnn } from "noisy-digits/study";
// internal: the suite times the engine's convolution primitives themselves
import { type ConvKind, convPrimitive, type ConvSpec, same3x3 } from "../../lib/runtime/native/dnnl.ts";

const BATCH = 64;
const KINDS: ConvKind[] = ["forward+bias+relu", "input", "filter"];
const SETTINGS = [
  { label: "direct", precision: "f32", algorithm: "direct" },
  { label: "Winograd", precision: "f32", algorithm: "winograd" },
  { label: "bf16", precision: "bf16", algorithm: "direct" },
] as const;

/** The same-padded 3x3 convolutions of `model`, at batch {@linkcode BATCH}, each once. */
function convSpecs(model: tf.LayersModel): ConvSpec[] {
  const seen = new Set<string>();
  return model.layers.filter((l) => l.getClassName() === "Conv2D").flatMap((l) => {
    const [, h, w, ci] = (l.input as tf.SymbolicTensor).shape as number[];
    const co = ((l.output as tf.SymbolicTensor).shape as number[])[3];
    const key = `${h}x${w}x${ci}->${co}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [same3x3([BATCH, h, w, ci], co)];
  });
}

/** Median ms of `run` over `repeats` calls after two warm-ups. */
function median(run: () => void, repeats: number): number {
  run();
  run();
  const times = Array.from({ length: repeats }, () => {
    const t0 = performance.now();
    run();
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  return times[Math.floor(repeats / 2)];
}

/** Direct, Winograd and bfloat16 convolutions of both networks, one thread, ms per call. */
export const convSuite: BenchSuite = {
  name: "conv",
  explicit: true,
  async run(): Promise<BenchEntry[]> {
    const lib = loadNative();
    if (!lib) return [{ name: "conv", value: "skipped", unit: "", note: "no native libraries" }];
    await initBackend({ backend: "wasm", engine: "native" }); // the networks are built only for their shapes
    setNativeThreads(1);
    const repeats = envPositiveInteger("BENCH_CONV_REPEATS", 20);
    const entries: BenchEntry[] = [];
    for (
      const [network, build] of [["4-conv CNN", () => fourConvCnn({ seed: 1 })], ["best network", () => bestCnn(1)]]
    ) {
      const model = (build as () => tf.LayersModel)();
      for (const spec of convSpecs(model)) {
        const [, h, w, ci] = spec.x, co = spec.filter[3];
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        const x = new Float32Array(size(spec.x)).fill(0.5), y = new Float32Array(size(spec.y)).fill(0.25);
        const filter = new Float32Array(size(spec.filter)).fill(0.01), bias = new Float32Array(co);
        const p = (a: Float32Array) => Deno.UnsafePointer.of(a as Float32Array<ArrayBuffer>);
        const operands: Record<string, Float32Array[]> = {
          "forward+bias+relu": [x, filter, bias, y],
          input: [y, filter, x],
          filter: [x, y, filter],
        };
        for (const kind of KINDS) {
          for (const s of SETTINGS) {
            let conv;
            try {
              conv = convPrimitive(lib, spec, kind, s.precision, s.algorithm);
            } catch (e) {
              entries.push({ name: `conv: ${network}, ${s.label}`, value: "skipped", unit: "", note: String(e) });
              continue;
            }
            const args = operands[kind].map(p);
            const ms = median(() => conv.run(args), repeats);
            entries.push({
              name: `conv: ${network}, ${h}x${w} ${ci}->${co}, ${kind}, ${s.label}`,
              value: +ms.toFixed(2),
              unit: "ms",
              note: conv.impl,
            });
          }
        }
      }
      model.dispose();
    }
    return entries;
  },
};
