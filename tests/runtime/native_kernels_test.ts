import assert from "node:assert/strict";
import {
  activeEngine,
  initBackend,
  loadNative,
  nativeConvAlgorithm,
  nativePrecision,
  nativeThreadsPerReplica,
  setNativeThreads,
  tf,
  withConvAlgorithm,
  withNativePrecision,
} from "noisy-digits/runtime";
import { createRandom, withEnv } from "noisy-digits/util";
import { onCpuAndWasm } from "../support/backends.ts";
// internal: these tests reach behind the face on purpose
import { convCopyCounts, convPrimitive, same3x3 } from "../../lib/runtime/native/dnnl.ts";
import { predictBatch } from "../../lib/runtime/batches.ts";

const lib = (() => {
  try {
    return loadNative();
  } catch {
    return null;
  }
})();
const ignore = lib === null;
if (ignore) console.error("native libraries absent: native kernel tests are skipped (the wasm engine is tested)");

/** Runs `f` on the cpu backend and on the native engine with the same random inputs. */
function cpuVsNative(shapes: number[][], seed: number, f: (...ts: tf.Tensor[]) => tf.Tensor[]) {
  const rnd = createRandom(seed);
  const values = shapes.map((s) =>
    Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rnd.next() * 2 - 1)
  );
  return onCpuAndWasm(values, shapes, f, "native");
}

function close(a: Float32Array, b: Float32Array, what: string) {
  assert.equal(a.length, b.length, what);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  assert.ok(worst < 1e-4, `${what}: max rel. error ${worst}`);
}

function compare(out: Record<string, Float32Array[]>, what: string) {
  out.cpu.forEach((r, i) => close(out.wasm[i], r, `${what} #${i}`));
}

type ConvCase = {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: [number, number];
  strides: [number, number];
  pad: "same" | "valid";
};

const convCases: ConvCase[] = [
  { n: 2, h: 9, w: 7, ci: 3, co: 4, k: [3, 3], strides: [1, 1], pad: "same" },
  { n: 3, h: 8, w: 8, ci: 2, co: 5, k: [3, 3], strides: [1, 1], pad: "valid" },
  { n: 2, h: 9, w: 10, ci: 3, co: 2, k: [3, 2], strides: [2, 2], pad: "same" },
  { n: 2, h: 10, w: 9, ci: 2, co: 3, k: [3, 3], strides: [2, 3], pad: "valid" },
  { n: 1, h: 11, w: 11, ci: 2, co: 3, k: [5, 5], strides: [3, 3], pad: "same" },
  { n: 4, h: 14, w: 14, ci: 16, co: 32, k: [3, 3], strides: [1, 1], pad: "same" },
  { n: 2, h: 6, w: 6, ci: 1, co: 4, k: [1, 1], strides: [2, 2], pad: "valid" },
];

/** A convolution of case `c`, and its input and filter gradients under a fixed, varied output gradient. */
function convAndGradients(c: ConvCase) {
  return (x: tf.Tensor, f: tf.Tensor) => {
    const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad);
    const dy = tf.sin(tf.reshape(tf.range(0, y.size), y.shape));
    const [gx, gf] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.strides, c.pad), dy))
    )([x, f]);
    return [y, gx, gf];
  };
}

Deno.test({
  name: "native conv2d, its input and filter gradients match the cpu backend",
  ignore,
  fn: async () => {
    for (const [i, c] of convCases.entries()) {
      const out = await cpuVsNative([[c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co]], 200 + i, convAndGradients(c));
      compare(out, `conv ${JSON.stringify(c)}`);
    }
  },
});

/** Whether oneDNN builds bfloat16 convolutions here (it refuses them where it has no bfloat16 implementation). */
const bf16Ignore = ignore || (() => {
  try {
    convPrimitive(lib!, same3x3([1, 4, 4, 2], 2), "filter", "bf16");
    return false;
  } catch (e) {
    if (!/oneDNN has no bf16/.test((e as Error).message)) throw e; // anything else is a bug, not a missing unit
    console.error("no bfloat16 convolutions on this CPU: the NOISY_DIGITS_PRECISION=bf16 tests are skipped");
    return true;
  }
})();

/** ||a - b|| / ||b||. */
function normwiseError(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) num += (a[i] - b[i]) ** 2, den += b[i] ** 2;
  return Math.sqrt(num / den);
}

