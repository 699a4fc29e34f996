import assert from "node:assert/strict";
import { join } from "node:path";
import { manifestBytes, readModelFiles, readModelJson } from "noisy-digits/runtime";
import { SavedFileError } from "noisy-digits/util";

/** A layers-model file with two weight files (a kernel of 2x3 float32 and a bias of 3), as a converter writes it. */
async function writeModel(dir: string, name = "vgg.json"): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      modelTopology: { class_name: "Sequential" },
      weightsManifest: [
        { paths: ["group1-shard1of2.bin"], weights: [{ name: "dense/kernel", shape: [2, 3], dtype: "float32" }] },
        { paths: ["group2-shard1of1.bin"], weights: [{ name: "dense/bias", shape: [3], dtype: "float32" }] },
      ],
    }),
  );
  await Deno.writeFile(join(dir, "group1-shard1of2.bin"), new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer));
  await Deno.writeFile(join(dir, "group2-shard1of1.bin"), new Uint8Array(Float32Array.from([7, 8, 9]).buffer));
  return path;
}

async function refusal(p: Promise<unknown>): Promise<SavedFileError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SavedFileError, String(e));
    return e;
  }
  throw new Error("expected a refusal");
}

Deno.test("readModelFiles joins the weight files of every manifest group, in order, with their specs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { json, modelTopology, weightSpecs, weightData } = await readModelFiles(await writeModel(dir));
    assert.deepEqual(modelTopology, { class_name: "Sequential" });
    assert.equal(json.weightsManifest.length, 2);
    assert.deepEqual(weightSpecs.map((s) => s.name), ["dense/kernel", "dense/bias"]);
    assert.deepEqual(Array.from(new Float32Array(weightData)), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readModelFiles refuses, naming the file: missing, not JSON, no layers model, weights cut or too long", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await writeModel(dir);
    let e = await refusal(readModelFiles(join(dir, "absent.json")));
    assert.equal(e.message, `${join(dir, "absent.json")}: no model file here (file not found)`);
    e = await refusal(readModelJson(join(dir, "absent.json"), "no saved model here"));
    assert.match(e.message, /no saved model here \(file not found\)$/);

    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.slice(0, 40));
    e = await refusal(readModelFiles(path));
    assert.ok(e.message.startsWith(`${path}: not valid JSON`), e.message);
    await Deno.writeTextFile(path, JSON.stringify({ weightsManifest: [] }));
    e = await refusal(readModelFiles(path));
    assert.match(e.message, /expected a tfjs layers model/);
    await Deno.writeTextFile(path, text);

    const shard = join(dir, "group2-shard1of1.bin");
    await Deno.writeFile(shard, new Uint8Array(8));
    e = await refusal(readModelFiles(path));
    assert.equal(e.file, `${join(dir, "group1-shard1of2.bin")} + ${shard}`);
    assert.match(e.message, /32 bytes, but vgg\.json's weight manifest needs 36 - the file is cut short/);
    await Deno.writeFile(shard, new Uint8Array(16));
    e = await refusal(readModelFiles(path));
    assert.match(e.message, /40 bytes, .* needs 36 - the file is longer/);
    await Deno.remove(shard);
    e = await refusal(readModelFiles(path));
    assert.equal(e.message, `${shard}: file not found (named by vgg.json)`);
    await Deno.mkdir(shard);
    e = await refusal(readModelFiles(path));
    assert.match(e.message, /is a directory, expected a regular file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manifestBytes counts quantized weights at their stored width and refuses an unknown dtype", () => {
  assert.equal(manifestBytes([{ name: "a", shape: [2, 3], dtype: "float32" }]), 24);
  assert.equal(
    manifestBytes([{ name: "q", shape: [10], dtype: "float32", quantization: { dtype: "uint8", scale: 1, min: 0 } }]),
    10,
  );
  assert.throws(() => manifestBytes([{ name: "s", shape: [1], dtype: "string" }]), /unsupported dtype string/);
});
