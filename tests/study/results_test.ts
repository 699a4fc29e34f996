import assert from "node:assert/strict";
import { readAllResults, recordResults } from "noisy-digits/study";
import { forgetResults } from "../../lib/study/results.ts"; // internal: this test reaches behind the face on purpose

async function withOutputs(fn: () => Promise<void>) {
  const dir = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", dir);
  try {
    await fn();
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("results: re-recording a model replaces its row, per profile; a smoke run keeps the full rows", () =>
  withOutputs(async () => {
    await recordResults("06_x", [
      { section: "6.3", model: "4-conv CNN", holdoutAccuracy: 0.95, profile: "full" },
      { section: "6.3", model: "4-conv CNN, augmented", holdoutAccuracy: 0.96, profile: "full" },
    ]);
    await recordResults("06_x", [{ section: "6.3", model: "4-conv CNN", holdoutAccuracy: 0.2, profile: "smoke" }]);
    await recordResults("06_x", [{ section: "6.3", model: "4-conv CNN", holdoutAccuracy: 0.955, profile: "full" }]);
    const rows = await readAllResults();
    const of = (profile: string) => rows.filter((r) => r.profile === profile).map((r) => [r.model, r.holdoutAccuracy]);
    assert.deepEqual(of("full"), [["4-conv CNN, augmented", 0.96], ["4-conv CNN", 0.955]]);
    assert.deepEqual(of("smoke"), [["4-conv CNN", 0.2]]);
  }));

Deno.test("results: a damaged results file is reported by path, not overwritten", () =>
  withOutputs(async () => {
    await recordResults("07_x", [{ section: "7", model: "final", profile: "full" }]);
    const path = `${Deno.env.get("NOISY_DIGITS_OUTPUTS")}/results/07_x.json`;
    await Deno.writeTextFile(path, "{ not json");
    await assert.rejects(
      () => recordResults("07_x", [{ section: "7", model: "final" }]),
      /07_x\.json: not a results file/,
    );
    assert.equal(await Deno.readTextFile(path), "{ not json");
  }));

Deno.test("results: forgetting a profile empties its rows in every file and keeps the others", () =>
  withOutputs(async () => {
    await recordResults("02_x", [{ section: "4.1", model: "svm", profile: "full" }, {
      section: "4.1",
      model: "svm",
      profile: "smoke",
    }]);
    await recordResults("08_x", [{ section: "8.6", model: "best", profile: "smoke" }]);
    assert.equal(await forgetResults("smoke"), 2);
    assert.deepEqual((await readAllResults()).map((r) => [r.model, r.profile]), [["svm", "full"]]);
    assert.equal(await forgetResults("smoke"), 0);
  }));