Deno.test({
  name: "bf16 native conv2d and its gradients match the cpu backend to bfloat16's rounding, not to float32's",
  ignore: bf16Ignore,
  fn: async () => {
    // Operands rounded to 8 significant bits (relative error <= 2^-9 each), sums in float32: the outputs' normwise
    // error is of the order of 2^-9 / sqrt(terms) to 2^-8, far above float32's ~1e-7 (the float32 test's bound
    // is 1e-4 per value), far below 1e-2.
    for (const [i, c] of convCases.entries()) {
      const out = await withNativePrecision(
        "bf16",
        () => cpuVsNative([[c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co]], 200 + i, convAndGradients(c)),
      );
      ["output", "input gradient", "filter gradient"].forEach((what, k) => {
        const e = normwiseError(out.wasm[k], out.cpu[k]);
        assert.ok(e < 1e-2, `conv ${JSON.stringify(c)}, ${what}: normwise error ${e} (bfloat16 allows < 1e-2)`);
        assert.ok(e > 1e-5, `conv ${JSON.stringify(c)}, ${what}: normwise error ${e}, as float32 (bf16 not in effect)`);
      });
    }
  },
});

Deno.test({
  name: "in bf16 the filter gradient reads the copies of x and dy its forward pass and input gradient kept, " +
    "bit for bit as fresh copies, and only under the same identity",
  ignore: bf16Ignore,
  fn: () => {
    const spec = same3x3([2, 7, 7, 4], 8);
    const rnd = createRandom(7);
    const values = (n: number) => Float32Array.from({ length: n }, () => rnd.next() * 2 - 1);
    const x = values(2 * 7 * 7 * 4),
      filter = values(3 * 3 * 4 * 8),
      dy = values(2 * 7 * 7 * 8),
      other = values(x.length);
    const p = (a: Float32Array) => Deno.UnsafePointer.of(a as Float32Array<ArrayBuffer>);
    const conv = (kind: "forward" | "input" | "filter") => convPrimitive(lib!, spec, kind, "bf16");
    const filterGrad = (xs: Float32Array, ids?: object[]) => {
      const out = new Float32Array(filter.length);
      conv("filter").run([p(xs), p(dy), p(out)], ids);
      return out;
    };
    const fresh = filterGrad(x), freshOther = filterGrad(other);
    // Outputs bound to names: oneDNN writes them while the copies' buffers are allocated (a collection may run).
    const y = new Float32Array(dy.length), dx = new Float32Array(x.length);
    const xId = {}, dyId = {}, before = convCopyCounts(lib!);
    conv("forward").run([p(x), p(filter), p(y)], [xId]);
    conv("input").run([p(dy), p(filter), p(dx)], [dyId]);
    const kept = convCopyCounts(lib!);
    assert.ok(kept.keptBytes - before.keptBytes >= 2 * (x.length + dy.length), "x and dy kept in bfloat16");
    assert.deepEqual(filterGrad(x, [xId, dyId]), fresh, "the kept copies give the fresh copies' gradient");
    const after = convCopyCounts(lib!);
    assert.equal(after.reused - kept.reused, 2, "both copies read again, not converted");
    assert.equal(after.keptBytes, before.keptBytes, "taken copies are dropped");
    // A copy belongs to one identity: other data under a new one is converted, not read from a kept copy.
    conv("forward").run([p(x), p(filter), p(y)], [xId]);
    assert.deepEqual(filterGrad(other, [{}, {}]), freshOther, "other data gets its own copy");
    assert.deepEqual(filterGrad(x, [xId, {}]), fresh);
    assert.equal(convCopyCounts(lib!).keptBytes, before.keptBytes);
  },
});

/**
 * One tf.grads step of a 16 -> 32 channel convolution through the kernels (under the caller's setting): asserts that
 * the filter gradient read the copies of x and dy kept for it, and that none stays kept.
 */
async function assertStepTakesItsCopies(seed: number) {
  const c = convCases[5];
  const before = convCopyCounts(lib!);
  await cpuVsNative([[c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co]], seed, convAndGradients(c));
  const after = convCopyCounts(lib!);
  assert.equal(after.reused - before.reused, 2, "the filter gradient read x's and dy's copies again");
  assert.equal(after.keptBytes, before.keptBytes, "nothing left kept");
}

