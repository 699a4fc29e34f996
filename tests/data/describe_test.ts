import assert from "node:assert/strict";
import { classBalance, classMeans, createDataset, describe, PIXELS } from "noisy-digits/data";

const twoImages = () => {
  const pixels = new Float32Array(2 * PIXELS);
  pixels.fill(0.25, 0, PIXELS);
  pixels.fill(0.75, PIXELS);
  return createDataset(pixels, { name: "two", labels: Uint8Array.from([1, 1]) });
};

Deno.test("describe gives the shape, range and mean of a set", () => {
  const s = describe(twoImages());
  assert.deepEqual(s, {
    name: "two",
    images: 2,
    shape: "2 x 28 x 28",
    pixelOrder: "row-major",
    labelled: true,
    min: 0.25,
    max: 0.75,
    inUnitRange: true,
    mean: 0.5,
  });
  const outside = createDataset(new Float32Array(PIXELS).fill(255), { name: "raw" });
  assert.equal(describe(outside).inUnitRange, false);
  assert.equal(describe(outside).labelled, false);
});

Deno.test("classBalance counts each class per set with its share in percent", () => {
  const a = createDataset(new Float32Array(4 * PIXELS), { name: "a", labels: Uint8Array.from([0, 0, 0, 9]) });
  const rows = classBalance({ a });
  assert.equal(rows.length, 10);
  assert.deepEqual(rows[0], { digit: 0, a: 3, "a %": 75 });
  assert.deepEqual(rows[9], { digit: 9, a: 1, "a %": 25 });
  assert.deepEqual(rows[5], { digit: 5, a: 0, "a %": 0 });
});

Deno.test("classMeans averages the images of each class; absent classes are blank", () => {
  const means = classMeans(twoImages());
  assert.equal(means.count, 10);
  assert.deepEqual(Array.from(means.labels!), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(means.pixels[PIXELS], 0.5, "class 1 is the mean of 0.25 and 0.75");
  assert.equal(means.pixels[0], 0, "class 0 has no image");
});
