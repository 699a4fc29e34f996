import assert from "node:assert/strict";
import { initBackend, tf } from "noisy-digits/runtime";
import { createRandom } from "noisy-digits/util";
import { onCpuAndWasm } from "../support/backends.ts";

// These tests are of the wasm engine's replacement kernels: keep the native ones (lib/runtime/native/) out of the way,
// for every initBackend call of this file (an engine named once stays chosen).
await initBackend({ engine: "wasm" });

type Case = {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  fh: number;
  fw: number;
  strides: [number, number];
  pad: "same" | "valid";
  dil: [number, number];
};

/** Inserts zeros between filter taps: a dilated conv as an ordinary one (stock cpu grads support it). */
function dilateFilter(f: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  const [fh, fw, ci, co] = f.shape;
  const p = tf.pad(tf.reshape(f, [fh, 1, fw, 1, ci, co]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  const full = tf.reshape(p, [fh * dh, fw * dw, ci, co]) as tf.Tensor4D;
  return tf.slice(full, [0, 0, 0, 0], [(fh - 1) * dh + 1, (fw - 1) * dw + 1, ci, co]);
}

function run(c: Case, seed: number, backend: "cpu" | "wasm") {
  const rnd = createRandom(seed);
  const fill = (k: number) => Float32Array.from({ length: k }, () => rnd.next() * 2 - 1);
  const x = tf.tensor4d(fill(c.n * c.h * c.w * c.ci), [c.n, c.h, c.w, c.ci]);
  const f = tf.tensor4d(fill(c.fh * c.fw * c.ci * c.co), [c.fh, c.fw, c.ci, c.co]);
  const y0 = tf.conv2d(x, dilateFilter(f, c.dil[0], c.dil[1]), c.strides, c.pad);
  const dy = tf.tensor(fill(y0.size), y0.shape);
  const g = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => {
    const y = backend === "cpu"
      ? tf.conv2d(xx as tf.Tensor4D, dilateFilter(ff as tf.Tensor4D, c.dil[0], c.dil[1]), c.strides, c.pad)
      : tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.strides, c.pad, "NHWC", c.dil);
    return tf.sum(tf.mul(y, dy));
  });
  const [gx, gf] = g([x, f]);
  const out = {
    y: Float32Array.from(y0.dataSync()),
    gx: Float32Array.from(gx.dataSync()),
    gf: Float32Array.from(gf.dataSync()),
  };
  tf.dispose([x, f, y0, dy, gx, gf]);
  return out;
}

function close(a: Float32Array, b: Float32Array, what: string) {
  assert.equal(a.length, b.length, what);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  assert.ok(worst < 1e-4, `${what}: max rel. error ${worst}`);
}

const cases: Case[] = [
  { n: 2, h: 9, w: 7, ci: 3, co: 4, fh: 3, fw: 3, strides: [1, 1], pad: "same", dil: [1, 1] },
  { n: 3, h: 8, w: 8, ci: 2, co: 5, fh: 3, fw: 3, strides: [1, 1], pad: "valid", dil: [1, 1] },
  { n: 2, h: 9, w: 10, ci: 3, co: 2, fh: 3, fw: 2, strides: [2, 2], pad: "same", dil: [1, 1] },
  { n: 2, h: 10, w: 9, ci: 2, co: 3, fh: 3, fw: 3, strides: [2, 3], pad: "valid", dil: [1, 1] },
  { n: 1, h: 11, w: 11, ci: 2, co: 3, fh: 5, fw: 5, strides: [3, 3], pad: "same", dil: [1, 1] },
  { n: 2, h: 12, w: 11, ci: 3, co: 2, fh: 3, fw: 3, strides: [1, 1], pad: "same", dil: [2, 2] },
  { n: 2, h: 12, w: 12, ci: 2, co: 2, fh: 2, fw: 3, strides: [1, 1], pad: "valid", dil: [3, 2] },
  { n: 2, h: 6, w: 6, ci: 1, co: 4, fh: 1, fw: 1, strides: [2, 2], pad: "valid", dil: [1, 1] },
];

