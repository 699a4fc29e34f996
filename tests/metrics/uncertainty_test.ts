import assert from "node:assert/strict";
import {
  accuracyInterval,
  binomialCdf,
  correctness,
  incompleteBeta,
  lnGamma,
  mcnemar,
  mcnemarOfPredictions,
  normalQuantile,
  seedSummary,
  spreadTTest,
  studentTCdf,
  studentTQuantile,
  welchTTest,
  wilsonInterval,
} from "noisy-digits/metrics";

const close = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

Deno.test("lnGamma and the incomplete beta match closed forms", () => {
  close(Math.exp(lnGamma(5)), 24, 1e-10, "4!");
  close(Math.exp(lnGamma(0.5)), Math.sqrt(Math.PI), 1e-12, "Gamma(1/2)");
  close(lnGamma(101), 363.73937555556347, 1e-9, "ln 100!");
  close(incompleteBeta(0.3, 1, 1), 0.3, 1e-14, "uniform");
  close(incompleteBeta(0.2, 2, 1), 0.04, 1e-14, "x^2");
  close(incompleteBeta(0.2, 1, 3), 1 - 0.8 ** 3, 1e-14, "1 - (1-x)^3");
  close(incompleteBeta(0.5, 7, 7), 0.5, 1e-12, "symmetry");
});

Deno.test("normal and Student-t quantiles match the printed tables", () => {
  close(normalQuantile(0.975), 1.959964, 1e-6, "z 0.975");
  close(normalQuantile(0.995), 2.575829, 1e-6, "z 0.995");
  close(normalQuantile(0.05), -1.644854, 1e-6, "z 0.05");
  // two-sided 95 % (p = 0.975) and one-sided 95 % (p = 0.95) critical values of Student's t
  const table: [number, number, number][] = [
    [1, 12.706, 6.314],
    [2, 4.303, 2.920],
    [4, 2.776, 2.132],
    [5, 2.571, 2.015],
    [10, 2.228, 1.812],
    [30, 2.042, 1.697],
  ];
  for (const [df, t975, t95] of table) {
    close(studentTQuantile(0.975, df), t975, 5e-4, `t 0.975, df ${df}`);
    close(studentTQuantile(0.95, df), t95, 5e-4, `t 0.95, df ${df}`);
    close(studentTCdf(studentTQuantile(0.975, df), df), 0.975, 1e-10, `cdf(quantile), df ${df}`);
  }
  close(studentTQuantile(0.025, 3), -3.182, 5e-4, "lower tail");
  close(studentTQuantile(0.975, 1e6), normalQuantile(0.975), 1e-5, "t tends to z");
  // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/pi
  close(studentTCdf(2, 1), 0.5 + Math.atan(2) / Math.PI, 1e-12, "Cauchy");
});

Deno.test("binomialCdf equals the exact sums of small cases", () => {
  close(binomialCdf(1, 8, 0.5), 9 / 256, 1e-14, "n 8");
  close(binomialCdf(0, 5, 0.5), 1 / 32, 1e-14, "n 5");
  close(binomialCdf(3, 10, 0.3), 0.6496107184, 1e-9, "n 10, p 0.3");
  assert.equal(binomialCdf(8, 8, 0.5), 1);
  assert.equal(binomialCdf(-1, 8, 0.5), 0);
  // large n against the normal approximation with continuity correction (loose: it is an approximation)
  const n = 5000;
  const z = (2450 + 0.5 - n / 2) / Math.sqrt(n / 4);
  close(binomialCdf(2450, n, 0.5), 0.5 * (1 + erfLike(z / Math.SQRT2)), 2e-3, "n 5000");
});

