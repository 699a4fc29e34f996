import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT, repoRelative } from "noisy-digits/data";

Deno.test("repoRelative names a path inside the repository relative to it, and leaves others as they are", () => {
  assert.equal(repoRelative(join(REPO_ROOT, "data")), "data");
  assert.equal(repoRelative(join(REPO_ROOT, "outputs", "figures")), join("outputs", "figures"));
  assert.equal(repoRelative(REPO_ROOT), ".");
  const outside = join(dirname(REPO_ROOT), "elsewhere-data");
  assert.equal(repoRelative(outside), outside);
  assert.equal(repoRelative("/tmp/x"), "/tmp/x");
});