Deno.test("wasm conv2d gradients built on forward conv match the cpu backend", async () => {
  for (const [i, c] of cases.entries()) {
    await initBackend({ backend: "cpu" });
    const ref = run(c, 100 + i, "cpu");
    await initBackend({ backend: "wasm" });
    const got = run(c, 100 + i, "wasm");
    const tag = JSON.stringify(c);
    close(got.y, ref.y, `forward ${tag}`);
    close(got.gx, ref.gx, `input gradient ${tag}`);
    close(got.gf, ref.gf, `filter gradient ${tag}`);
  }
});

Deno.test("replacement kernels are reachable as ops and leak no tensors", async () => {
  const tf2 = await initBackend({ backend: "wasm" });
  const x = tf2.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
  const dy = tf2.randomNormal([2, 3, 3, 4]) as tf.Tensor4D;
  const before = tf2.memory().numTensors;
  // deno-lint-ignore no-explicit-any
  const ops = tf2 as any;
  const gf = tf2.tidy(() => ops.conv2dTranspose(dy, tf2.ones([3, 3, 3, 4]), [2, 6, 6, 3], 2, "same"));
  assert.deepEqual(gf.shape, [2, 6, 6, 3]);
  gf.dispose();
  assert.equal(tf2.memory().numTensors, before);
  tf2.dispose([x, dy]);
});

Deno.test("fused conv2d (linear, which calls the backprop kernels directly) trains on wasm like on cpu", async () => {
  const grads = async (backend: "cpu" | "wasm") => {
    const t = await initBackend({ backend });
    const rnd = createRandom(7);
    const fill = (k: number) => Float32Array.from({ length: k }, () => rnd.next() - 0.5);
    const x = t.tensor4d(fill(2 * 7 * 7 * 3), [2, 7, 7, 3]);
    const f = t.tensor4d(fill(3 * 3 * 3 * 4), [3, 3, 3, 4]);
    const b = t.tensor1d(fill(4));
    const g = t.grads((xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) =>
      t.sum(t.square(t.fused.conv2d({
        x: xx as tf.Tensor4D,
        filter: ff as tf.Tensor4D,
        bias: bb,
        strides: 2,
        pad: "same",
      })))
    )([x, f, b]);
    const out = g.map((v) => Float32Array.from(v.dataSync()));
    t.dispose([x, f, b, ...g]);
    return out;
  };
  const ref = await grads("cpu");
  const got = await grads("wasm");
  ref.forEach((r, i) => close(got[i], r, `fused grad ${i}`));
});

Deno.test("the Tile-free batch-norm gradient equals the stock one", async () => {
  const { installFastConvGradients } = await import("../../lib/runtime/kernels/register.ts"); // internal: this test reaches behind the face on purpose
  const t = await initBackend({ backend: "cpu" });
  const rnd = createRandom(11);
  const fill = (shape: number[]) =>
    t.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rnd.next() * 2 - 0.5), shape);
  const x = fill([3, 4, 5, 6]), dy = fill([3, 4, 5, 6]);
  const mean = fill([6]), variance = t.abs(fill([6])), offset = fill([6]), scale = fill([6]);
  const f = (xx: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
    t.sum(t.mul(t.batchNorm(xx, m, v, o, s, 1e-3), dy));
  const run = () => t.grads(f)([x, mean, variance, offset, scale]).map((g) => Float32Array.from(g.dataSync()));
  installFastConvGradients(false);
  const ref = run();
  installFastConvGradients(true);
  const got = run();
  ref.forEach((r, i) => close(got[i], r, `batchNorm grad ${i}`));
  t.dispose([x, dy, mean, variance, offset, scale]);
});

