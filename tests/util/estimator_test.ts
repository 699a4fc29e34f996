/**
 * The estimator shape shared by SVC and PCA (scikit-learn's): hyperparameters
 * kept as given, runtime handles in fit's options, read-only fitted state,
 * NotFittedError before fit, and a warning when SMO stops at its cap.
 */
import assert from "node:assert/strict";
import { solveBinary } from "../../lib/svm/smo.ts"; // internal: this test reaches behind the face on purpose
import { SVC } from "noisy-digits/svm";
import { PCA } from "noisy-digits/decomposition";
import { matrix } from "noisy-digits/data";
import { createRandom, NotFittedError } from "noisy-digits/util";

function blobs(perClass: number, seed: number) {
  const rng = createRandom(seed);
  const data: number[] = [], labels: number[] = [];
  [[0, 0], [4, 0], [0, 4]].forEach((c, k) => {
    for (let i = 0; i < perClass; i++) {
      data.push(c[0] + rng.next() - 0.5, c[1] + rng.next() - 0.5);
      labels.push(k);
    }
  });
  return { x: matrix(Float32Array.from(data), labels.length, 2), y: Uint8Array.from(labels) };
}

Deno.test("SVC keeps its hyperparameters exactly as given, frozen, and defaults them only when fitting", async () => {
  const given = { kernel: "rbf" as const, C: 0.8 };
  const svc = new SVC(given);
  assert.deepEqual(svc.options, { kernel: "rbf", C: 0.8 });
  assert.ok(Object.isFrozen(svc.options));
  given.C = 5; // the caller's object is not shared
  assert.equal(svc.options.C, 0.8);
  const { x, y } = blobs(6, 1);
  await svc.fit(x, y, { workers: 0, progress: false });
  assert.deepEqual(svc.options, { kernel: "rbf", C: 0.8 }, "fit resolves gamma without writing it back");
  assert.equal(await svc.score(x, y), 1);
});

Deno.test("SVC and PCA throw NotFittedError when their state is read before fit", async () => {
  const svc = new SVC();
  assert.equal(svc.fitted, false);
  assert.throws(() => svc.state, NotFittedError);
  await assert.rejects(() => svc.predict(matrix(new Float32Array(2), 1, 2)), /SVC is not fitted: call fit first/);
  const pca = new PCA({ nComponents: 1 });
  assert.throws(() => pca.components, NotFittedError);
  await assert.rejects(() => pca.transform(matrix(new Float32Array(2), 1, 2)), NotFittedError);
  await pca.fit(blobs(4, 2).x);
  assert.equal(pca.fitted, true);
  assert.equal(pca.components.rows, 1);
  assert.ok(Object.isFrozen(pca.state), "the fitted state is read-only");
  assert.throws(() => ((pca.state as { mean: unknown }).mean = null), TypeError);
});

Deno.test("SVC.fromState rebuilds a fitted SVC that predicts like the original", async () => {
  const { x, y } = blobs(5, 3);
  const svc = await new SVC({ kernel: "linear", C: 1 }).fit(x, y, { workers: 0, progress: false });
  const copy = SVC.fromState(svc.options, svc.state, 12.5);
  assert.equal(copy.fitSeconds, 12.5);
  assert.deepEqual(await copy.predict(x), await svc.predict(x));
});

Deno.test("SMO reports whether it converged; SVC warns when a pair stops at the iteration cap", async () => {
  const kernel = new Float32Array([1, -1, -1, 1]);
  const problem = { kernel, size: 2, rows: [0, 1], y: [1, -1], cPositive: 10, cNegative: 10 };
  assert.equal(solveBinary(problem).converged, true);
  assert.equal(solveBinary(problem, { maxIterations: 0 }).converged, false);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    const { x, y } = blobs(8, 4);
    await new SVC({ kernel: "rbf", C: 10, gamma: 1, maxIterations: 1 }).fit(x, y, { workers: 0, progress: false });
    await new SVC({ kernel: "rbf", C: 10, gamma: 1 }).fit(x, y, { workers: 0, progress: false });
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 3, "one warning per pair of the capped fit, none for the other");
  assert.match(warnings[0], /pair 0 vs 1 stopped at its iteration cap \(1\)/);
});
