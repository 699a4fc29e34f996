import assert from "node:assert/strict";
import { gridSearchTable } from "noisy-digits/plots";
import { gridSearchSVC } from "noisy-digits/svm";
import { matrix } from "noisy-digits/data";
import { createRandom } from "noisy-digits/util";

function noisyBlobs(perClass: number) {
  const rng = createRandom(11);
  const data: number[] = [], labels: number[] = [];
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < perClass; i++) {
      for (let j = 0; j < 4; j++) data.push((j === k ? 2 : 0) + (rng.next() - 0.5) * 2);
      labels.push(k);
    }
  }
  return { x: matrix(Float32Array.from(data), labels.length, 4), y: Uint8Array.from(labels) };
}

Deno.test("grid search scores every cell on every fold and ranks by mean", async () => {
  const { x, y } = noisyBlobs(20);
  const r = await gridSearchSVC(x, y, {
    grid: { C: [0.01, 1], gamma: [0.1, 1] },
    folds: 3,
    workers: 1,
    progress: false,
  });
  assert.equal(r.cells.length, 4);
  assert.equal(r.folds, 3);
  for (const c of r.cells) {
    assert.equal(c.scores.length, 3);
    assert(c.scores.every((s) => s >= 0 && s <= 1));
    const mean = c.scores.reduce((a, b) => a + b, 0) / 3;
    assert(Math.abs(c.mean - mean) < 1e-12);
  }
  const best = r.cells.find((c) => c.rank === 1)!;
  assert(r.cells.every((c) => c.mean <= best.mean));
  assert.deepEqual(r.best, { C: best.C, gamma: best.gamma });
  assert(r.bestScore > 0.8, `best cross-validated accuracy ${r.bestScore}`);
  assert(gridSearchTable(r).text.includes("mean accuracy"));
});

Deno.test("grid search behind a per-fold PCA, linear kernel", async () => {
  const { x, y } = noisyBlobs(15);
  const r = await gridSearchSVC(x, y, {
    kernel: "linear",
    grid: { C: [0.1, 1] },
    folds: 3,
    pca: { nComponents: 3, whiten: true },
    workers: 0,
    progress: false,
  });
  assert.equal(r.cells.length, 2);
  assert.equal(r.best.gamma, undefined);
  assert(r.bestScore > 0.8);
});
