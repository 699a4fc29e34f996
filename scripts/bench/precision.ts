/**
 * Bench suite "precision" (run only when named: `deno task bench precision`): does a cheaper arithmetic for the
 * native convolutions cost the study's best network accuracy? The variant, `BENCH_PRECISION_VARIANT`: `bf16`
 * (default; bfloat16 operands, `NOISY_DIGITS_PRECISION=bf16`) or `winograd` (oneDNN's float32 Winograd,
 * `NOISY_DIGITS_CONV_ALGORITHM=winograd`; see `lib/runtime/native/library.ts`). For each seed the network is trained
 * twice with the study's recipe on the real 9,000 training rows, once as the study does (float32, direct) and once
 * with the variant (alternating, so that the machine's drift falls on both), and scored on the 3,000 holdout rows:
 * each seed's pair gets a paired verdict (exact McNemar on the same images), the seeds together a Welch test, and
 * each run its training images/s. `BENCH_PRECISION_SEEDS` (default 3) and `BENCH_PRECISION_EPOCHS` (default 14, the
 * best network's budget in notebook 08) size it; about 6 minutes a seed on this 2-core machine. Test labels are not
 * read.
 *
 * @module
 */

import type { BenchEntry, BenchSuite } from "./types.ts";
import { activeEngine, initBackend, withConvAlgorithm, withNativePrecision } from "noisy-digits/runtime";
import { loadTrain, stratifiedSplit } from "noisy-digits/data";
import { fit, helperWorkers, predictLabels } from "noisy-digits/train";
import { bestCnn, recipeFitOptions } from "noisy-digits/study";
import { correctness, verdict, verdictOfSeeds } from "noisy-digits/metrics";
import { envChoice, envPositiveInteger } from "noisy-digits/util";

/** How each setting the suite compares runs `f`: the study's float32 direct convolutions, and the two variants. */
const SETTINGS = {
  f32: <T>(f: () => Promise<T>) => withNativePrecision("f32", () => withConvAlgorithm("direct", f)),
  bf16: <T>(f: () => Promise<T>) => withNativePrecision("bf16", () => withConvAlgorithm("direct", f)),
  winograd: <T>(f: () => Promise<T>) => withNativePrecision("f32", () => withConvAlgorithm("winograd", f)),
};
type Setting = keyof typeof SETTINGS;

/** The study's float32 convolutions against a variant on the best network: holdout accuracy, verdicts, speed. */
export const precisionSuite: BenchSuite = {
  name: "precision",
  explicit: true,
  async run(): Promise<BenchEntry[]> {
    const seeds = envPositiveInteger("BENCH_PRECISION_SEEDS", 3),
      epochs = envPositiveInteger("BENCH_PRECISION_EPOCHS", 14),
      variant = envChoice("BENCH_PRECISION_VARIANT", ["bf16", "winograd"], "bf16");
    const settings: Setting[] = ["f32", variant];
    await initBackend({ backend: "wasm", engine: "native" });
    const { train, holdout } = stratifiedSplit(await loadTrain());
    const entries: BenchEntry[] = [];
    const push = (e: BenchEntry) => {
      console.error(`  ${e.name}: ${e.value} ${e.unit}${e.note ? ` (${e.note})` : ""}`);
      entries.push(e);
    };
    const accuracies = { f32: [] as number[], [variant]: [] as number[] } as Record<Setting, number[]>;
    for (let seed = 1; seed <= seeds; seed++) {
      const correct = {} as Record<Setting, boolean[]>;
      for (const setting of settings) {
        const model = bestCnn(seed);
        const t0 = performance.now();
        // The settings are read by every convolution, the workers' included.
        const seconds = await SETTINGS[setting](async () => {
          await fit(model, train, { ...recipeFitOptions(epochs, seed), workers: helperWorkers(), progress: "log" });
          const seconds = (performance.now() - t0) / 1000;
          correct[setting] = correctness(holdout.labels!, await predictLabels(model, holdout));
          return seconds;
        });
        model.dispose();
        const accuracy = correct[setting].filter(Boolean).length / holdout.count;
        accuracies[setting].push(accuracy);
        const note = `best network, seed ${seed}, ${epochs} epochs on ${train.count} images, ${helperWorkers() + 1} ` +
          `replica(s) on the ${activeEngine()} engine, ${(seconds / 60).toFixed(1)} min`;
        push({
          name: `precision: ${setting}, seed ${seed}, holdout accuracy`,
          value: +accuracy.toFixed(4),
          unit: "accuracy",
          note,
        });
        push({
          name: `precision: ${setting}, seed ${seed}, training`,
          value: +(epochs * train.count / seconds).toFixed(1),
          unit: "img/s",
        });
      }
      const v = verdict({ a: { name: variant, correct: correct[variant] }, b: { name: "f32", correct: correct.f32 } });
      push({ name: `precision: seed ${seed}, ${variant} against f32`, value: v.outcome, unit: "", note: v.text });
    }
    if (seeds >= 2) {
      const v = verdictOfSeeds({
        a: { name: variant, accuracies: accuracies[variant] },
        b: { name: "f32", accuracies: accuracies.f32 },
      });
      push({ name: `precision: ${seeds} seeds, ${variant} against f32`, value: v.outcome, unit: "", note: v.text });
    }
    return entries;
  },
};
