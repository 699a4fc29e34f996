import assert from "node:assert/strict";
import { formatGap, formatPercent } from "noisy-digits/display";

Deno.test("formatGap: a difference of accuracies in points, unsigned unless asked, rounded to its digits", () => {
  assert.equal(formatGap(0.9612 - 0.95), "1.1 points");
  assert.equal(formatGap(-0.034), "-3.4 points");
  assert.equal(formatGap(0.0123, { digits: 2, signed: true }), "+1.23 points");
  assert.equal(formatGap(-0.0123, { digits: 2, signed: true }), "-1.23 points");
  assert.equal(formatGap(0, { signed: true }), "+0.0 points");
  // The notebooks' former texts: formatPercent's digits with " points", and the signed two-decimal form.
  for (const d of [0.0449, -0.0251, 0.00049, 0.1234]) {
    assert.equal(formatGap(d), formatPercent(d, 1).replace(" %", " points"));
    assert.equal(
      formatGap(d, { digits: 2, signed: true }),
      `${d < 0 ? "-" : "+"}${Math.abs(d * 100).toFixed(2)} points`,
    );
  }
});

Deno.test("formatGap: a gap that is not a number is an error, not a sentence", () => {
  assert.throws(() => formatGap(NaN), /finite number, got NaN/);
  assert.throws(() => formatGap(Infinity), RangeError);
});
