/**
 * The data synthesis without files: the training and test sets `deno task data` would write, held in memory with
 * the values the files would give back (three decimals), the test set with its labels. Notebook 09 builds the
 * second noise recipe this way beside the files of the first, without touching the data folder.
 *
 * @example
 * ```ts
 * const { train, test } = await synthesizeDatasets({ recipe: "replace", trainCount: 50, testCount: 20 });
 * console.log(train.count, test.labels?.length); // 50 20
 * ```
 *
 * @module
 */

import { createDataset, type Dataset, PIXELS } from "./dataset.ts";
import { loadMnist } from "./mnist.ts";
import { drawSplits, noiseSeed, noisyImages, type SynthesisOptions, synthesisSettings } from "./synthesis.ts";
import { createRandom } from "../util/random.ts";

/** A value as the data files store it: three decimals, read back as float32. */
export function storedValue(v: number): number {
  return Math.fround(Math.round(v * 1000) / 1000);
}

/** The synthesized training and test sets (both labelled), as loading the files of that build would give them. */
export async function synthesizeDatasets(options: SynthesisOptions = {}): Promise<{ train: Dataset; test: Dataset }> {
  const mnist = await loadMnist();
  const settings = synthesisSettings(options);
  const draw = drawSplits(mnist.labels, settings);
  const rng = createRandom(noiseSeed(settings.seed)); // one stream, training images first, as the files are written
  const build = (indices: Uint32Array, part: string): Dataset => {
    const pixels = new Float32Array(indices.length * PIXELS), labels = new Uint8Array(indices.length);
    let row = 0;
    for (const { image, label } of noisyImages(mnist, indices, rng, settings.recipe)) {
      for (let p = 0; p < PIXELS; p++) pixels[row * PIXELS + p] = storedValue(image[p]);
      labels[row++] = label;
    }
    return createDataset(pixels, { name: `${part} (synthesis, noise recipe ${settings.recipe})`, labels });
  };
  const train = build(draw.train, "training images");
  return { train, test: build(draw.test, "test images") };
}
