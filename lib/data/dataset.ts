/**
 * The `Dataset` type: a batch of 28x28 grey-scale digits held as one
 * `Float32Array`, with optional labels, that knows its count, its shape and
 * the order of its pixels.
 *
 * The competition files store each image column-major (a plain reshape shows
 * it transposed). Everything in this project works on upright, row-major
 * images: the loaders convert once, and `pixelOrder` records what a dataset
 * holds so nothing converts twice.
 *
 * @module
 */

/** Side of an image in pixels. */
export const IMAGE_SIZE = 28;
/** Pixels per image. */
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** Number of digit classes. */
export const NUM_CLASSES = 10;

/**
 * The competition files' pixel order: file column `c` of a row holds the
 * upright (row-major) pixel `FILE_COLUMN_TO_UPRIGHT[c]` (the files are
 * column-major, so this is a transpose of the 28x28 grid).
 */
export const FILE_COLUMN_TO_UPRIGHT: Uint16Array = Uint16Array.from(
  { length: PIXELS },
  (_, c) => (c % IMAGE_SIZE) * IMAGE_SIZE + Math.floor(c / IMAGE_SIZE),
);

/** How the 784 values of one image are laid out. */
export type PixelOrder = "row-major" | "column-major";

/** Images (and labels, when known) as flat typed arrays. */
export interface Dataset {
  /** Human-readable origin, e.g. the file it was loaded from. */
  readonly name: string;
  /** Number of images. */
  readonly count: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Layout of each image's pixels in `pixels`. */
  readonly pixelOrder: PixelOrder;
  /** `count * height * width` values in [0, 1]. */
  readonly pixels: Float32Array;
  /** One label 0-9 per image, or `null` for unlabelled data. */
  readonly labels: Uint8Array | null;
}

/** Options for {@linkcode createDataset}. */
export interface CreateDatasetOptions {
  name?: string;
  labels?: Uint8Array | null;
  pixelOrder?: PixelOrder;
  height?: number;
  width?: number;
}

/** Builds a `Dataset`, checking that sizes agree. */
export function createDataset(pixels: Float32Array, options: CreateDatasetOptions = {}): Dataset {
  const height = options.height ?? IMAGE_SIZE;
  const width = options.width ?? IMAGE_SIZE;
  const size = height * width;
  if (pixels.length % size !== 0) {
    throw new RangeError(`createDataset: ${pixels.length} values is not a whole number of ${height}x${width} images`);
  }
  const count = pixels.length / size;
  const labels = options.labels ?? null;
  if (labels && labels.length !== count) {
    throw new RangeError(`createDataset: ${labels.length} labels for ${count} images`);
  }
  return {
    name: options.name ?? "dataset",
    count,
    height,
    width,
    pixelOrder: options.pixelOrder ?? "row-major",
    pixels,
    labels,
  };
}

/** Returns the dataset with upright (row-major) images, converting if needed. */
export function upright(ds: Dataset): Dataset {
  if (ds.pixelOrder === "row-major") return ds;
  const { height: h, width: w } = ds;
  const size = h * w;
  const out = new Float32Array(ds.pixels.length);
  for (let n = 0; n < ds.count; n++) {
    const base = n * size;
    for (let x = 0; x < w; x++) {
      for (let y = 0; y < h; y++) out[base + y * w + x] = ds.pixels[base + x * h + y];
    }
  }
  return { ...ds, pixels: out, pixelOrder: "row-major" };
}

/** The `index`-th image, upright, as a view or copy of `height*width` values. */
export function imageAt(ds: Dataset, index: number): Float32Array {
  if (!Number.isInteger(index) || index < 0 || index >= ds.count) {
    throw new RangeError(`imageAt: index ${index} outside 0..${ds.count - 1}`);
  }
  const size = ds.height * ds.width;
  if (ds.pixelOrder === "row-major") return ds.pixels.subarray(index * size, (index + 1) * size);
  const one = createDataset(ds.pixels.slice(index * size, (index + 1) * size), {
    height: ds.height,
    width: ds.width,
    pixelOrder: ds.pixelOrder,
  });
  return upright(one).pixels;
}

/** A new dataset holding the images at `indices`, in that order. */
export function subset(ds: Dataset, indices: ArrayLike<number>, name?: string): Dataset {
  const size = ds.height * ds.width;
  const pixels = new Float32Array(indices.length * size);
  const labels = ds.labels ? new Uint8Array(indices.length) : null;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    pixels.set(ds.pixels.subarray(i * size, (i + 1) * size), k * size);
    if (labels) labels[k] = ds.labels![i];
  }
  return { ...ds, name: name ?? `${ds.name}[${indices.length}]`, count: indices.length, pixels, labels };
}

/**
 * The same images with `labels` attached (e.g. the test set and its
 * solution file).
 *
 * @throws when the counts differ
 */
export function withLabels(ds: Dataset, labels: Uint8Array, name?: string): Dataset {
  if (labels.length !== ds.count) {
    throw new Error(`${ds.name}: ${ds.count} images but ${labels.length} labels`);
  }
  return { ...ds, name: name ?? ds.name, labels };
}

/** The first `n` images (all of them when `n` is undefined or larger). */
export function head(ds: Dataset, n?: number): Dataset {
  if (n === undefined || n >= ds.count) return ds;
  return subset(ds, Array.from({ length: n }, (_, i) => i), `${ds.name}[:${n}]`);
}

/** The same images with every pixel `v` replaced by `f(v)` (labels and layout kept). */
export function mapPixels(ds: Dataset, f: (v: number) => number, name?: string): Dataset {
  return { ...ds, name: name ?? ds.name, pixels: ds.pixels.map(f) };
}

/** Number of images of each class 0-9. */
export function classCounts(labels: ArrayLike<number>, numClasses = NUM_CLASSES): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Smallest and largest pixel value. */
export function pixelRange(ds: Dataset): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  const p = ds.pixels;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** The labels of a dataset, or a clear error when it has none. */
export function requireLabels(ds: Dataset): Uint8Array {
  if (!ds.labels) throw new Error(`${ds.name} has no labels`);
  return ds.labels;
}

/** A dataset whose labels are known (the training file and its splits, the test images with their solution). */
export type LabelledDataset = Dataset & { readonly labels: Uint8Array };

/** `ds` typed as a {@linkcode LabelledDataset}, or a clear error when it has no labels. */
export function asLabelled(ds: Dataset): LabelledDataset {
  requireLabels(ds);
  return ds as LabelledDataset;
}
