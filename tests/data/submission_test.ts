import assert from "node:assert/strict";
import { join } from "node:path";
import { loadLabelsCsv, scoreSubmission, submissionCsv, writeSubmission } from "noisy-digits/data";

Deno.test("a submission is Id,Category with ids in order and reads back", async () => {
  assert.equal(submissionCsv([3, 0, 9]), "Id,Category\n0,3\n1,0\n2,9\n");
  const path = join(await Deno.makeTempDir(), "submission.csv");
  await writeSubmission(Uint8Array.from([1, 2, 3]), path);
  assert.deepEqual(Array.from(await loadLabelsCsv(path)), [1, 2, 3]);
});

Deno.test("a prediction outside 0-9 is refused", () => {
  assert.throws(() => submissionCsv([1, 10]), /prediction 1 is 10/);
});

Deno.test("score is the share of matching rows, and sizes must agree", () => {
  assert.equal(scoreSubmission([1, 2, 3, 4], [1, 2, 0, 4]), 0.75);
  assert.throws(() => scoreSubmission([1], [1, 2]), /1 rows but the solution has 2/);
});
