import assert from "node:assert/strict";
import { initBackend } from "noisy-digits/runtime";
import { predictProba, SHIFT_VIEWS } from "noisy-digits/train";
import { shiftedDataset } from "../../lib/train/tta.ts"; // internal: this test reaches behind the face on purpose
import { createDataset, PIXELS } from "noisy-digits/data";
import { denseNet } from "noisy-digits/networks";
import { averageProbabilities } from "../../lib/train/predict.ts"; // internal: this test reaches behind the face on purpose
import { createRandom } from "noisy-digits/util";

await initBackend();

function randomImages(n: number, seed: number) {
  const rng = createRandom(seed);
  return createDataset(Float32Array.from({ length: n * PIXELS }, () => rng.next()), { name: "random" });
}

Deno.test("shiftedDataset moves whole pixels and fills the new column with noise", () => {
  const ds = randomImages(3, 1);
  const right = shiftedDataset(ds, { shiftX: 1 }, 5);
  for (let i = 0; i < 3; i++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 1; x < 28; x++) {
        assert.equal(right.pixels[i * PIXELS + y * 28 + x], ds.pixels[i * PIXELS + y * 28 + x - 1]);
      }
      const entered = right.pixels[i * PIXELS + y * 28];
      assert.ok(entered >= 0 && entered <= 1);
    }
  }
  // The entering column is new noise, not a copy of the old border.
  const column = Array.from({ length: 28 }, (_, y) => right.pixels[y * 28]);
  assert.notDeepEqual(column, Array.from({ length: 28 }, (_, y) => ds.pixels[y * 28]));
});

Deno.test("predictProba with views averages the model over the original and shifted views", async () => {
  const ds = randomImages(12, 2);
  const model = denseNet({ hidden: [8], seed: 3 });
  const tta = await predictProba(model, ds, { views: SHIFT_VIEWS.slice(0, 2), viewSeed: 4 });
  const expected = averageProbabilities([
    await predictProba(model, ds),
    await predictProba(model, shiftedDataset(ds, SHIFT_VIEWS[1], 4 + 7919)),
  ]);
  assert.equal(tta.length, 12 * 10);
  for (let i = 0; i < tta.length; i++) assert.ok(Math.abs(tta[i] - expected[i]) < 1e-5);
});
