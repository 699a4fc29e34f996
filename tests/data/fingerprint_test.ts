import assert from "node:assert/strict";
import { createDataset, datasetFingerprint, fingerprint, PIXELS } from "noisy-digits/data";

Deno.test("fingerprint: FNV-1a, 8 hex digits, the same for the same bytes, different when one value changes", () => {
  // FNV-1a of no data is its offset basis.
  assert.equal(fingerprint(new Uint8Array(0)), "811c9dc5");
  const a = Float32Array.from([0.1, 0.2, 0.3]);
  assert.match(fingerprint(a), /^[0-9a-f]{8}$/);
  assert.equal(fingerprint(a), fingerprint(Float32Array.from([0.1, 0.2, 0.3])));
  assert.notEqual(fingerprint(a), fingerprint(Float32Array.from([0.1, 0.2, 0.30001])));
  // Trailing bytes that do not fill a 32-bit word count too, and so does a view's offset.
  assert.notEqual(fingerprint(Uint8Array.from([1, 2, 3, 4, 5])), fingerprint(Uint8Array.from([1, 2, 3, 4, 6])));
  const buffer = Uint8Array.from([9, 9, 9, 9, 1, 2, 3, 4]);
  assert.equal(fingerprint(buffer.subarray(4)), fingerprint(Uint8Array.from([1, 2, 3, 4])));
  // Chaining with a seed gives another value.
  assert.notEqual(fingerprint(a, 1), fingerprint(a));
});

Deno.test("datasetFingerprint names the set, its count, its pixels and its labels", () => {
  const pixels = new Float32Array(2 * PIXELS).fill(0.5);
  const ds = createDataset(pixels, { name: "train data.csv", labels: Uint8Array.from([3, 7]) });
  const key = datasetFingerprint(ds);
  assert.match(key, /^train_data\.csv-2-[0-9a-f]{8}-[0-9a-f]{8}$/);
  assert.notEqual(datasetFingerprint({ ...ds, labels: Uint8Array.from([3, 8]) }), key);
  assert.match(datasetFingerprint({ ...ds, labels: null }), /-nolabels$/);
});