Deno.test({
  name: "in bf16 a training step of convolutions keeps no bfloat16 copy after its gradients",
  ignore: bf16Ignore,
  fn: () => withNativePrecision("bf16", () => assertStepTakesItsCopies(300)),
});

/** A same-padded 3x3, stride-1 convolution's geometry, `ci` channels in and `co` out, on `n` images of 8x8. */
const square3x3 = (n: number, ci: number, co: number) => same3x3([n, 8, 8, ci], co);

/** Whether oneDNN runs a float32 Winograd convolution here (it falls back to direct where it has none). */
const winogradIgnore = ignore || (() => {
  const impl = convPrimitive(lib!, square3x3(1, 16, 16), "forward+bias+relu", "f32", "winograd").impl;
  if (/wino/.test(impl)) return false;
  console.error(`no float32 Winograd convolutions on this CPU (${impl}): the Winograd tests are skipped`);
  return true;
})();

Deno.test({
  name: "with NOISY_DIGITS_CONV_ALGORITHM=winograd, 3x3 stride-1 convolutions of 16+ channels run oneDNN's " +
    "Winograd and match the cpu backend with their gradients; other convolutions stay direct",
  ignore: winogradIgnore,
  fn: async () => {
    const impl = (spec: ReturnType<typeof square3x3>, kind: "forward+bias+relu" | "input" | "filter") =>
      convPrimitive(lib!, spec, kind, "f32", "winograd").impl;
    for (const kind of ["forward+bias+relu", "input", "filter"] as const) {
      assert.match(impl(square3x3(2, 16, 32), kind), /wino/, `${kind}: Winograd`);
      assert.doesNotMatch(impl(square3x3(2, 8, 32), kind), /wino/, `${kind}, 8 input channels: direct`);
      if (!bf16Ignore) {
        assert.doesNotMatch(convPrimitive(lib!, square3x3(2, 16, 32), kind, "bf16", "winograd").impl, /wino/);
      }
    }
    const cases: ConvCase[] = [
      convCases[5], // 16 -> 32 channels, same
      { n: 2, h: 12, w: 10, ci: 32, co: 16, k: [3, 3], strides: [1, 1], pad: "valid" },
      { n: 3, h: 7, w: 7, ci: 48, co: 48, k: [3, 3], strides: [1, 1], pad: "same" },
    ];
    await withConvAlgorithm("winograd", async () => {
      assert.equal(nativeConvAlgorithm(), "winograd");
      for (const [i, c] of [...cases, ...convCases].entries()) {
        const out = await cpuVsNative([[c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co]], 400 + i, convAndGradients(c));
        compare(out, `Winograd setting, conv ${JSON.stringify(c)}`);
      }
    });
  },
});

Deno.test({
  name: "under Winograd the filter gradient reads the blocked copies its forward pass and input gradient kept",
  ignore: winogradIgnore,
  fn: async () => {
    await withConvAlgorithm("winograd", () => assertStepTakesItsCopies(500));
    // A copy is read only by a convolution that reads the same descriptor: a bfloat16 copy is not Winograd's.
    const spec = square3x3(2, 16, 16), rnd = createRandom(9);
    const values = (n: number) => Float32Array.from({ length: n }, () => rnd.next() * 2 - 1);
    const x = values(2 * 8 * 8 * 16), dy = values(x.length), filter = values(3 * 3 * 16 * 16);
    const p = (a: Float32Array) => Deno.UnsafePointer.of(a as Float32Array<ArrayBuffer>);
    const filterGrad = (ids?: object[]) => {
      const out = new Float32Array(filter.length);
      convPrimitive(lib!, spec, "filter", "f32", "winograd").run([p(x), p(dy), p(out)], ids);
      return out;
    };
    const fresh = filterGrad(), xId = {};
    if (!bf16Ignore) {
      const y = new Float32Array(x.length);
      convPrimitive(lib!, spec, "forward", "bf16", "direct").run([p(x), p(filter), p(y)], [xId]);
      const before = convCopyCounts(lib!);
      assert.deepEqual(filterGrad([xId, {}]), fresh, "the bfloat16 copy is not read as a blocked float32 one");
      assert.equal(convCopyCounts(lib!).reused, before.reused);
    }
  },
});

