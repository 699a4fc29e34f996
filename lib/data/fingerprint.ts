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

/**
 * Mixes the words `w` into the two lanes `state[0]`, `state[1]`; `state[2]`
 * is 1 when the next word goes to the second lane. A plain function on
 * locals, which V8 optimises after its first calls.
 */
function mixWords(w: Uint32Array, state: Int32Array): void {
  let h1 = state[0], h2 = state[1], k = 0;
  const n = w.length;
  if (state[2] === 1 && n > 0) h2 = Math.imul(h2 ^ w[k++], 0x01000193);
  for (; k + 1 < n; k += 2) {
    h1 = Math.imul(h1 ^ w[k], 0x01000193);
    h2 = Math.imul(h2 ^ w[k + 1], 0x01000193);
  }
  let odd = n === 0 ? state[2] : 0;
  if (k < n) {
    h1 = Math.imul(h1 ^ w[k], 0x01000193);
    odd = 1;
  }
  state[0] = h1;
  state[1] = h2;
  state[2] = odd;
}

/**
 * A streaming 64-bit checksum (two interleaved FNV-1a lanes over 32-bit
 * words, so the CPU runs both at once): about 0.25 ms per MB here, so a
 * cached load can check every byte it returns. Feed bytes in pieces of any
 * size with {@linkcode Checksum.update}; {@linkcode Checksum.digest} gives 16
 * hex digits. Not cryptographic: it detects corruption, not tampering.
 *
 * @example
 * ```ts
 * const c = new Checksum();
 * c.update(new Uint8Array([1, 2, 3]));
 * c.digest(); // 16 hex digits
 * ```
 */
export class Checksum {
  #h1 = 0x811c9dc5 | 0;
  #h2 = 0x050c5d1f;
  #odd = false;
  #length = 0;
  readonly #pending = new Uint8Array(4);
  readonly #state = new Int32Array(3);
  #pendingLength = 0;

  /** Adds `bytes` to the checksum. */
  update(bytes: Uint8Array): this {
    this.#length += bytes.length;
    let i = 0;
    while (this.#pendingLength > 0 && i < bytes.length) {
      this.#pending[this.#pendingLength++] = bytes[i++];
      if (this.#pendingLength === 4) {
        this.#words(new Uint32Array(this.#pending.buffer));
        this.#pendingLength = 0;
      }
    }
    const n = (bytes.length - i) >> 2;
    if (n > 0) {
      const start = bytes.byteOffset + i;
      const words = start % 4 === 0
        ? new Uint32Array(bytes.buffer, start, n)
        : new Uint32Array(bytes.slice(i, i + n * 4).buffer);
      // In pieces: V8 optimises a function called often sooner than one long loop.
      for (let k = 0; k < n; k += 1 << 16) this.#words(words.subarray(k, Math.min(n, k + (1 << 16))));
      i += n * 4;
    }
    while (i < bytes.length) this.#pending[this.#pendingLength++] = bytes[i++];
    return this;
  }

  #words(w: Uint32Array): void {
    const state = this.#state;
    state[0] = this.#h1;
    state[1] = this.#h2;
    state[2] = this.#odd ? 1 : 0;
    mixWords(w, state);
    this.#h1 = state[0];
    this.#h2 = state[1];
    this.#odd = state[2] === 1;
  }

  /** The checksum of everything added so far (and of the total length), as 16 hex digits. */
  digest(): string {
    let h1 = this.#h1, h2 = this.#h2;
    for (let i = 0; i < this.#pendingLength; i++) h1 = Math.imul(h1 ^ this.#pending[i], 0x01000193);
    h1 = Math.imul(h1 ^ (this.#length >>> 0), 0x01000193);
    h2 = Math.imul(h2 ^ Math.floor(this.#length / 2 ** 32), 0x01000193);
    return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
  }
}
