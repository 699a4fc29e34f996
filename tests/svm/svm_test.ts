import assert from "node:assert/strict";
import { solveBinary } from "../../lib/svm/smo.ts"; // internal: this test reaches behind the face on purpose
import { SVC } from "noisy-digits/svm";
import { matrix } from "noisy-digits/data";
import { kernelMatrix } from "../../lib/svm/gram.ts"; // internal: this test reaches behind the face on purpose
import { createRandom } from "noisy-digits/util";

const close = (a: number, b: number, eps = 1e-6) => assert(Math.abs(a - b) < eps, `${a} != ${b}`);

Deno.test("SMO: two points on a line give the hard-margin solution (alpha 0.5, rho 0)", () => {
  // x = +1 (y = +1), x = -1 (y = -1), linear kernel: w = 1, b = 0, alpha = 1/2 each.
  const kernel = new Float32Array([1, -1, -1, 1]);
  const s = solveBinary({ kernel, size: 2, rows: [0, 1], y: [1, -1], cPositive: 10, cNegative: 10 });
  close(s.alpha[0], 0.5);
  close(s.alpha[1], 0.5);
  close(s.rho, 0);
});

Deno.test("SMO: the box constraint binds when C is small", () => {
  const kernel = new Float32Array([1, -1, -1, 1]);
  const s = solveBinary({ kernel, size: 2, rows: [0, 1], y: [1, -1], cPositive: 0.1, cNegative: 0.1 });
  close(s.alpha[0], 0.1);
  close(s.alpha[1], 0.1);
});

Deno.test("SMO: only the margin points of a 1-D problem become support vectors", () => {
  // x = -3, -2 (negative), 2, 3 (positive); the margin is set by -2 and 2: w = 1/2, alpha = 1/8.
  const xs = [-3, -2, 2, 3], ys = [-1, -1, 1, 1];
  const kernel = new Float32Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) kernel[i * 4 + j] = xs[i] * xs[j];
  const s = solveBinary({ kernel, size: 4, rows: [0, 1, 2, 3], y: ys, cPositive: 100, cNegative: 100 });
  close(s.alpha[0], 0);
  close(s.alpha[3], 0);
  close(s.alpha[1], 0.125);
  close(s.alpha[2], 0.125);
  close(s.rho, 0);
});

function blobs(perClass: number, seed: number) {
  const rng = createRandom(seed);
  const centres = [[0, 0], [4, 0], [0, 4], [4, 4]];
  const data: number[] = [], labels: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perClass; i++) {
      data.push(c[0] + rng.next() - 0.5, c[1] + rng.next() - 0.5);
      labels.push(k);
    }
  });
  return { x: matrix(Float32Array.from(data), labels.length, 2), y: Uint8Array.from(labels) };
}

Deno.test("SVC: separable blobs are classified perfectly, with workers and inline alike", async () => {
  const train = blobs(20, 1), test = blobs(10, 2);
  const inline = await new SVC({ kernel: "rbf", C: 1, gamma: 0.5 }).fit(train.x, train.y, { workers: 0 });
  const pooled = await new SVC({ kernel: "rbf", C: 1, gamma: 0.5 }).fit(train.x, train.y, { workers: 2 });
  assert.equal(await inline.score(test.x, test.y), 1);
  assert.deepEqual(await pooled.predict(test.x), await inline.predict(test.x));
  assert.equal(inline.state!.model.pairs.length, 6);
  const linear = await new SVC({ kernel: "linear", C: 1 }).fit(train.x, train.y, { workers: 0 });
  assert.equal(await linear.score(test.x, test.y), 1);
});

Deno.test("kernel matrices: rbf and linear values match direct formulas", async () => {
  const a = matrix(Float32Array.from([0, 0, 1, 2]), 2, 2), b = matrix(Float32Array.from([1, 0]), 1, 2);
  const lin = await kernelMatrix(a, b, { kernel: "linear" }, { shared: false });
  assert.deepEqual(Array.from(lin), [0, 1]);
  const rbf = await kernelMatrix(a, b, { kernel: "rbf", gamma: 0.5 }, { shared: false });
  close(rbf[0], Math.exp(-0.5 * 1), 1e-6);
  close(rbf[1], Math.exp(-0.5 * 4), 1e-6);
});