Deno.test("the Sum and Mean gradients without a JavaScript array of ones equal the stock ones", async () => {
  const { installFastConvGradients } = await import("../../lib/runtime/kernels/register.ts"); // internal: this test reaches behind the face on purpose
  const t = await initBackend({ backend: "cpu" });
  const rnd = createRandom(12);
  const fill = (shape: number[]) =>
    t.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rnd.next() * 2 - 0.5), shape);
  const x = fill([3, 4, 5, 6]), w1 = fill([6]), w2 = fill([3, 1, 5, 1]), w3 = t.scalar(0.7);
  // Per-channel moments (BatchNormalization's), other axes with keepDims, and a full reduction.
  const f = (xx: tf.Tensor) =>
    t.addN([
      t.sum(t.mul(t.mean(t.square(xx), [0, 1, 2]), w1)),
      t.sum(t.mul(t.sum(xx, [1, 3], true), w2)),
      t.mul(t.mean(t.sin(xx)), w3),
    ]) as tf.Scalar;
  const run = () => Float32Array.from(t.grad(f)(x).dataSync());
  installFastConvGradients(false);
  const ref = run();
  installFastConvGradients(true);
  const got = run();
  close(got, ref, "reduction gradients");
  t.dispose([x, w1, w2, w3]);
});

Deno.test("per-channel Sum and Mean on wasm (matrix products) match the cpu backend; other axes still work", async () => {
  const rnd = createRandom(21);
  const shape = [5, 9, 7, 6]; // 315 rows: above the size where the product takes over
  const x = Float32Array.from({ length: 5 * 9 * 7 * 6 }, () => rnd.next() * 4 - 1);
  const { cpu, wasm } = await onCpuAndWasm([x], [shape], (t) => [
    tf.sum(t, [0, 1, 2]),
    tf.mean(t, [2, 0, 1], true),
    tf.sum(t, [-4, -3, -2], true),
    tf.mean(tf.reshape(t, [315, 6]), 0),
    tf.sum(t, [1, 2]), // not the leading axes: stock kernel
    tf.mean(t, 3),
    tf.sum(t),
  ]);
  assert.deepEqual(wasm.map((a) => a.length), [6, 6, 6, 6, 30, 315, 1]);
  cpu.forEach((r, i) => close(wasm[i], r, `reduction ${i}`));
});

Deno.test("per-channel reductions keep their shapes (keepDims) and dtype fallbacks on wasm", async () => {
  const t = await initBackend({ backend: "wasm" });
  const x = t.ones([4, 8, 8, 3]);
  assert.deepEqual(t.sum(x, [0, 1, 2], true).shape, [1, 1, 1, 3]);
  assert.deepEqual(Array.from(t.sum(x, [0, 1, 2]).dataSync()), [256, 256, 256]);
  assert.deepEqual(Array.from(t.mean(x, [0, 1, 2]).dataSync()), [1, 1, 1]);
  const ints = t.ones([4, 8, 8, 3], "int32");
  const s = t.sum(ints, [0, 1, 2]);
  assert.equal(s.dtype, "int32");
  assert.deepEqual(Array.from(s.dataSync()), [256, 256, 256]);
  t.dispose([x, ints, s]);
});

Deno.test("Identity and same-dtype Cast on wasm share the data: values kept after the source is disposed, no leak", async () => {
  const t = await initBackend({ backend: "wasm" });
  const before = t.memory();
  const x = t.tensor([1.5, -2, 3, 4], [2, 2]);
  const clone = t.clone(x), same = t.cast(x, "float32"), ints = t.cast(x, "int32");
  const buffers = (m: tf.MemoryInfo) => (m as tf.MemoryInfo & { numDataBuffers: number }).numDataBuffers;
  assert.equal(
    buffers(t.memory()) - buffers(before),
    2,
    "the clone and the same-dtype cast add no buffer, the int cast does",
  );
  x.dispose();
  assert.deepEqual(Array.from(clone.dataSync()), [1.5, -2, 3, 4]);
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3, 4]);
  assert.deepEqual(Array.from(ints.dataSync()), [1, -2, 3, 4]);
  t.dispose([clone, same, ints]);
  assert.equal(t.memory().numTensors, before.numTensors);
  assert.equal(buffers(t.memory()), buffers(before));
});