Deno.test({
  name:
    "predictBatch runs a batch in one piece when the convolutions run by Winograd, in tfjs' pieces of 32 otherwise " +
    "(direct, or bfloat16 operands, which stay direct)",
  ignore: winogradIgnore,
  fn: async () => {
    await initBackend({ engine: "native" });
    const model = tf.sequential();
    model.add(
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: "same", inputShape: [8, 8, 16], seed: 3 } as never),
    );
    model.add(tf.layers.globalAveragePooling2d({}));
    const pieces: (number | undefined)[] = [];
    const predict = model.predict.bind(model);
    model.predict = (x, config) => {
      pieces.push(config?.batchSize);
      return predict(x, config);
    };
    const rnd = createRandom(12);
    const x = tf.tensor4d(Float32Array.from({ length: 40 * 8 * 8 * 16 }, () => rnd.next() - 0.5), [40, 8, 8, 16]);
    const direct = await withConvAlgorithm("direct", () => predictBatch(model, x));
    const winograd = await withConvAlgorithm("winograd", () => predictBatch(model, x));
    assert.deepEqual(pieces, [32, 40]);
    close(winograd.dataSync() as Float32Array, direct.dataSync() as Float32Array, "the same outputs either way");
    if (!bf16Ignore) {
      const bf16 = await withNativePrecision("bf16", () => withConvAlgorithm("winograd", () => predictBatch(model, x)));
      assert.deepEqual(pieces, [32, 40, 32], "bfloat16 convolutions stay direct, in pieces");
      bf16.dispose();
    }
    tf.dispose([x, direct, winograd]);
    model.dispose();
  },
});

Deno.test({
  name: "a kept copy that no filter gradient reads is dropped when tfjs frees its data (gradient for the input only)",
  ignore: winogradIgnore,
  fn: async () => {
    await withConvAlgorithm("winograd", async () => {
      const c = convCases[5];
      const before = convCopyCounts(lib!);
      const out = await cpuVsNative([[c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co]], 600, (x, f) => {
        const dy = tf.sin(tf.reshape(tf.range(0, c.n * c.h * c.w * c.co), [c.n, c.h, c.w, c.co]));
        const loss = (xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, f as tf.Tensor4D, 1, "same"), dy));
        return [tf.grad(loss)(x)];
      });
      compare(out, "input gradient only");
      const after = convCopyCounts(lib!);
      assert.ok(after.converted - before.converted >= 2, "x's and dy's copies were made");
      assert.equal(after.keptBytes, before.keptBytes, "and dropped with their tensors");
    });
  },
});

Deno.test("NOISY_DIGITS_CONV_ALGORITHM accepts direct and winograd and names both when it gets anything else", async () => {
  assert.equal(await withEnv("NOISY_DIGITS_CONV_ALGORITHM", "", () => nativeConvAlgorithm()), "direct");
  assert.equal(await withEnv("NOISY_DIGITS_CONV_ALGORITHM", " Winograd ", () => nativeConvAlgorithm()), "winograd");
  await assert.rejects(
    withEnv("NOISY_DIGITS_CONV_ALGORITHM", "fft", () => nativeConvAlgorithm()),
    /NOISY_DIGITS_CONV_ALGORITHM must be "direct" or "winograd", got "fft"/,
  );
});

Deno.test({
  name: "a native primitive is reused only under the thread count it was created for (oneDNN fixes it then)",
  ignore,
  fn: () => {
    const spec = same3x3([1, 6, 6, 2], 3);
    try {
      setNativeThreads(1);
      const one = convPrimitive(lib!, spec, "forward", "f32");
      setNativeThreads(2);
      const two = convPrimitive(lib!, spec, "forward", "f32");
      assert.notEqual(two, one, "two threads get a primitive of their own");
      setNativeThreads(1);
      assert.equal(convPrimitive(lib!, spec, "forward", "f32"), one, "back at one thread, the first one is reused");
    } finally {
      setNativeThreads(nativeThreadsPerReplica());
    }
  },
});

