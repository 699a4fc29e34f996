import assert from "node:assert/strict";
import { stratifiedIndices, stratifiedKFold, stratifiedSplit } from "../lib/data/split.ts";
import { classCounts, createDataset } from "../lib/data/dataset.ts";

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
