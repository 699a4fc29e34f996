/**
 * Every choice of the study is made on the holdout (issue 21, point 5): `study.chooseOnHoldout` reads each
 * candidate's `holdoutCorrect` and nothing else (tests/study/choose_test.ts poisons the test labels to show it). This
 * test covers the other half, the notebooks: what a notebook passes as `holdoutCorrect` must not be built from test
 * labels. It reads each `holdoutCorrect:` expression and the definitions of the names it uses, two levels deep, and
 * fails when any of them reads the test labels or a test score.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { listNotebooks } from "../../scripts/notebook_runner.ts";

/** What reads test labels or scores in the notebooks: the solution, a scorer, or a test set's labels. */
const READS_TEST = new RegExp(
  String.raw`\b(solution|truthOfTest|scoreTest|testScoreOf|scoreSubmission|loadSolution)\b|` +
    String.raw`\b(rankingTest|curveTest|benchTest|finalTest|fullTest|otherTest)\b[!?]?\.labels`,
);

/** The statement that defines `name` (`const name =`, or `name` among the names of a `const [..] =`), if any. */
function definitionOf(code: string, name: string): string | undefined {
  const start = new RegExp(String.raw`(const|let)\s+(\[[^\]]*\b${name}\b[^\]]*\]|${name}\b)[^=]*=`).exec(code);
  if (!start) return undefined;
  const end = code.indexOf(";\n", start.index);
  return code.slice(start.index, end < 0 ? undefined : end);
}

/** Each `holdoutCorrect:` expression of the code with what it reads, two levels of definitions deep. */
function holdoutChoiceReads(code: string): { expression: string; reads: string }[] {
  return [...code.matchAll(/holdoutCorrect:\s*([^\n]+)/g)].map(([, expression]) => {
    let reads = expression, frontier = expression;
    for (let level = 0; level < 2; level++) {
      const names = new Set(frontier.match(/[A-Za-z_$][\w$]*/g) ?? []);
      frontier = [...names].map((n) => definitionOf(code, n) ?? "").join("\n");
      reads += `\n${frontier}`;
    }
    return { expression: expression.trim(), reads };
  });
}

/** The `holdoutCorrect` expressions of `code` that read test labels (empty when none does). */
function steeredByTest(code: string): string[] {
  return holdoutChoiceReads(code).filter((c) => READS_TEST.test(c.reads)).map((c) => c.expression);
}

const codeOf = (nb: { cells: { cell_type: string; source: string | string[] }[] }) =>
  nb.cells.filter((c) => c.cell_type === "code").map((c) => [c.source].flat().join("")).join("\n");

const dir = join(REPO_ROOT, "notebooks");
for (const name of listNotebooks(dir)) {
  Deno.test(`notebooks/${name}: the choices made with chooseOnHoldout are built from holdout answers only`, async () => {
    const code = codeOf(JSON.parse(await Deno.readTextFile(join(dir, name))));
    if (code.includes("chooseOnHoldout(")) assert.ok(holdoutChoiceReads(code).length > 0, "no candidate found");
    assert.deepEqual(steeredByTest(code), []);
  });
}

Deno.test("notebook 08 chooses its views, and its submission among four candidates, on the holdout", async () => {
  const code = codeOf(JSON.parse(await Deno.readTextFile(join(dir, "08_beyond_the_report.ipynb"))));
  assert.ok(holdoutChoiceReads(code).length >= 6, "the views (2) and the submission's candidates (4)");
  assert.match(code, /submission = study\.chooseOnHoldout\(submissionCandidates\)/);
  assert.match(code, /writeSubmission\(\s*submission\.chosen\.predictions/);
});

Deno.test("the check finds a choice built from test labels, directly or through a definition", () => {
  const honest = "const ok = correctness(holdout.labels, p);\nchoose([{ name: 'a', holdoutCorrect: ok }]);\n";
  assert.deepEqual(steeredByTest(honest), []);
  assert.deepEqual(steeredByTest("choose([{ holdoutCorrect: correctness(curveTest.labels, p) }]);\n"), [
    "correctness(curveTest.labels, p) }]);",
  ]);
  const indirect = "const truth = solution!.subarray(0, 9);\nconst bad = correctness(truth, p);\n" +
    "choose([{ name: 'b', holdoutCorrect: bad },\n]);\n";
  assert.deepEqual(steeredByTest(indirect), ["bad },"]);
  const unpacked = "const [x, bad] = [1, correctness(rankingTest!.labels, q)];\nchoose([{ holdoutCorrect: bad }]);\n";
  assert.equal(steeredByTest(unpacked).length, 1);
});
