/**
 * Summaries of a dataset for exploration: shape, pixel range, class counts,
 * per-class mean images.
 *
 * @module
 */

import { classCounts, createDataset, type Dataset, NUM_CLASSES, pixelRange, requireLabels } from "./dataset.ts";

/** One-line facts about a dataset. */
export interface DatasetSummary {
  name: string;
  images: number;
  shape: string;
  pixelOrder: string;
  labelled: boolean;
  min: number;
  max: number;
  /** True when every pixel lies in [0, 1]. */
  inUnitRange: boolean;
  mean: number;
}

/** Shape, range and mean of a dataset. */
export function describe(ds: Dataset): DatasetSummary {
  const { min, max } = pixelRange(ds);
  let sum = 0;
  for (let i = 0; i < ds.pixels.length; i++) sum += ds.pixels[i];
  return {
    name: ds.name,
    images: ds.count,
    shape: `${ds.count} x ${ds.height} x ${ds.width}`,
    pixelOrder: ds.pixelOrder,
    labelled: ds.labels !== null,
    min,
    max,
    inUnitRange: min >= 0 && max <= 1,
    mean: sum / ds.pixels.length,
  };
}

/** Per-class counts of several labelled sets side by side, with each class's share in percent. */
export function classBalance(sets: Record<string, Dataset>): Record<string, string | number>[] {
  const counts = Object.fromEntries(Object.entries(sets).map(([k, ds]) => [k, classCounts(requireLabels(ds))]));
  return Array.from({ length: NUM_CLASSES }, (_, digit) => {
    const row: Record<string, string | number> = { digit };
    for (const [k, ds] of Object.entries(sets)) {
      row[k] = counts[k][digit];
      row[`${k} %`] = +((100 * counts[k][digit]) / ds.count).toFixed(1);
    }
    return row;
  });
}

/** The mean image of each class (a 10-image dataset labelled 0-9, upright). */
export function classMeans(ds: Dataset): Dataset {
  const labels = requireLabels(ds);
  const size = ds.height * ds.width;
  const sums = new Float64Array(NUM_CLASSES * size);
  const counts = classCounts(labels);
  const up = ds.pixelOrder === "row-major" ? ds : null;
  if (!up) throw new Error("classMeans: expects upright (row-major) images");
  for (let n = 0; n < ds.count; n++) {
    const base = labels[n] * size, src = n * size;
    for (let p = 0; p < size; p++) sums[base + p] += ds.pixels[src + p];
  }
  const out = new Float32Array(NUM_CLASSES * size);
  for (let c = 0; c < NUM_CLASSES; c++) {
    for (let p = 0; p < size; p++) out[c * size + p] = counts[c] ? sums[c * size + p] / counts[c] : 0;
  }
  return createDataset(out, {
    name: `${ds.name} class means`,
    labels: Uint8Array.from({ length: NUM_CLASSES }, (_, i) => i),
  });
}
