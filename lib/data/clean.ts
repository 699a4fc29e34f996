/**
 * The clean MNIST originals of the training images, for the transfer
 * experiment of notebook 05 (pre-train on clean digits, fine-tune on noisy
 * ones), and of the test images, for notebook 09's look at where a model's
 * errors come from. Only the data built by the synthesis has them: the synthesis is re-run to
 * find which MNIST digit each row of `train_data.csv` (or `test_data.csv`) came from, and the
 * match is verified (every noisy pixel must be at least its clean value, under
 * either noise recipe), so real competition files or another seed are refused instead of mislabelled.
 *
 * @module
 */

import { createDataset, type Dataset, PIXELS } from "./dataset.ts";
import { loadMnist } from "./mnist.ts";
import { drawSplits, type SynthesisOptions, synthesisSettings } from "./synthesis.ts";

/** The clean originals of the rows of `noisy`, the synthesis' `part` (verified, see the module doc). */
async function cleanOriginals(noisy: Dataset, part: "train" | "test", options: SynthesisOptions): Promise<Dataset> {
  const mnist = await loadMnist();
  const settings = synthesisSettings(options);
  const drawn = drawSplits(mnist.labels, settings)[part];
  if (noisy.count !== drawn.length) {
    throw new Error(
      `${noisy.name} has ${noisy.count} images, the synthesis (seed ${settings.seed}) drew ${drawn.length}: ` +
        "clean originals exist only for data built by `deno task data`",
    );
  }
  const pixels = new Float32Array(noisy.count * PIXELS);
  const labels = new Uint8Array(noisy.count);
  for (let row = 0; row < noisy.count; row++) {
    const src = drawn[row];
    labels[row] = mnist.labels[src];
    for (let p = 0; p < PIXELS; p++) {
      const clean = mnist.images[src * PIXELS + p] / 255;
      // Stored with three decimals: allow the rounding.
      if (noisy.pixels[row * PIXELS + p] < clean - 0.0006) {
        throw new Error(`${noisy.name} row ${row + 1} does not come from the synthesis (seed ${settings.seed})`);
      }
      pixels[row * PIXELS + p] = clean;
    }
    if (noisy.labels && noisy.labels[row] !== labels[row]) {
      throw new Error(
        `${noisy.name} row ${row + 1}: label ${noisy.labels[row]} but its MNIST original is a ${labels[row]}`,
      );
    }
  }
  return createDataset(pixels, { name: `${noisy.name} (clean originals)`, labels });
}

/**
 * Clean (noise-free) versions of the rows of a synthesized training set, in
 * the same order, upright, scaled to [0, 1], with the same labels. Never
 * touches a test digit.
 *
 * @throws when `noisy` was not built by the synthesis with these options
 */
export function cleanTrainingDigits(noisy: Dataset, options: SynthesisOptions = {}): Promise<Dataset> {
  return cleanOriginals(noisy, "train", options);
}

/**
 * Clean (noise-free) versions of the rows of a synthesized test set (all of its images, in file order), upright,
 * scaled to [0, 1], labelled with their MNIST labels. Never touches a training digit.
 *
 * @throws when `noisy` was not built by the synthesis with these options
 */
export function cleanTestDigits(noisy: Dataset, options: SynthesisOptions = {}): Promise<Dataset> {
  return cleanOriginals(noisy, "test", options);
}