Deno.test("NOISY_DIGITS_PRECISION accepts f32 and bf16 (any case) and names both when it gets anything else", async () => {
  /** `nativePrecision()` with the variable set to `value` (any string), restored after. */
  const readWith = (value: string) =>
    withNativePrecision("f32", () => {
      Deno.env.set("NOISY_DIGITS_PRECISION", value);
      return nativePrecision();
    });
  assert.equal(await readWith(""), "f32");
  assert.equal(await readWith(" BF16 "), "bf16");
  await assert.rejects(readWith("fp16"), /NOISY_DIGITS_PRECISION must be "f32" or "bf16", got "fp16"/);
  assert.equal(Deno.env.get("NOISY_DIGITS_PRECISION"), undefined, "the variable is restored");
});

Deno.test({
  name: "native fused conv2d (bias, relu) and its gradients match the cpu backend, under a gradient fused too",
  ignore,
  fn: async () => {
    const cases = [
      { activation: "linear", strides: 1, pad: "same" },
      { activation: "relu", strides: 1, pad: "same" },
      { activation: "relu", strides: 2, pad: "valid" },
    ] as const;
    for (const c of cases) {
      const out = await cpuVsNative([[3, 10, 10, 4], [3, 3, 4, 6], [6]], 31, (x, f, b) => {
        const fused = (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) =>
          tf.fused.conv2d({
            x: xx as tf.Tensor4D,
            filter: ff as tf.Tensor4D,
            bias: bb,
            strides: c.strides,
            pad: c.pad,
            activation: c.activation,
          });
        const y = fused(x, f, b); // outside a gradient: the FusedConv2D kernel
        // A weighted sum, so that dy is not zero where the ReLU's output is (a squared loss would hide the mask).
        const w = tf.sin(tf.reshape(tf.range(0, y.size), y.shape));
        const g = tf.grads((xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(fused(xx, ff, bb), w)))([
          x,
          f,
          b,
        ]);
        // The filter's gradient brings the bias's on the native engine; without the filter's, the bias's is summed.
        const noFilter = tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(fused(xx, f, bb), w)))([x, b]);
        const tensors = tf.memory().numTensors;
        const [filterOnly] = tf.grads((ff: tf.Tensor) => tf.sum(tf.mul(fused(x, ff, b), w)))([f]);
        assert.equal(tf.memory().numTensors, tensors + 1, "the filter's gradient alone leaves only itself");
        return [y, ...g, ...noFilter, filterOnly];
      });
      compare(out, `fused conv2d ${JSON.stringify(c)}`);
    }
  },
});

