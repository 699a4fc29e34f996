/**
 * A grid of digits, each with a caption; a caption turns red when it marks a
 * wrong prediction (as in the report's figures).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { createDataset, type Dataset, imageAt } from "../data/dataset.ts";
import { grayPngDataUrl } from "./png.ts";
import { createDocument, createFigure, type Figure, toSvg } from "./figure.ts";

/** Options of {@linkcode digitGrid}. */
export interface DigitGridOptions {
  /** Which images to show (default: the first `count`). */
  indices?: ArrayLike<number>;
  /** How many images when `indices` is absent (default 12). */
  count?: number;
  /** Images per row (default 6). */
  columns?: number;
  /** Caption per shown image (default: the label, or the index). */
  captions?: string[];
  /** Per shown image: true when it is a wrong prediction (caption in red). */
  wrong?: boolean[];
  /** Predicted class per image in the dataset: captions become "label → prediction" and wrong ones turn red. */
  predictions?: ArrayLike<number>;
  /** Pixel size of one digit (default 56). */
  cellSize?: number;
  title?: string;
  /** File name when saved (default "digits"). */
  name?: string;
}

/** Renders digits of `ds` (upright) in a grid with captions. */
export async function digitGrid(ds: Dataset, options: DigitGridOptions = {}): Promise<Figure> {
  const indices = options.indices
    ? Array.from(options.indices)
    : Array.from({ length: Math.min(options.count ?? 12, ds.count) }, (_, i) => i);
  const columns = Math.min(options.columns ?? 6, Math.max(1, indices.length));
  const rows = Math.ceil(indices.length / columns);
  const size = options.cellSize ?? 56;
  const captionHeight = 16;
  const items = await Promise.all(indices.map(async (index, k) => {
    const label = ds.labels ? ds.labels[index] : undefined;
    const predicted = options.predictions?.[index];
    let caption = options.captions?.[k];
    let wrong = options.wrong?.[k] ?? false;
    if (caption === undefined) {
      if (predicted !== undefined) {
        caption = label !== undefined ? `${label} → ${predicted}` : `→ ${predicted}`;
        wrong = options.wrong?.[k] ?? (label !== undefined && label !== predicted);
      } else caption = label !== undefined ? `label ${label}` : `#${index}`;
    }
    return {
      col: k % columns,
      row: Math.floor(k / columns),
      src: await grayPngDataUrl(imageAt(ds, index), ds.width, ds.height),
      caption,
      wrong,
    };
  }));
  const width = columns * (size + 8) + 8;
  const height = rows * (size + captionHeight + 8) + 8;
  const node = Plot.plot({
    document: createDocument(),
    title: options.title,
    width,
    height,
    margin: 4,
    x: { domain: [0, columns], axis: null },
    y: { domain: [rows, 0], axis: null },
    marks: [
      Plot.image(items, {
        x: (d) => d.col + 0.5,
        y: (d) => d.row + 0.45,
        src: "src",
        width: size,
        height: size,
        imageRendering: "pixelated",
      }),
      Plot.text(items, {
        x: (d) => d.col + 0.5,
        y: (d) => d.row + 0.95,
        text: "caption",
        fill: (d) => (d.wrong ? "#d62728" : "#222"),
        fontSize: 11,
      }),
    ],
  }) as unknown as Element;
  return createFigure(options.name ?? "digits", toSvg(node));
}

/** One row of {@linkcode digitRows}: a data set and the caption prefix of its images. */
export interface DigitRow {
  ds: Dataset;
  caption: string;
}

/**
 * The same images from several data sets, one data set per row (e.g. noisy
 * above denoised), `count` columns, captioned with the row's caption and
 * the label.
 */
export async function digitRows(
  rows: DigitRow[],
  options: { count?: number; indices?: number[]; title?: string; name?: string; cellSize?: number } = {},
): Promise<Figure> {
  const indices = options.indices ?? Array.from({ length: options.count ?? 8 }, (_, i) => i);
  const { height, width } = rows[0].ds;
  const size = height * width;
  const pixels = new Float32Array(rows.length * indices.length * size);
  const captions: string[] = [];
  rows.forEach((r, k) =>
    indices.forEach((index, j) => {
      pixels.set(imageAt(r.ds, index), (k * indices.length + j) * size);
      captions.push(r.ds.labels ? `${r.caption} ${r.ds.labels[index]}` : r.caption);
    })
  );
  const grid = createDataset(pixels, { name: "rows", height, width });
  return await digitGrid(grid, {
    indices: Array.from({ length: grid.count }, (_, i) => i),
    columns: indices.length,
    captions,
    cellSize: options.cellSize ?? 64,
    title: options.title,
    name: options.name ?? "digit-rows",
  });
}
