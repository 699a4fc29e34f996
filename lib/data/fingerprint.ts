/**
 * Content fingerprints: a cheap hash of typed-array contents, and the
 * identity of a dataset (name, count, pixels, labels), used to key caches of
 * derived results (features, trained models) so they are recomputed when the
 * data changes.
 *
 * @module
 */

import type { Dataset } from "./dataset.ts";

/** FNV-1a over the 32-bit words of `data`, as 8 hex digits. */
export function fingerprint(data: ArrayBufferView, seed = 0x811c9dc5): string {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
  let h = seed >>> 0;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193) >>> 0;
  for (let i = words.length * 4; i < data.byteLength; i++) {
    h = Math.imul(h ^ new Uint8Array(data.buffer, data.byteOffset + i, 1)[0], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The identity of a data set for the cache: name, count and a fingerprint of pixels and labels. */
export function datasetFingerprint(ds: Dataset): string {
  const px = fingerprint(ds.pixels);
  const lb = ds.labels ? fingerprint(ds.labels) : "nolabels";
  return `${ds.name.replace(/[^\w.-]+/g, "_")}-${ds.count}-${px}-${lb}`;
}