Deno.test({
  name: "a fused convolution's bias gradient comes from its filter gradient's primitive in float32, by Winograd too",
  ignore: winogradIgnore,
  fn: async () => {
    // 16 -> 16 channels, 3x3, stride 1: a convolution the Winograd setting takes.
    const trained = (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => {
      const fused = (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) =>
        tf.fused.conv2d({
          x: xx as tf.Tensor4D,
          filter: ff as tf.Tensor4D,
          bias: bb,
          strides: 1,
          pad: "same",
          activation: "relu",
        });
      const w = tf.sin(tf.reshape(tf.range(0, 3 * 8 * 8 * 16), [3, 8, 8, 16]));
      return tf.grads((xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(fused(xx, ff, bb), w)))([x, f, b]);
    };
    const shapes = [[3, 8, 8, 16], [3, 3, 16, 16], [16]];
    await withConvAlgorithm("winograd", async () => {
      assert.match(convPrimitive(lib!, square3x3(3, 16, 16), "filter+bias").impl, /wino/);
      compare(await cpuVsNative(shapes, 61, trained), "fused conv2d gradients by Winograd");
    });
    // Which kernels the native backward pass runs: no per-channel Sum of dy in float32, one in bfloat16.
    await initBackend({ engine: "native" });
    const rnd = createRandom(62);
    const [x, f, b] = shapes.map((s) =>
      tf.tensor(Float32Array.from({ length: s.reduce((p, q) => p * q, 1) }, () => rnd.next() - 0.5), s)
    );
    const biasSums = async () => {
      const info = await tf.profile(() => tf.dispose(trained(x, f, b)));
      return info.kernels.filter((k) => k.name === "Sum" && k.outputShapes[0]?.join() === "16").length;
    };
    assert.equal(await biasSums(), 0, "float32: the bias gradient comes with the filter's");
    if (!bf16Ignore) assert.equal(await withNativePrecision("bf16", biasSums), 1, "bfloat16: summed in float32");
    tf.dispose([x, f, b]);
  },
});

Deno.test({
  name: "native batch normalization (with and without scale and offset, rank 2 and 4) matches the cpu backend",
  ignore,
  fn: async () => {
    const out = await cpuVsNative([[3, 5, 4, 6], [6], [6], [6], [6], [7, 3]], 80, (x, m, v, o, s, x2) => [
      tf.batchNorm(x, m, tf.abs(v), o, s, 1e-3),
      tf.batchNorm(x, m, tf.add(tf.abs(v), 0.5)),
      tf.batchNorm(x, m, tf.abs(v), undefined, s, 0.01),
      tf.batchNorm(x, m, tf.abs(v), o, undefined, 0.01),
      tf.batchNorm(x2, tf.slice(m, 0, 3), tf.slice(tf.abs(v), 0, 3), tf.slice(o, 0, 3), tf.slice(s, 0, 3)),
      tf.batchNorm(x, tf.reshape(m, [1, 1, 1, 6]), tf.reshape(tf.abs(v), [1, 1, 1, 6])), // not of shape [c]: stock
    ]);
    compare(out, "batchNorm");
  },
});

Deno.test({
  name: "native concatenation (last axis of one-channel images, middle axes, one input) matches the cpu backend",
  ignore,
  fn: async () => {
    const out = await cpuVsNative([[4, 5, 6, 1], [4, 5, 6, 1], [4, 5, 6, 20], [4, 3, 6, 1]], 70, (a, b, c, d) => [
      tf.concat([a, b], -1),
      tf.concat([a, c, b], 3),
      tf.concat([a, d], 1),
      tf.concat([c], 3),
      tf.concat([a, b], 0),
    ]);
    compare(out, "concat");
  },
});

Deno.test({
  name: "native matMul (transposes, batches, fused bias and relu) and its gradients match the cpu backend",
  ignore,
  fn: async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 7], [7, 3], false, false],
      [[7, 5], [7, 3], true, false],
      [[5, 7], [3, 7], false, true],
      [[7, 5], [3, 7], true, true],
      [[2, 4, 6], [2, 6, 3], false, false],
      [[64, 300], [300, 128], false, false],
    ];
    for (const [i, [sa, sb, ta, tb]] of cases.entries()) {
      const out = await cpuVsNative([sa, sb], 300 + i, (a, b) => {
        const y = tf.matMul(a, b, ta, tb);
        const g = tf.grads((aa: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(tf.matMul(aa, bb, ta, tb))))([a, b]);
        return [y, ...g];
      });
      compare(out, `matMul ${JSON.stringify([sa, sb, ta, tb])}`);
    }
    // A batch of matrices times one matrix (tfjs' gradient does not reduce the broadcast batch: values only).
    compare(await cpuVsNative([[3, 4, 6], [6, 5]], 40, (a, b) => [tf.matMul(a, b)]), "broadcast matMul");
    const out = await cpuVsNative([[6, 9], [9, 4], [4]], 41, (a, b, bias) => {
      const dense = (aa: tf.Tensor, bb: tf.Tensor, cc: tf.Tensor) =>
        tf.fused.matMul({ a: aa as tf.Tensor2D, b: bb as tf.Tensor2D, bias: cc, activation: "relu" });
      return [
        dense(a, b, bias),
        ...tf.grads((aa: tf.Tensor, bb: tf.Tensor, cc: tf.Tensor) => tf.sum(dense(aa, bb, cc)))([a, b, bias]),
      ];
    });
    compare(out, "fused matMul");
  },
});

Deno.test({
  name:
    "native max-pool gradient (ties after relu, overlapping and padded windows) and channel sums match the cpu backend",
  ignore,
  fn: async () => {
    const pools: [number, number, "same" | "valid"][] = [[2, 2, "valid"], [3, 2, "same"], [3, 1, "valid"], [
      2,
      2,
      "same",
    ]];
    for (const [i, [size, stride, pad]] of pools.entries()) {
      const out = await cpuVsNative([[3, 9, 9, 5]], 500 + i, (x) => {
        // relu then rounding makes whole windows tie: the gradient must go to the first maximum, like tfjs'.
        const f = (xx: tf.Tensor) => tf.maxPool(tf.round(tf.relu(tf.mul(xx, 2))) as tf.Tensor4D, size, stride, pad);
        const dy = tf.cos(tf.reshape(tf.range(0, f(x).size), f(x).shape));
        return [tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), dy)))(tf.add(x, 0))];
      });
      compare(out, `maxPool grad ${size}/${stride}/${pad}`);
    }
    const sums = await cpuVsNative([[4, 7, 9, 6]], 600, (x) => [
      tf.sum(x, [0, 1, 2]),
      tf.mean(x, [0, 1, 2], true),
      tf.sum(x, [1, 2]), // not per-channel: the kernel registered before
      tf.mean(x),
    ]);
    compare(sums, "channel sums");
  },
});

