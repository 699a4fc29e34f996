import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend } from "noisy-digits/runtime";
import { argMaxRows, predictProba, saveNetwork } from "noisy-digits/train";
import { denseNet } from "noisy-digits/networks";
import { createDataset, PIXELS } from "noisy-digits/data";
import { accuracy } from "noisy-digits/metrics";
import { rankingTable, scoreSavedModels } from "noisy-digits/study";
import { createRandom } from "noisy-digits/util";

await initBackend();

Deno.test("scoreSavedModels scores saved networks on the test images and notes missing ones", async () => {
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  try {
    const model = denseNet({ hidden: [16], seed: 1 });
    await saveNetwork(model, join(outputs, "models", "tiny"));
    const rng = createRandom(2);
    const test = createDataset(Float32Array.from({ length: 50 * PIXELS }, () => rng.next()), {
      name: "test",
      labels: Uint8Array.from({ length: 50 }, (_, i) => i % 10),
    });
    const expected = accuracy(test.labels!, argMaxRows(await predictProba(model, test)));
    const ranked = await scoreSavedModels([
      { section: "8", model: "tiny", holdoutAccuracy: 0.5, savedAs: "tiny" },
      { section: "8", model: "gone", holdoutAccuracy: 0.9, savedAs: "gone" },
      { section: "7", model: "recorded", testAccuracy: 0.95, testImages: 50_000 },
    ], test);
    assert.equal(ranked[0].testAccuracy, expected);
    assert.equal(ranked[0].testImages, 50);
    assert.equal(ranked[1].testAccuracy, undefined);
    assert.match(ranked[1].note!, /no saved model/);
    assert.equal(ranked[2].testAccuracy, 0.95);
    // Best holdout first; no holdout last.
    const text = rankingTable(ranked).text.split("\n");
    assert.match(text[3], /gone/);
    assert.match(text[4], /tiny/);
    assert.match(text[5], /recorded/);
    // The same model recorded twice (two notebooks) appears once, with its last record.
    const twice = rankingTable([...ranked, { section: "8", model: "tiny", holdoutAccuracy: 0.6 }]).text;
    assert.equal(twice.match(/tiny/g)?.length, 1);
    assert.match(twice, /tiny\s+0\.6000/);
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
});
