import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, tf } from "noisy-digits/runtime";
import { trainOrLoad } from "noisy-digits/train";
import { profiledName } from "../../lib/train/reuse.ts"; // internal: this test reaches behind the face on purpose
import { createDataset, PIXELS } from "noisy-digits/data";
import { softmaxHead } from "../support/models.ts";

await initBackend();

const data = createDataset(new Float32Array(20 * PIXELS).map((_, i) => (i % 7) / 7), {
  name: "toy",
  labels: Uint8Array.from({ length: 20 }, (_, i) => i % 10),
});

Deno.test("trainOrLoad: a smoke run saves apart from the full run, and each reloads its own model", async () => {
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  try {
    const run = (profile: string) =>
      trainOrLoad("toy-cnn", {
        build: () => softmaxHead([28, 28, 1], profile === "full" ? 1 : 2),
        train: data,
        fit: { epochs: 1, batchSize: 10, optimizer: { name: "adam" }, progress: "silent" },
        key: { profile },
        profile,
      });
    const full = await run("full");
    const smoke = await run("smoke");
    assert.equal(full.name, "toy-cnn");
    assert.equal(smoke.name, join("smoke", "toy-cnn"));
    assert.equal(full.dir, join(outputs, "models", "toy-cnn"));
    assert.equal(smoke.dir, join(outputs, "models", "smoke", "toy-cnn"));
    assert.ok(!full.loaded && !smoke.loaded);
    // The smoke run did not replace the full model: the full run reloads it, with its own weights.
    const again = await run("full");
    assert.ok(again.loaded);
    const w = (m: tf.LayersModel) => Array.from(m.getWeights()[0].dataSync().slice(0, 20));
    assert.deepEqual(w(again.model), w(full.model));
    assert.notDeepEqual(w(again.model), w(smoke.model));
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
});

Deno.test("profiledName: full keeps the bare name, other profiles get a folder", () => {
  assert.equal(profiledName("best-cnn", "full"), "best-cnn");
  assert.equal(profiledName("best-cnn", undefined), "best-cnn");
  assert.equal(profiledName("best-cnn", "quick"), join("quick", "best-cnn"));
});
