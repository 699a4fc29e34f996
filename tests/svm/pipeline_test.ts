import assert from "node:assert/strict";
import { join } from "node:path";
import { createDataset, PIXELS, scoreClassifier } from "noisy-digits/data";
import { fitPipeline, openSavedPipeline } from "noisy-digits/svm";
import { pipelineDataKey } from "../../lib/svm/pipeline.ts"; // internal: this test reaches behind the face on purpose
import { createRandom } from "noisy-digits/util";

/** Three classes of 784-pixel images: bright in one third of the image each, plus noise. */
function thirds(perClass: number, seed: number) {
  const rng = createRandom(seed), n = 3 * perClass;
  const pixels = new Float32Array(n * PIXELS), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let p = 0; p < PIXELS; p++) {
      pixels[i * PIXELS + p] = Math.floor((3 * p) / PIXELS) === labels[i] ? 0.8 + 0.2 * rng.next() : 0.3 * rng.next();
    }
  }
  return createDataset(pixels, { name: `thirds-${seed}`, labels });
}

Deno.test("fitPipeline: PCA + SVC fits, predicts, and is reloaded from its cache while nothing changed", async () => {
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  try {
    const train = thirds(8, 1), test = thirds(4, 2);
    const spec = { pca: { nComponents: 3 }, svc: { kernel: "rbf" as const, C: 1, gamma: 0.5 }, cacheName: "tiny" };
    const first = await fitPipeline(train, spec);
    assert.equal(first.loaded, false);
    assert.equal(await scoreClassifier(first, test), 1);
    const again = await fitPipeline(train, spec);
    assert.equal(again.loaded, true);
    assert.equal(again.fitSeconds, first.fitSeconds, "the reloaded pipeline reports the seconds of the first fit");
    assert.deepEqual(await again.predict(test), await first.predict(test));
    // Another C, or other training data, refits.
    assert.equal((await fitPipeline(train, { ...spec, svc: { ...spec.svc, C: 2 } })).loaded, false);
    assert.equal((await fitPipeline(thirds(8, 3), spec)).loaded, false);
    // The saved file opens as a classifier; a folder (a saved network) does not.
    const opened = await openSavedPipeline(join(outputs, "models", "tiny.bin"));
    assert.ok(opened);
    assert.equal(await scoreClassifier(opened, test), 1);
    assert.equal(await openSavedPipeline(outputs), null);
    assert.equal(await openSavedPipeline(join(outputs, "missing.bin")), null);
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
});

Deno.test("fitPipeline without a cache name always fits, and without PCA reads the pixels", async () => {
  const train = thirds(6, 4);
  const model = await fitPipeline(train, { svc: { kernel: "linear", C: 1 } });
  assert.equal(model.loaded, false);
  assert.equal(model.pca, undefined);
  assert.equal(await scoreClassifier(model, train), 1);
});

Deno.test("pipelineDataKey changes with the labels and the pixels", () => {
  const a = thirds(2, 5);
  assert.equal(pipelineDataKey(a), pipelineDataKey(thirds(2, 5)));
  assert.notEqual(pipelineDataKey(a), pipelineDataKey({ ...a, labels: Uint8Array.from(a.labels!).reverse() }));
  const pixels = a.pixels.slice();
  pixels[0] += 1;
  assert.notEqual(pipelineDataKey(a), pipelineDataKey({ ...a, pixels }));
});
