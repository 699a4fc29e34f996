import assert from "node:assert/strict";
import { cleanTrainingDigits, createDataset, generateData, loadTrain } from "noisy-digits/data";

Deno.test("clean originals line up with the noisy rows of synthesized data", async () => {
  const dir = await Deno.makeTempDir();
  const options = { trainCount: 60, testCount: 40, seed: 3 };
  await generateData({ ...options, dir, progress: "silent" });
  const noisy = await loadTrain({ dataDir: dir, cache: false });
  const clean = await cleanTrainingDigits(noisy, options);
  assert.deepEqual(clean.labels, noisy.labels);
  for (let i = 0; i < clean.pixels.length; i++) assert.ok(noisy.pixels[i] >= clean.pixels[i] - 0.0006);
  // Strokes are there: clean digits are mostly black with some bright pixels.
  const bright = clean.pixels.filter((v) => v > 0.5).length / clean.pixels.length;
  assert.ok(bright > 0.05 && bright < 0.3, `bright share ${bright}`);
});

Deno.test("data not built by the synthesis is refused", async () => {
  const dir = await Deno.makeTempDir();
  const options = { trainCount: 60, testCount: 40, seed: 3 };
  await generateData({ ...options, dir, progress: "silent" });
  const noisy = await loadTrain({ dataDir: dir, cache: false });
  await assert.rejects(
    () => cleanTrainingDigits(noisy, { ...options, seed: 4 }),
    /does not come from the synthesis|label/,
  );
  const foreign = createDataset(new Float32Array(5 * 784), { labels: new Uint8Array(5) });
  await assert.rejects(() => cleanTrainingDigits(foreign, options), /has 5 images/);
});