Deno.test("a saved SVC (with its PCA) reloads and predicts the same", async () => {
  const { saveSvm, loadSvm, fitOrLoad } = await import("../../lib/svm/svm_io.ts"); // internal: this test reaches behind the face on purpose
  const { PCA } = await import("noisy-digits/decomposition");
  const train = blobs(15, 4), test = blobs(5, 5);
  const pca = new PCA({ nComponents: 2, whiten: true });
  const z = await pca.fitTransform(train.x);
  const svc = await new SVC({ kernel: "rbf", C: 1, gamma: 0.5 }).fit(z, train.y, { workers: 0 });
  const dir = await Deno.makeTempDir();
  try {
    await saveSvm(`${dir}/m.bin`, svc, pca, "k1");
    const back = await loadSvm(`${dir}/m.bin`);
    assert.equal(back.key, "k1");
    const expected = await svc.predict(await pca.transform(test.x));
    assert.deepEqual(await back.svc.predict(await back.pca!.transform(test.x)), expected);
    let fits = 0;
    const again = await fitOrLoad(`${dir}/m.bin`, "k1", () => (fits++, Promise.resolve({ svc })));
    assert.equal(again.loaded, true);
    assert.equal(fits, 0);
    const refit = await fitOrLoad(`${dir}/m.bin`, "k2", () => (fits++, Promise.resolve({ svc })));
    assert.equal(refit.loaded, false);
    assert.equal(fits, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a Gram matrix of a set with itself (mirrored blocks) equals the plain product", async () => {
  const rng = createRandom(9);
  const x = matrix(Float32Array.from({ length: 37 * 5 }, () => rng.next()), 37, 5);
  const copy = matrix(x.data.slice(), 37, 5);
  const sym = await kernelMatrix(x, x, { kernel: "linear" }, { shared: false, blockRows: 8 });
  const plain = await kernelMatrix(x, copy, { kernel: "linear" }, { shared: false, blockRows: 8 });
  for (let i = 0; i < sym.length; i++) close(sym[i], plain[i], 1e-5);
});

Deno.test("kernel matrices of matrices that view into a larger buffer read the right rows", async () => {
  const buffer = Float32Array.from([9, 9, 0, 0, 1, 2]);
  const a = matrix(buffer.subarray(2), 2, 2), b = matrix(Float32Array.from([1, 0]), 1, 2);
  assert.deepEqual(Array.from(await kernelMatrix(a, b, { kernel: "linear" }, { shared: false })), [0, 1]);
  assert.deepEqual(Array.from(await kernelMatrix(b, a, { kernel: "linear" }, { shared: false })), [0, 1]);
});

/** An RBF binary problem of two overlapping Gaussian clouds in 5-D, `nPos` positives then `nNeg` negatives. */
async function overlapping(nPos: number, nNeg: number, seed: number) {
  const rng = createRandom(seed), d = 5, n = nPos + nNeg;
  const normal = () => Math.sqrt(-2 * Math.log(rng.next() || 1e-12)) * Math.cos(2 * Math.PI * rng.next());
  const data = Float32Array.from({ length: n * d }, (_, i) => normal() + (Math.floor(i / d) < nPos ? 0.6 : -0.6));
  const x = matrix(data, n, d);
  const kernel = await kernelMatrix(x, x, { kernel: "rbf", gamma: 0.5 }, { shared: false });
  const y = Int8Array.from({ length: n }, (_, i) => (i < nPos ? 1 : -1));
  return { kernel, n, y, rows: Int32Array.from({ length: n }, (_, i) => i) };
}

for (
  const [name, nPos, nNeg, cPositive, cNegative] of [
    ["equal C", 150, 150, 10, 10],
    // scikit-learn's "balanced" weights for 200 against 100 samples: n / (2 n_class) times C = 10.
    ["balanced class weights", 200, 100, 10 * 300 / 400, 10 * 300 / 200],
  ] as const
) {
  Deno.test(`SMO with shrinking sets variables aside and finds the plain solver's solution (${name})`, async () => {
    const { kernel, n, y, rows } = await overlapping(nPos, nNeg, 7);
    const problem = { kernel, size: n, rows, y, cPositive, cNegative };
    // A tight tolerance, so that two correct solvers must agree closely whatever path rounding sends them on.
    const plain = solveBinary(problem, { shrinking: false, tolerance: 1e-7 });
    const shrunk = solveBinary(problem, { shrinking: true, tolerance: 1e-7 });
    assert.equal(plain.maxShrunk, 0);
    assert.ok(shrunk.maxShrunk > n / 10, `shrinking set aside only ${shrunk.maxShrunk} of ${n}`);
    assert.ok(plain.converged && shrunk.converged);
    // The objective is computed from the final gradient of every multiplier, set aside or not: a gradient left stale
    // by shrinking would show here.
    for (let t = 0; t < n; t++) close(shrunk.alpha[t], plain.alpha[t], 1e-4);
    close(shrunk.rho, plain.rho, 1e-4);
    close(shrunk.objective, plain.objective, 1e-7 * Math.abs(plain.objective));
    let bounded = 0;
    for (let t = 0; t < n; t++) if (shrunk.alpha[t] >= (y[t] > 0 ? cPositive : cNegative)) bounded++;
    assert.ok(bounded > 0, "the problem has multipliers at the upper bound");
    // The decision values, and so the predictions, of every training point agree.
    for (let i = 0; i < n; i++) {
      let fPlain = -plain.rho, fShrunk = -shrunk.rho;
      for (let t = 0; t < n; t++) {
        fPlain += plain.alpha[t] * y[t] * kernel[i * n + t];
        fShrunk += shrunk.alpha[t] * y[t] * kernel[i * n + t];
      }
      close(fShrunk, fPlain, 1e-4);
      if (Math.abs(fPlain) > 1e-4) assert.equal(Math.sign(fShrunk), Math.sign(fPlain));
    }
  });
}

Deno.test("an RBF kernel of more than 2^20 values (native exponentials in chunks, then a tail) matches the formula", async () => {
  const rng = createRandom(3);
  const a = matrix(Float32Array.from({ length: 1100 * 3 }, () => rng.next()), 1100, 3);
  const b = matrix(Float32Array.from({ length: 1000 * 3 }, () => rng.next()), 1000, 3);
  const k = await kernelMatrix(a, b, { kernel: "rbf", gamma: 2 }, { shared: false });
  for (let i = 0; i < 1100; i += 7) {
    for (let j = 0; j < 1000; j += 3) {
      let d = 0;
      for (let f = 0; f < 3; f++) d += (a.data[i * 3 + f] - b.data[j * 3 + f]) ** 2;
      const want = Math.exp(-2 * d);
      assert(Math.abs(k[i * 1000 + j] - want) < 1e-5 * want + 1e-7, `K[${i}, ${j}] = ${k[i * 1000 + j]}, want ${want}`);
    }
  }
});
