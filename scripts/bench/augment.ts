/**
 * Bench suite for augmentation and VGG16 transfer features on the wasm
 * backend: augmented images per second (report and digit presets, batches of
 * 256) and VGG16 feature extraction per second at 32x32x3 on a sample of the
 * training digits (`BENCH_VGG_IMAGES`, default 512), extrapolated to the
 * 12,000 + 3,000 images notebook 05 needs.
 *
 * @module
 */

import type { BenchEntry, BenchSuite } from "./types.ts";
import { initBackend } from "noisy-digits/runtime";
import { createAugmenter, DIGIT_AUGMENTATION, REPORT_AUGMENTATION } from "noisy-digits/train";
import { extractFeatures, vgg16Base } from "noisy-digits/networks";
import { head, loadTrain } from "noisy-digits/data";

/** Augmentation and VGG16 feature figures. */
export const augmentSuite: BenchSuite = {
  name: "augment",
  async run(): Promise<BenchEntry[]> {
    const tf = await initBackend();
    const train = await loadTrain();
    const entries: BenchEntry[] = [];
    const x = tf.tensor4d(train.pixels.subarray(0, 256 * 784), [256, 28, 28, 1]);
    for (const [name, preset] of [["report", REPORT_AUGMENTATION], ["digit", DIGIT_AUGMENTATION]] as const) {
      const augment = createAugmenter(preset);
      augment(x, 0).dispose();
      const t0 = performance.now();
      const steps = 20;
      for (let s = 1; s <= steps; s++) augment(x, s).dispose();
      const rate = (steps * 256) / ((performance.now() - t0) / 1000);
      entries.push({ name: `augment: ${name} preset, batches of 256`, value: Math.round(rate), unit: "img/s" });
    }
    x.dispose();

    const n = Number(Deno.env.get("BENCH_VGG_IMAGES") ?? 512);
    const base = vgg16Base();
    await extractFeatures(base, head(train, 64), { progress: false }); // warm-up
    const run = await extractFeatures(base, head(train, n), { batchSize: 64, progress: false });
    const rate = n / run.seconds;
    entries.push(
      { name: `vgg16: features at 32x32x3, ${n} images, batches of 64`, value: +rate.toFixed(1), unit: "img/s" },
      {
        name: "vgg16: features for 12,000 + 3,000 images (extrapolated)",
        value: +(15000 / rate / 60).toFixed(1),
        unit: "min",
        note: "computed once, then read from outputs/features/",
      },
    );
    tf.dispose(base.weights.map((w) => w.read()));
    return entries;
  },
};