Deno.test("max-pool gradient on wasm matches the cpu backend, ties included", async () => {
  const rnd = createRandom(33);
  // Three levels only, so that many windows hold their maximum twice or more (as BatchNorm of ReLU zeros does):
  // the gradient must go to the first maximum, as on the cpu backend. Continuous values for the geometries that
  // go to the stock kernel (whose tie rule differs from the cpu backend's).
  const levels = Float32Array.from({ length: 3 * 8 * 10 * 5 }, () => Math.floor(rnd.next() * 3));
  const smooth = Float32Array.from({ length: 3 * 8 * 10 * 5 }, () => rnd.next());
  const cases = [[2, 2, "valid", levels], [3, 3, "valid", levels], [3, 2, "same", smooth], [
    2,
    1,
    "valid",
    smooth,
  ]] as const;
  for (const [size, strides, pad, x] of cases) {
    const { cpu, wasm } = await onCpuAndWasm([x], [[3, 8, 10, 5]], (t) => {
      const g = tf.grad((a: tf.Tensor) => {
        const p = tf.maxPool(a as tf.Tensor4D, size, strides, pad);
        return tf.sum(tf.mul(p, tf.range(1, p.size + 1).reshape(p.shape)));
      });
      return [g(t)];
    });
    close(wasm[0], cpu[0], `maxPool grad size ${size} stride ${strides} ${pad}`);
  }
});

Deno.test("the stock wasm kernels still run after the replacements are switched off (cpu backend started first)", async () => {
  const { installFastConvGradients } = await import("../../lib/runtime/kernels/register.ts"); // internal: this test reaches behind the face on purpose
  await initBackend({ backend: "cpu" }); // installs the replacements before the wasm backend exists
  const t = await initBackend({ backend: "wasm" });
  const dy = t.randomNormal([2, 3, 3, 4], 0, 1, "float32", 5) as tf.Tensor4D;
  const f = t.randomNormal([3, 3, 3, 4], 0, 1, "float32", 6) as tf.Tensor4D;
  const x = t.randomNormal([2, 8, 8, 3], 0, 1, "float32", 7);
  const run = () => [
    Float32Array.from(t.conv2dTranspose(dy, f, [2, 6, 6, 3], 2, "same").dataSync()),
    Float32Array.from(t.sum(x, [0, 1, 2]).dataSync()),
  ];
  const ours = run();
  installFastConvGradients(false);
  try {
    run().forEach((stock, i) => close(ours[i], stock, `stock kernel ${i}`));
  } finally {
    installFastConvGradients(true);
  }
  t.dispose([dy, f, x]);
});

