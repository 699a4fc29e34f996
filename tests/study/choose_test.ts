import assert from "node:assert/strict";
import { chooseOnHoldout } from "noisy-digits/study";
import { correctness } from "noisy-digits/metrics";

/** Labels 0-9 repeated, and predictions equal to them except where `wrong(i)`. */
function scored(n: number, wrong: (i: number) => boolean) {
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  const predicted = labels.map((l, i) => (wrong(i) ? (l + 1) % 10 : l));
  return { labels, predicted };
}

Deno.test("chooseOnHoldout keeps the default inside the noise and takes a clear winner", () => {
  const one = scored(3000, (i) => i % 25 === 0); // 96.0 %
  const three = scored(3000, (i) => i % 25 === 0 && i > 80); // 3 images better: noise
  const close = chooseOnHoldout([
    { name: "one view", holdoutCorrect: correctness(one.labels, one.predicted) },
    { name: "3 views", holdoutCorrect: correctness(three.labels, three.predicted) },
  ]);
  assert.equal(close.chosen.name, "one view");
  assert.equal(close.verdicts[0].outcome, "within noise");
  assert.match(close.text, /^chosen on the holdout: one view \(3 views .* are within noise/);
  const much = scored(3000, (i) => i % 50 === 0); // 98.0 %: 60 images better, none worse
  const clear = chooseOnHoldout([
    { name: "one view", holdoutCorrect: correctness(one.labels, one.predicted) },
    { name: "3 views", holdoutCorrect: correctness(three.labels, three.predicted) },
    { name: "5 views", holdoutCorrect: correctness(much.labels, much.predicted) },
  ]);
  assert.equal(clear.chosen.name, "5 views");
  assert.equal(clear.index, 2);
  assert.throws(() => chooseOnHoldout([]), /no candidates/);
  assert.throws(
    () => chooseOnHoldout([{ name: "a", holdoutCorrect: [true] }, { name: "b", holdoutCorrect: [true, false] }]),
    /same images/,
  );
});

Deno.test("chooseOnHoldout takes a costlier option only when it beats the choice so far", () => {
  const cheap = scored(3000, (i) => i % 25 === 0); // 96.0 %
  const better = scored(3000, (i) => i % 50 === 0); // 98.0 %: better than the default
  const costly = scored(3000, (i) => i % 50 === 0 && i > 200); // 4 images more than `better`: noise
  const choice = chooseOnHoldout([
    { name: "cheap", holdoutCorrect: correctness(cheap.labels, cheap.predicted) },
    { name: "better", holdoutCorrect: correctness(better.labels, better.predicted) },
    { name: "costly", holdoutCorrect: correctness(costly.labels, costly.predicted) },
  ]);
  // "costly" is better than the default too, but inside the noise of "better", which it had to beat.
  assert.equal(choice.chosen.name, "better");
  assert.deepEqual(choice.verdicts.map((v) => [v.a.name, v.b.name, v.outcome]), [
    ["better", "cheap", "better"],
    ["costly", "better", "within noise"],
  ]);
});

Deno.test("poisoned test labels do not change a choice made on the holdout", () => {
  // Holdout: option B is clearly better. Test: option A is, by far. A choice that read the test would flip.
  const holdoutA = scored(3000, (i) => i % 10 === 0);
  const holdoutB = scored(3000, (i) => i % 100 === 0);
  const testA = scored(5000, () => false);
  const testB = scored(5000, (i) => i % 2 === 0);
  const candidates = (testLabels: number[]) => [
    {
      name: "A",
      holdoutCorrect: correctness(holdoutA.labels, holdoutA.predicted),
      testCorrect: correctness(testLabels, testA.predicted),
    },
    {
      name: "B",
      holdoutCorrect: correctness(holdoutB.labels, holdoutB.predicted),
      testCorrect: correctness(testLabels, testB.predicted),
    },
  ];
  const honest = chooseOnHoldout(candidates(testA.labels));
  const poisoned = testA.labels.map((l) => (l + 5) % 10); // every test label wrong
  const afterPoison = chooseOnHoldout(candidates(poisoned));
  assert.equal(honest.chosen.name, "B");
  assert.equal(afterPoison.chosen.name, honest.chosen.name);
  assert.equal(afterPoison.text, honest.text);
  // the poison is real: on the test images it reverses which option looks better
  const testScore = (c: { testCorrect: boolean[] }) => c.testCorrect.filter(Boolean).length;
  const [a, b] = candidates(testA.labels), [pa, pb] = candidates(poisoned);
  assert.ok(testScore(a) > testScore(b) && testScore(pa) <= testScore(pb));
});
