import assert from "node:assert/strict";
import { classCounts, createDataset, mapPixels, stratifiedKFold, stratifiedSplit } from "noisy-digits/data";
import { stratifiedIndices } from "../../lib/data/split.ts"; // internal: this test reaches behind the face on purpose

const labels = Uint8Array.from({ length: 1200 }, (_, i) => (i * 7) % 10 < 3 ? 1 : (i * 7) % 10);

Deno.test("stratified split keeps each class's share and the exact total", () => {
  const { train, holdout } = stratifiedIndices(labels, { holdoutFraction: 0.25, seed: 1 });
  assert.equal(holdout.length, 300);
  assert.equal(train.length, 900);
  const all = classCounts(labels), held = classCounts(Array.from(holdout, (i) => labels[i]));
  all.forEach((n, c) => assert.ok(Math.abs(held[c] - n * 0.25) <= 1, `class ${c}: ${held[c]} of ${n}`));
});

Deno.test("split is disjoint, complete and seeded", () => {
  const a = stratifiedIndices(labels, { seed: 3 }), b = stratifiedIndices(labels, { seed: 3 });
  const c = stratifiedIndices(labels, { seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.holdout, c.holdout);
  const all = new Set([...a.train, ...a.holdout]);
  assert.equal(all.size, labels.length);
});

Deno.test("stratifiedSplit carries pixels and labels along", () => {
  const pixels = Float32Array.from({ length: 1200 * 784 }, (_, i) => Math.floor(i / 784) / 1200);
  const ds = createDataset(pixels, { labels });
  const { train, holdout, holdoutIndices } = stratifiedSplit(ds, { seed: 9 });
  assert.equal(train.count + holdout.count, 1200);
  const i = holdoutIndices[5];
  assert.equal(holdout.labels![5], labels[i]);
  assert.equal(holdout.pixels[5 * 784], pixels[i * 784]);
});

Deno.test("k-fold: every index validates exactly once and folds are balanced", () => {
  const folds = stratifiedKFold(labels, 5, 0);
  const count = new Array(labels.length).fill(0);
  for (const f of folds) {
    for (const i of f.validation) count[i]++;
    assert.equal(f.train.length + f.validation.length, labels.length);
    assert.ok(Math.abs(f.validation.length - 240) <= 10);
  }
  assert.ok(count.every((n) => n === 1));
  assert.throws(() => stratifiedKFold(labels, 1), /k must be an integer >= 2/);
});

Deno.test("bad holdout fraction is refused", () => {
  assert.throws(() => stratifiedIndices(labels, { holdoutFraction: 1.5 }), /holdoutFraction/);
});

Deno.test("mapPixels transforms every pixel and keeps labels, layout and the original", () => {
  const ds = createDataset(Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 10) / 10), {
    name: "tenths",
    labels: Uint8Array.of(3, 7),
  });
  const sq = mapPixels(ds, (v) => v * v, "squares");
  assert.equal(sq.name, "squares");
  assert.deepEqual(Array.from(sq.labels!), [3, 7]);
  assert.equal(sq.pixelOrder, ds.pixelOrder);
  assert.ok(Math.abs(sq.pixels[5] - 0.25) < 1e-6);
  assert.ok(Math.abs(ds.pixels[5] - 0.5) < 1e-6, "the original is unchanged");
});