Deno.test("Dropout in training drops each value at the layer's rate and scales the rest by tfjs' multiplier", async () => {
  const t = await initBackend({ backend: "wasm" });
  const n = 200_000, ones = t.ones([n]);
  for (const rate of [0.05, 0.5]) {
    const layer = t.layers.dropout({ rate });
    // tfjs' own multiplier for this rate, from its dropout on the cpu arithmetic: floor(u + keep) / keep.
    const keep = Math.fround(1 - rate), scale = Math.fround(1 / keep);
    const draw = () => Float32Array.from((layer.apply(ones, { training: true }) as tf.Tensor).dataSync());
    const [a, b] = [draw(), draw()];
    assert.ok(a.every((v) => v === 0 || v === scale), `rate ${rate}: values other than 0 and ${scale}`);
    // Share dropped, overall and in 20 blocks of 10,000 (a stuck or short-period generator fails a block).
    const sd = (m: number) => Math.sqrt((rate * (1 - rate)) / m);
    const dropped = (v: Float32Array) => v.filter((x) => x === 0).length / v.length;
    assert.ok(Math.abs(dropped(a) - rate) < 5 * sd(n), `rate ${rate}: dropped ${dropped(a)}`);
    for (let k = 0; k < 20; k++) {
      const block = a.subarray(k * 10_000, (k + 1) * 10_000);
      assert.ok(Math.abs(dropped(block) - rate) < 5 * sd(10_000), `rate ${rate}, block ${k}: ${dropped(block)}`);
    }
    // Every call draws a new mask, and neighbouring values are independent (agreement at chance).
    const agree = a.filter((v, i) => (v === 0) === (b[i] === 0)).length / n, p = rate ** 2 + (1 - rate) ** 2;
    assert.ok(Math.abs(agree - p) < 5 * Math.sqrt((p * (1 - p)) / n), `rate ${rate}: two masks agree on ${agree}`);
    const next = a.subarray(1).filter((v, i) => (v === 0) === (a[i] === 0)).length / (n - 1);
    assert.ok(Math.abs(next - p) < 5 * Math.sqrt((p * (1 - p)) / n), `rate ${rate}: neighbours agree on ${next}`);
    // Outside training the layer passes its input through.
    assert.ok((layer.apply(ones, { training: false }) as tf.Tensor).dataSync().every((v) => v === 1));
  }
  t.dispose(ones);
});

Deno.test("Dropout's gradient passes dy through the values its mask kept, scaled, and zeroes the rest", async () => {
  const t = await initBackend({ backend: "wasm" });
  const rnd = createRandom(8);
  const x = t.tensor(Float32Array.from({ length: 4 * 6 * 6 * 5 }, () => rnd.next() * 2 - 1), [4, 6, 6, 5]);
  const w = t.tensor(Float32Array.from({ length: x.size }, () => rnd.next() + 0.5), x.shape);
  const layer = t.layers.dropout({ rate: 0.3 });
  let y: tf.Tensor | null = null;
  const gx = t.grad((a: tf.Tensor) => {
    y = t.keep(layer.apply(a, { training: true }) as tf.Tensor);
    return t.sum(t.mul(y, w));
  })(x);
  const [ys, xs, ws, gs] = [y!, x, w, gx].map((v) => v.dataSync());
  const scale = Math.fround(1 / Math.fround(0.7));
  let kept = 0;
  for (let i = 0; i < xs.length; i++) {
    if (ys[i] === 0 && xs[i] !== 0) assert.equal(gs[i], 0, `value ${i} dropped, gradient ${gs[i]}`);
    else {
      kept++;
      assert.equal(ys[i], Math.fround(xs[i] * scale), `value ${i} kept`);
      assert.ok(Math.abs(gs[i] - ws[i] * scale) < 1e-6, `value ${i}: gradient ${gs[i]}, expected ${ws[i] * scale}`);
    }
  }
  assert.ok(kept > 0.5 * xs.length && kept < 0.9 * xs.length, `${kept} of ${xs.length} kept at rate 0.3`);
  t.dispose([x, w, y!, gx]);
});

Deno.test("Dropout with a seed or a noise shape still runs tfjs' own dropout", async () => {
  const t = await initBackend({ backend: "wasm" });
  const x = t.ones([3, 4, 4, 2]);
  const seeded = (t.layers.dropout({ rate: 0.4, seed: 11 }).apply(x, { training: true }) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(seeded), Array.from(t.dropout(x, 0.4, undefined, 11).dataSync()));
  const shaped = t.layers.dropout({ rate: 0.5, noiseShape: [3, 1, 1, 2] }).apply(x, { training: true }) as tf.Tensor;
  // One draw per (image, channel), shared by its 16 pixels.
  const v = shaped.dataSync();
  for (let i = 0; i < v.length; i++) assert.equal(v[i], v[Math.floor(i / 32) * 32 + (i % 2)], `value ${i}`);
  t.dispose([x, shaped]);
});