Deno.test({
  name: "a failing oneDNN call is a JavaScript error naming the call and status",
  ignore,
  fn: () => {
    // An output shape inconsistent with the input, filter and strides: oneDNN refuses the descriptor.
    assert.throws(
      () =>
        convPrimitive(lib!, {
          x: [1, 8, 8, 2],
          filter: [3, 3, 2, 4],
          y: [1, 5, 5, 4],
          strides: [1, 1],
          dilations: [1, 1],
          pad: { top: 0, bottom: 0, left: 0, right: 0 },
        }, "forward"),
      /oneDNN dnnl_dilated_convolution_forward_desc_init failed: dnnl_invalid_arguments/,
    );
  },
});

async function trainOneStep(engine: "wasm" | "native" | "auto", env: Record<string, string> = {}) {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../fixtures/engine_step.ts", import.meta.url).pathname],
    env: { NOISY_DIGITS_ENGINE: engine, ...env },
    stdout: "piped",
    stderr: "piped",
  });
  const r = await cmd.output();
  const text = new TextDecoder().decode(r.stdout), stderr = new TextDecoder().decode(r.stderr);
  return { code: r.code, stderr, result: r.code === 0 ? JSON.parse(text) as EngineStep : null };
}

interface EngineStep {
  engine: string;
  probs: number[];
  gradSums: number[];
  loss: number[];
}

async function trainedOn(engine: "wasm" | "native"): Promise<EngineStep> {
  const r = await trainOneStep(engine);
  assert.equal(r.code, 0, r.stderr);
  return r.result!;
}

Deno.test("without the native libraries the automatic choice trains on wasm and says so in one line", async () => {
  const r = await trainOneStep("auto", { NOISY_DIGITS_DNNL_LIBRARY: "/nonexistent/libdnnl.so.2" });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.result!.engine, "wasm");
  const lines = r.stderr.split("\n").filter((l) => l.includes("native libraries not found"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /apt-get install libdnnl2 libopenblas0-pthread/);
});

Deno.test("an explicit native engine without the libraries fails with the install hint", async () => {
  const r = await trainOneStep("native", { NOISY_DIGITS_DNNL_LIBRARY: "/nonexistent/libdnnl.so.2" });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /NOISY_DIGITS_ENGINE=native but the native libraries do not load/);
  assert.match(r.stderr, /libdnnl2/);
});

Deno.test("NOISY_DIGITS_ENGINE=wasm trains on the wasm engine", async () => {
  const r = await trainedOn("wasm");
  assert.equal(r.engine, "wasm");
  assert.ok(r.loss.every(Number.isFinite));
});

Deno.test({
  name: "the native and wasm engines give a small CNN the same predictions and gradients, and both train it",
  ignore,
  fn: async () => {
    const [w, n] = [await trainedOn("wasm"), await trainedOn("native")];
    assert.equal(n.engine, "native");
    const near = (a: number[], b: number[], what: string) =>
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-3 * (1 + Math.abs(v)), `${what} ${i}: ${v} vs ${b[i]}`));
    near(w.probs, n.probs, "probability");
    near(w.gradSums, n.gradSums, "gradient size of weight");
    assert.ok(n.loss[n.loss.length - 1] < n.loss[0], "loss decreases");
  },
});

