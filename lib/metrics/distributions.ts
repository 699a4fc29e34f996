/**
 * The few probability distributions the uncertainty helpers need, written out so that no statistics package is
 * required: the log-gamma function, the regularized incomplete beta and gamma functions, and from them the
 * normal, Student-t and binomial distributions (cumulative functions and quantiles).
 *
 * Quantiles are found by bisection on the cumulative function, which is monotone; bisection to the last bit is
 * slower than Newton steps but cannot diverge, and these functions are called a handful of times per notebook.
 *
 * @example
 * ```ts
 * import { normalQuantile, studentTQuantile } from "./distributions.ts";
 *
 * normalQuantile(0.975); // 1.959963984540054…
 * studentTQuantile(0.975, 4); // 2.776445105…
 * ```
 *
 * @module
 */

/** Coefficients of the Lanczos approximation with g = 7 and nine terms (relative error about 1e-15). */
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/**
 * Natural logarithm of the gamma function, for `x > 0`.
 *
 * @example
 * ```ts
 * import { lnGamma } from "./distributions.ts";
 *
 * Math.exp(lnGamma(5)); // 24 (= 4!)
 * ```
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: expected x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const TINY = 1e-300;
const EPS = 1e-15;
const MAX_ITERATIONS = 100_000;

/** Continued fraction of the incomplete beta function (modified Lentz evaluation). */
function betaFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // even step
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // odd step
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge for a=${a}, b=${b}, x=${x}`);
}

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for `a, b > 0` and `x` in [0, 1].
 *
 * @example
 * ```ts
 * import { incompleteBeta } from "./distributions.ts";
 *
 * incompleteBeta(0.5, 3, 3); // 0.5 (symmetric)
 * incompleteBeta(0.25, 1, 1); // 0.25 (uniform)
 * ```
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incompleteBeta: expected a, b > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta: expected x in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast below the mean; above it, use I_x(a, b) = 1 - I_{1-x}(b, a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** The regularized lower incomplete gamma function P(a, x), for `a > 0` and `x >= 0`. */
export function incompleteGamma(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`incompleteGamma: expected a > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`incompleteGamma: expected x >= 0, got ${x}`);
  if (x === 0) return 0;
  const logFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    // series: sum x^n / (a (a+1) ... (a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) return sum * Math.exp(logFront);
    }
    throw new Error(`incomplete gamma: series did not converge for a=${a}, x=${x}`);
  }
  // continued fraction for the upper function Q(a, x), modified Lentz
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) return 1 - Math.exp(logFront) * h;
  }
  throw new Error(`incomplete gamma: continued fraction did not converge for a=${a}, x=${x}`);
}

/** Standard normal cumulative distribution function. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const half = 0.5 * incompleteGamma(0.5, (z * z) / 2); // P(|Z| < |z|) / 2
  return z >= 0 ? 0.5 + half : 0.5 - half;
}

/** Student-t cumulative distribution function with `df > 0` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: expected df > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5); // P(T > |t|)
  return t > 0 ? 1 - tail : tail;
}

/** The point where a monotone increasing `cdf` reaches `p`, by bisection from a bracket grown outwards. */
function invert(cdf: (x: number) => number, p: number, what: string): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`${what}: expected a probability in (0, 1), got ${p}`);
  let lo = -1;
  let hi = 1;
  while (cdf(lo) > p) lo *= 2;
  while (cdf(hi) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Quantile of the standard normal distribution: the z with P(Z <= z) = p.
 *
 * @example
 * ```ts
 * import { normalQuantile } from "./distributions.ts";
 *
 * normalQuantile(0.5); // 0
 * normalQuantile(0.975); // 1.95996…
 * ```
 */
export function normalQuantile(p: number): number {
  if (p === 0.5) return 0;
  return invert(normalCdf, p, "normalQuantile");
}

/**
 * Quantile of Student's t distribution with `df` degrees of freedom: the t with P(T <= t) = p.
 *
 * @example
 * ```ts
 * import { studentTQuantile } from "./distributions.ts";
 *
 * studentTQuantile(0.975, 1); // 12.7062…
 * studentTQuantile(0.975, 10); // 2.2281…
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTQuantile: expected df > 0, got ${df}`);
  if (p === 0.5) return 0;
  return invert((t) => studentTCdf(t, df), p, "studentTQuantile");
}

/**
 * P(X <= k) for X binomial with `n` trials of success probability `p`.
 *
 * @example
 * ```ts
 * import { binomialCdf } from "./distributions.ts";
 *
 * binomialCdf(1, 8, 0.5); // 9 / 256
 * ```
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomialCdf: expected a whole n >= 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialCdf: expected p in [0, 1], got ${p}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  const whole = Math.floor(k);
  if (p === 0) return 1;
  if (p === 1) return 0;
  return incompleteBeta(1 - p, n - whole, whole + 1);
}