/** erf through the normal quantile's inverse is circular; use the series for the one check above. */
function erfLike(x: number): number {
  let sum = 0;
  let term = x;
  for (let k = 0; k < 200; k++) {
    sum += term / (2 * k + 1);
    term *= (-x * x) / (k + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

Deno.test("Wilson intervals match Newcombe (1998), table I, method 3", () => {
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [k, n, lo, hi] of cases) {
    const w = wilsonInterval(k, n);
    close(w.lower, lo, 6e-5, `${k}/${n} lower`);
    close(w.upper, hi, 6e-5, `${k}/${n} upper`);
    close(w.estimate, k / n, 1e-15, `${k}/${n} estimate`);
  }
  // narrower at a lower confidence, and the accuracy form counts hits
  assert.ok(wilsonInterval(81, 263, 0.9).upper < 0.3662);
  assert.deepEqual(accuracyInterval([1, 2, 3, 4], [1, 2, 0, 4]), wilsonInterval(3, 4));
  assert.throws(() => wilsonInterval(5, 4), /successes in \[0, 4\]/);
  assert.throws(() => wilsonInterval(1, 0), /trials > 0/);
});

Deno.test("exact McNemar matches Fagerland et al. (2013) and Agresti's approval table", () => {
  // Fagerland, Lydersen and Laake, BMC Med Res Methodol 13:91: 1 and 7 discordant pairs,
  // exact conditional p = 0.070, asymptotic McNemar statistic 4.5 (p = 0.034)
  const f = mcnemar(1, 7);
  close(f.pValue, 0.0703125, 1e-12, "exact p");
  close(f.chiSquare, 4.5, 1e-12, "statistic");
  // Agresti, An Introduction to Categorical Data Analysis: presidential approval, 150 and 86 discordant,
  // z^2 = 17.36, P < 0.0001
  const a = mcnemar(150, 86);
  close(a.chiSquare, 17.36, 5e-3, "Agresti z^2");
  assert.ok(a.pValue < 1e-4 && a.pValue > 1e-6, `Agresti exact p ${a.pValue}`);
  assert.equal(mcnemar(86, 150).pValue, a.pValue, "symmetric");
  assert.equal(mcnemar(4, 4).pValue, 1);
  assert.equal(mcnemar(0, 0).pValue, 1);
  close(mcnemar(0, 5).pValue, 2 / 32, 1e-14, "0 of 5");
});

Deno.test("mcnemarOfPredictions counts only the discordant images", () => {
  const truth = [0, 1, 2, 3, 4, 5];
  const a = correctness(truth, [0, 1, 2, 0, 0, 5]); // wrong on 3, 4
  const b = correctness(truth, [0, 0, 2, 3, 0, 0]); // wrong on 1, 4, 5
  const m = mcnemarOfPredictions(a, b);
  assert.equal(m.onlyA, 2); // images 1 and 5
  assert.equal(m.onlyB, 1); // image 3
  assert.throws(() => mcnemarOfPredictions([true], [true, false]), /different image sets/);
});

Deno.test("seed summary: mean, sd and the t interval of textbook data", () => {
  const s = seedSummary([1, 2, 3, 4, 5]);
  close(s.mean, 3, 1e-15);
  close(s.sd, Math.sqrt(2.5), 1e-14);
  close(s.upper - s.mean, 2.776445 * Math.sqrt(2.5) / Math.sqrt(5), 1e-5, "half width");
  close(s.mean - s.lower, s.upper - s.mean, 1e-12, "symmetric");
  const one = seedSummary([0.96]);
  assert.ok(Number.isNaN(one.sd));
  assert.equal(one.upper, Infinity);
  assert.throws(() => seedSummary([]), /at least one value/);
  assert.throws(() => seedSummary([1, NaN]), /value 1 is NaN/);
});

Deno.test("Welch t-test reproduces R's t.test on the sleep data", () => {
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const w = welchTTest(g1, g2);
  close(w.t, -1.8608, 1e-4, "t");
  close(w.df, 17.776, 1e-3, "df");
  close(w.pValue, 0.07939, 1e-5, "p");
  close(w.difference, 0.75 - 2.33, 1e-12, "difference");
  assert.throws(() => welchTTest([1], [1, 2]), /at least 2 values on each side/);
});

Deno.test("spreadTTest uses the reference spread on both sides", () => {
  const r = spreadTTest([0.965], [0.96], { sd: 0.002, seeds: 3 });
  close(r.t, 0.005 / (0.002 * Math.SQRT2), 1e-10, "t");
  assert.equal(r.df, 2);
  close(r.pValue, 2 * studentTCdf(-r.t, 2), 1e-12, "p");
  assert.throws(() => spreadTTest([1], [1], { sd: 0.1, seeds: 1 }), />= 2 seeds/);
});
