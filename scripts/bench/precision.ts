/**
 * Bench suite "precision" (run only when named: `deno task bench precision`): does training the study's best network
 * with bfloat16 convolution operands (`NOISY_DIGITS_PRECISION=bf16`, see `lib/runtime/native/library.ts`) cost
 * accuracy? For each seed the network is trained twice with the study's recipe on the real 9,000 training rows, once
 * in float32 and once in bf16 (alternating, so that the machine's drift falls on both), and scored on the 3,000
 * holdout rows: each seed's pair gets a paired verdict (exact McNemar on the same images), the seeds together a
 * Welch test, and each run its training images/s. `BENCH_PRECISION_SEEDS` (default 3) and `BENCH_PRECISION_EPOCHS`
 * (default 14, the best network's budget in notebook 08) size it; about 6 minutes a seed on this 2-core machine.
 * Test labels are not read.
 *
 * @module
 */

import type { BenchEntry, BenchSuite } from "./types.ts";
import { activeEngine, initBackend, type NativePrecision, withNativePrecision } from "noisy-digits/runtime";
import { loadTrain, stratifiedSplit } from "noisy-digits/data";
import { fit, helperWorkers, predictLabels } from "noisy-digits/train";
import { bestCnn, recipeFitOptions } from "noisy-digits/study";
import { correctness, verdict, verdictOfSeeds } from "noisy-digits/metrics";
import { envPositiveInteger } from "noisy-digits/util";

const PRECISIONS: NativePrecision[] = ["f32", "bf16"];

/** Float32 against bfloat16 convolutions on the best network: holdout accuracy, verdicts, training speed. */
export const precisionSuite: BenchSuite = {
  name: "precision",
  explicit: true,
  async run(): Promise<BenchEntry[]> {
    const seeds = envPositiveInteger("BENCH_PRECISION_SEEDS", 3),
      epochs = envPositiveInteger("BENCH_PRECISION_EPOCHS", 14);
    await initBackend({ backend: "wasm", engine: "native" });
    const { train, holdout } = stratifiedSplit(await loadTrain());
    const entries: BenchEntry[] = [];
    const push = (e: BenchEntry) => {
      console.error(`  ${e.name}: ${e.value} ${e.unit}${e.note ? ` (${e.note})` : ""}`);
      entries.push(e);
    };
    const accuracies: Record<NativePrecision, number[]> = { f32: [], bf16: [] };
    for (let seed = 1; seed <= seeds; seed++) {
      const correct = {} as Record<NativePrecision, boolean[]>;
      for (const precision of PRECISIONS) {
        const model = bestCnn(seed);
        const t0 = performance.now();
        // The precision is read by every convolution, the workers' included.
        const seconds = await withNativePrecision(precision, async () => {
          await fit(model, train, { ...recipeFitOptions(epochs, seed), workers: helperWorkers(), progress: "log" });
          const seconds = (performance.now() - t0) / 1000;
          correct[precision] = correctness(holdout.labels!, await predictLabels(model, holdout));
          return seconds;
        });
        model.dispose();
        const accuracy = correct[precision].filter(Boolean).length / holdout.count;
        accuracies[precision].push(accuracy);
        const note = `best network, seed ${seed}, ${epochs} epochs on ${train.count} images, ${helperWorkers() + 1} ` +
          `replica(s) on the ${activeEngine()} engine, ${(seconds / 60).toFixed(1)} min`;
        push({
          name: `precision: ${precision}, seed ${seed}, holdout accuracy`,
          value: +accuracy.toFixed(4),
          unit: "accuracy",
          note,
        });
        push({
          name: `precision: ${precision}, seed ${seed}, training`,
          value: +(epochs * train.count / seconds).toFixed(1),
          unit: "img/s",
        });
      }
      const v = verdict({ a: { name: "bf16", correct: correct.bf16 }, b: { name: "f32", correct: correct.f32 } });
      push({ name: `precision: seed ${seed}, bf16 against f32`, value: v.outcome, unit: "", note: v.text });
    }
    if (seeds >= 2) {
      const v = verdictOfSeeds({
        a: { name: "bf16", accuracies: accuracies.bf16 },
        b: { name: "f32", accuracies: accuracies.f32 },
      });
      push({ name: `precision: ${seeds} seeds, bf16 against f32`, value: v.outcome, unit: "", note: v.text });
    }
    return entries;
  },
};