Deno.test({
  name: "with NOISY_DIGITS_PRECISION=bf16 a small CNN gets float32's predictions to bfloat16's rounding and trains",
  ignore: bf16Ignore,
  fn: async () => {
    const f = await trainedOn("native");
    const r = await trainOneStep("native", { NOISY_DIGITS_PRECISION: "bf16" });
    assert.equal(r.code, 0, r.stderr);
    const b = r.result!;
    assert.equal(b.engine, "native");
    const worst = Math.max(...f.probs.map((v, i) => Math.abs(v - b.probs[i])));
    assert.ok(worst < 1e-3, `probabilities within 0.001 of the native float32 ones: ${worst}`);
    // The float32 engine is deterministic here (two runs give the same gradients bit for bit): a gap in the gradients
    // is bfloat16's rounding, about 1e-2 relative.
    const gap = Math.max(...f.gradSums.map((v, i) => Math.abs(v - b.gradSums[i]) / Math.abs(v)));
    assert.ok(gap > 1e-4 && gap < 5e-2, `gradient sizes 1e-4 to 5e-2 (relative) from float32's: ${gap}`);
    assert.ok(b.loss[b.loss.length - 1] < b.loss[0], `loss decreases: ${b.loss}`);
  },
});

Deno.test("an engine named once stays chosen: later initBackend calls without one (as PCA and the Gram matrices make) keep it", async () => {
  await initBackend({ engine: "wasm" });
  await initBackend();
  assert.equal(activeEngine(), "wasm");
  await initBackend({ engine: "auto" });
  assert.equal(activeEngine(), lib ? "native" : "wasm");
});

Deno.test({
  name: "a BatchNormalization layer trains on the native engine as on the cpu backend: output, gradients, moving stats",
  ignore,
  fn: async () => {
    const cases: [number[], number][] = [[[4, 6, 5, 7], 0.9], [[64, 3, 3, 16], 0.99], [[9, 12], 0.5]];
    for (const [i, [shape, momentum]] of cases.entries()) {
      const c = shape.at(-1)!;
      const out = await cpuVsNative([shape, shape, [c], [c], [c], [c]], 700 + i, (x, dy, g, b, m, v) => {
        const layer = tf.layers.batchNormalization({ momentum, epsilon: 1e-3 });
        layer.build(x.shape);
        // a scale away from 1, a shift, moving statistics away from their start values
        layer.setWeights([tf.add(g, 1.5), tf.mul(b, 3), m, tf.add(v, 2)]);
        const shifted = tf.variable(tf.add(tf.mul(x, 4), 2)); // a mean and a spread away from 0 and 1
        const [gamma, beta, movingMean, movingVariance] = layer.weights.map((w) =>
          (w as unknown as { val: tf.Variable }).val
        );
        let y: tf.Tensor | null = null;
        const { value, grads } = tf.variableGrads(() => {
          y = tf.keep(layer.apply(shifted, { training: true }) as tf.Tensor);
          return tf.sum(tf.mul(y, dy)) as tf.Scalar;
        }, [shifted, gamma, beta]);
        const kept = [y!, grads[shifted.name], grads[gamma.name], grads[beta.name]].map((t) => t.clone());
        const stats = [movingMean, movingVariance].map((t) => t.clone());
        tf.dispose([value, ...Object.values(grads), y!, shifted, gamma, beta, movingMean, movingVariance]);
        return [...kept, ...stats];
      });
      compare(out, `batch normalization ${shape.join("x")}`);
    }
  },
});

Deno.test({
  name: "a max pooling under a gradient keeps its workspace for the gradient, matches the cpu backend, and frees it",
  ignore,
  fn: async () => {
    const { poolWorkspaceCounts } = await import("../../lib/runtime/native/dnnl.ts"); // internal: the kept workspaces
    for (const [i, [size, stride, pad]] of ([[2, 2, "valid"], [3, 2, "same"]] as const).entries()) {
      const before = (await initBackend({ engine: "native" }), poolWorkspaceCounts(lib!));
      const out = await cpuVsNative([[2, 14, 14, 6]], 700 + i, (x) => {
        let y: tf.Tensor | undefined;
        const g = tf.grad((xx: tf.Tensor) => {
          y = tf.keep(tf.maxPool(xx as tf.Tensor4D, size, stride, pad)); // the forward pass under the gradient
          return tf.sum(tf.mul(y, tf.cos(tf.reshape(tf.range(0, y.size), y.shape))));
        })(x);
        return [y!, g];
      });
      compare(out, `maxPool under a gradient ${size}/${stride}/${pad}`);
      const after = poolWorkspaceCounts(lib!);
      assert.equal(after.reused, before.reused + 1, "the gradient read the forward pass's workspace");
      assert.equal(after.kept, before.kept, "the workspace went with the forward pass's output");
    }
  },
});
