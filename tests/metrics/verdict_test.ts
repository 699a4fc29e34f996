import assert from "node:assert/strict";
import {
  formatInterval,
  formatVerdict,
  verdict,
  verdictOfSeeds,
  verdictText,
  wilsonInterval,
} from "noisy-digits/metrics";

/** Per-image correctness with `both` images right for both models, then `onlyA`, `onlyB`, then `neither`. */
function pairs(both: number, onlyA: number, onlyB: number, neither: number): [boolean[], boolean[]] {
  const a: boolean[] = [];
  const b: boolean[] = [];
  const push = (n: number, x: boolean, y: boolean) => {
    for (let i = 0; i < n; i++) a.push(x), b.push(y);
  };
  push(both, true, true);
  push(onlyA, true, false);
  push(onlyB, false, true);
  push(neither, false, false);
  return [a, b];
}

Deno.test("paired verdict: a clear gap is better, its mirror worse, a small one within noise", () => {
  const [a, b] = pairs(2800, 60, 25, 115); // 3,000 images: A 95.33 %, B 94.17 %
  const v = verdict({ a: { name: "A", correct: a }, b: { name: "B", correct: b } });
  assert.equal(v.outcome, "better");
  assert.ok(v.test.pValue < 0.001, `p ${v.test.pValue}`);
  assert.ok(Math.abs(v.gap - 35 / 3000) < 1e-12);
  assert.equal(
    v.text,
    "A (95.33 %) is better than B (94.17 %) by 1.17 points on 3,000 images " +
      "(exact McNemar p < 0.001; 60 images only A gets right, 25 only B)",
  );
  const mirror = verdict({ a: { name: "B", correct: b }, b: { name: "A", correct: a } });
  assert.equal(mirror.outcome, "worse");
  assert.ok(mirror.text.startsWith("B (94.17 %) is worse than A (95.33 %) by 1.17 points"));

  const [c, d] = pairs(2850, 40, 30, 80); // +0.33 points, p = 0.28
  const n = verdict({ a: { name: "C", correct: c }, b: { name: "D", correct: d } });
  assert.equal(n.outcome, "within noise");
  assert.ok(n.text.startsWith("C (96.33 %) and D (96.00 %) are within noise of each other: 0.33 points apart"));
  assert.ok(!/better|worse|\+|-0/.test(n.text), `no direction inside the noise: ${n.text}`);
  assert.equal(formatVerdict(n), n.text);
});

Deno.test("paired verdict: alpha is the threshold, equal accuracy is never a direction", () => {
  const [a, b] = pairs(100, 9, 2, 0); // p = 0.0654
  assert.equal(verdict({ a: { name: "A", correct: a }, b: { name: "B", correct: b } }).outcome, "within noise");
  assert.equal(
    verdict({ a: { name: "A", correct: a }, b: { name: "B", correct: b } }, { alpha: 0.1 }).outcome,
    "better",
  );
  const [e, f] = pairs(10, 5, 5, 0);
  assert.equal(verdict({ a: { name: "E", correct: e }, b: { name: "F", correct: f } }).outcome, "within noise");
  assert.throws(() => verdict({ a: { name: "A", correct: [] }, b: { name: "B", correct: [] } }), /no images/);
  assert.throws(() => verdict({ a: { name: "A", correct: [true] }, b: { name: "B", correct: [true, true] } }));
});

Deno.test("seed verdict: Welch with own seeds, the reference spread for single runs, an error without either", () => {
  const v = verdictOfSeeds({
    a: { name: "wide", accuracies: [0.962, 0.960, 0.963] },
    b: { name: "4-conv", accuracies: [0.951, 0.953, 0.950] },
  });
  assert.equal(v.outcome, "better");
  assert.equal(v.method, "welch");
  assert.ok(v.text.startsWith("wide (96.17 ± 0.15 %, 3 seeds) is better than 4-conv (95.13 ± 0.15 %, 3 seeds)"));

  const noisy = verdictOfSeeds({
    a: { name: "A", accuracies: [0.962, 0.950, 0.958] },
    b: { name: "B", accuracies: [0.955, 0.961, 0.949] },
  });
  assert.equal(noisy.outcome, "within noise");
  assert.ok(noisy.text.includes("are within noise of each other"));

  const single = { a: { name: "fresh", accuracies: [0.961] }, b: { name: "base", accuracies: [0.96] } };
  assert.throws(() => verdictOfSeeds(single), /pass options.spread/);
  const judged = verdictOfSeeds(single, { spread: { sd: 0.0015, seeds: 3 } });
  assert.equal(judged.outcome, "within noise");
  assert.equal(judged.method, "reference spread");
  assert.ok(judged.text.includes("reference seed spread (sd 0.15 points over 3 seeds)"), judged.text);
  const far = verdictOfSeeds({ a: { name: "x", accuracies: [0.97] }, b: { name: "y", accuracies: [0.95] } }, {
    spread: { sd: 0.001, seeds: 3 },
  });
  assert.equal(far.outcome, "better");
});

Deno.test("formatInterval states the accuracy and its Wilson bounds", () => {
  assert.equal(formatInterval(wilsonInterval(2880, 3000)), "96.00 % (95 % interval 95.24 to 96.64 %)");
});

Deno.test("verdictText: two untrained runs get no verdict, whatever the test says; one learning run keeps it", () => {
  const [a, b] = pairs(100, 60, 10, 30);
  const v = verdict({ a: { name: "A", correct: a }, b: { name: "B", correct: b } });
  assert.equal(v.outcome, "better");
  assert.equal(
    verdictText(v, { aUntrained: true, bUntrained: true }),
    "no verdict between A and B: both are untrained",
  );
  assert.equal(verdictText(v, { aUntrained: false, bUntrained: true }), v.text);
  assert.equal(verdictText(v, { aUntrained: false, bUntrained: false }), v.text);
});
