import assert from "node:assert/strict";
import { PCA } from "noisy-digits/decomposition";
import { matrix } from "noisy-digits/data";
import { createRandom } from "noisy-digits/util";
import { orthonormalColumns } from "../../lib/decomposition/pca.ts"; // internal: the range finder's basis

const close = (a: number, b: number, eps: number) => assert(Math.abs(a - b) < eps, `${a} != ${b} (eps ${eps})`);

/** Points spread along three known orthonormal directions of R^6 with standard deviations 5, 2, 0.5. */
function known(n: number) {
  const s = 1 / Math.sqrt(2);
  const dirs = [[s, s, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], [s, -s, 0, 0, 0, 0]];
  const sds = [5, 2, 0.5];
  const data = new Float32Array(n * 6);
  for (let r = 0; r < n; r++) {
    // Signs from the bits of r (a full factorial design over blocks of 8 rows): coefficients with mean 0,
    // uncorrelated, so the sample variance along direction k is exactly sd^2 * n / (n - 1).
    for (let k = 0; k < 3; k++) {
      const coef = ((r >> k) & 1) === 0 ? sds[k] : -sds[k];
      for (let j = 0; j < 6; j++) data[r * 6 + j] += coef * dirs[k][j];
    }
    data[r * 6 + 5] = 10; // constant offset: removed by centring
  }
  return { x: matrix(data, n, 6), dirs, sds };
}

for (const solver of ["full", "randomized"] as const) {
  Deno.test(`PCA (${solver}) recovers known directions and variances`, async () => {
    const n = 200;
    const { x, dirs, sds } = known(n);
    const pca = await new PCA({ nComponents: 2, solver }).fit(x);
    for (let k = 0; k < 2; k++) {
      close(pca.explainedVariance![k], sds[k] ** 2 * n / (n - 1), 1e-3);
      let dot = 0;
      for (let j = 0; j < 6; j++) dot += pca.components!.data[k * 6 + j] * dirs[k][j];
      close(Math.abs(dot), 1, 1e-4);
    }
    const total = sds.reduce((a, s) => a + s * s, 0);
    close(pca.explainedVarianceRatio![0], 25 / total, 1e-4);
  });
}

Deno.test("PCA whitening gives unit-variance, uncorrelated scores", async () => {
  const rng = createRandom(3);
  const n = 500, d = 8;
  const data = Float32Array.from({ length: n * d }, (_, i) => rng.next() * (1 + (i % d)));
  const z = await new PCA({ nComponents: 4, whiten: true }).fitTransform(matrix(data, n, d));
  assert.equal(z.cols, 4);
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += z.data[r * 4 + a] * z.data[r * 4 + b];
      close(s / (n - 1), a === b ? 1 : 0, 1e-3);
    }
  }
});

Deno.test("orthonormalColumns returns an orthonormal basis of the same span, even for nearly parallel columns", () => {
  const d = 7, l = 3, rng = createRandom(5);
  const a = Float64Array.from({ length: d * l }, () => rng.next() - 0.5);
  for (let i = 0; i < d; i++) a[2 * d + i] = a[i] + 1e-7 * a[d + i]; // third column almost the first
  const original = a.slice();
  const q = orthonormalColumns(a, d, l);
  for (let p = 0; p < l; p++) {
    for (let r = 0; r < l; r++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[p * d + i] * q[r * d + i];
      close(dot, p === r ? 1 : 0, 1e-9);
    }
  }
  // Every original column is its own projection on the basis.
  for (let c = 0; c < l; c++) {
    const v = original.subarray(c * d, (c + 1) * d), proj = new Float64Array(d);
    for (let p = 0; p < l; p++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[p * d + i] * v[i];
      for (let i = 0; i < d; i++) proj[i] += dot * q[p * d + i];
    }
    for (let i = 0; i < d; i++) close(proj[i], v[i], 1e-9);
  }
});

Deno.test("orthonormalColumns completes a rank-deficient set to an orthonormal basis", () => {
  const d = 4, l = 3;
  const a = Float64Array.from([1, 2, 0, 0, 2, 4, 0, 0, 0, 0, 0, 0]); // second column = 2 x first, third zero
  const q = orthonormalColumns(a, d, l);
  for (let p = 0; p < l; p++) {
    for (let r = 0; r < l; r++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[p * d + i] * q[r * d + i];
      close(dot, p === r ? 1 : 0, 1e-12);
    }
  }
  close(q[0], 1 / Math.sqrt(5), 1e-12);
});
