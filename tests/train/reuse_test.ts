import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, tf } from "noisy-digits/runtime";
import { saveNetwork, trainOrLoad } from "noisy-digits/train";
import { profiledName } from "../../lib/train/reuse.ts"; // internal: this test reaches behind the face on purpose
import { createDataset, datasetFingerprint, PIXELS } from "noisy-digits/data";
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

/** Runs `fn` with console.log captured; returns what it printed. */
async function logged(fn: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [], log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

Deno.test("trainOrLoad: a saved model is reused only for the network that made it, and says why it reloads or retrains", async () => {
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  try {
    const fit = { epochs: 1, batchSize: 10, optimizer: { name: "adam" as const }, progress: "silent" as const };
    const wider = () => {
      const m = tf.sequential();
      m.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
      m.add(tf.layers.dense({ units: 4, activation: "relu" }));
      m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
      return m;
    };
    const run = (build: () => tf.LayersModel) => trainOrLoad("net", { build, train: data, fit, key: { recipe: 1 } });
    let first!: Awaited<ReturnType<typeof run>>;
    assert.equal(await logged(async () => first = await run(() => softmaxHead([28, 28, 1], 1))), "");
    // The same recipe, data and network (another seed: the same layers): reloaded, with what and why.
    let again!: Awaited<ReturnType<typeof run>>;
    const reload = await logged(async () => again = await run(() => softmaxHead([28, 28, 1], 9)));
    assert.ok(again.loaded);
    assert.match(
      reload,
      /net: reloading the model saved in .*: same recipe, training data and network \(7850 parameters\)/,
    );
    // The code now builds another network under the same name and recipe: trained anew, and said so.
    let changed!: Awaited<ReturnType<typeof run>>;
    const retrain = await logged(async () => changed = await run(wider));
    assert.ok(!changed.loaded);
    assert.equal(changed.model.countParams(), 3190);
    assert.match(
      retrain,
      /its network differs from the one the code builds now \(7850 parameters then, 3190 now\); training anew, it will be replaced/,
    );
    // Other data: retrained, and said so.
    const other = createDataset(new Float32Array(20 * PIXELS).map((_, i) => (i % 5) / 5), {
      name: "toy2",
      labels: Uint8Array.from({ length: 20 }, (_, i) => (i + 1) % 10),
    });
    const moved = await logged(() => trainOrLoad("net", { build: wider, train: other, fit, key: { recipe: 1 } }));
    assert.match(moved, /it was trained on other data; training anew/);
    assert.ok(first.model !== changed.model);
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
});

Deno.test("trainOrLoad: a model saved before the network was in the key is reused only if its network is the code's", async () => {
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  try {
    const dir = join(outputs, "models", "old-net");
    // The earlier key: recipe and data only.
    const key = JSON.stringify({ key: { recipe: 1 }, train: datasetFingerprint(data) });
    const history = { epoch: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [], lr: [], seconds: [] };
    await saveNetwork(softmaxHead([28, 28, 1], 3), dir, { meta: { key, seconds: 5, date: "2026-01-01", history } });
    const fit = { epochs: 1, batchSize: 10, optimizer: { name: "adam" as const }, progress: "silent" as const };
    const same = await trainOrLoad("old-net", {
      build: () => softmaxHead([28, 28, 1], 4),
      train: data,
      fit,
      key: { recipe: 1 },
    });
    assert.ok(same.loaded, "same network: reused");
    const lines: string[] = [], log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    let other;
    try {
      other = await trainOrLoad("old-net", {
        build: () =>
          tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10 })] }),
        train: data,
        fit,
        key: { recipe: 1 },
      });
    } finally {
      console.log = log;
    }
    assert.ok(!other.loaded, "another network (no softmax): trained anew");
    assert.match(
      lines.join("\n"),
      /old-net: not reusing the model saved in .*: its network differs from the one the code builds now/,
    );
  } finally {
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
});
