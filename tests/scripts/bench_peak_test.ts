/**
 * The training bench's multiply-add count (`scripts/bench/peak.ts`), which turns images/s into a share of the
 * machine's sgemm peak: checked against counts worked out by hand, so that a wrong share cannot pass unseen.
 *
 * @module
 */

import assert from "node:assert/strict";
import { initBackend, loadNative, tf } from "noisy-digits/runtime";
import { bestCnn } from "noisy-digits/study";
import { achieved, matmulRate, networkMacs } from "../../scripts/bench/peak.ts";

await initBackend({ backend: "cpu" });

Deno.test("networkMacs counts convolutions per output pixel and dense layers per input-output pair", () => {
  const model = tf.sequential();
  // 'valid' 3x3, 1 -> 4 channels on 6x6: a 4x4 output of 3*3*1*4 multiply-adds per pixel = 576.
  model.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3 }));
  // 'same' 3x3 stride 2, 4 -> 2 channels: a 2x2 output of 3*3*4*2 per pixel = 288.
  model.add(tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: "same" }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3 })); // 8 * 3 = 24
  const m = networkMacs(model);
  assert.equal(m.forward, 576 + 288 + 24);
  // Weight gradients of every layer, input gradients of all but the first.
  assert.equal(m.trainingStep, 3 * (576 + 288 + 24) - 576);
  model.dispose();
});

Deno.test("networkMacs gives the best network its 66 M multiply-adds forward", () => {
  const model = bestCnn(1);
  const convs = [[28, 2, 48], [28, 48, 48], [14, 48, 96], [14, 96, 96], [7, 96, 192], [7, 192, 192]];
  const expected = convs.reduce((s, [hw, ci, co]) => s + hw * hw * 9 * ci * co, 0) + 192 * 10;
  assert.equal(networkMacs(model).forward, expected);
  model.dispose();
});

Deno.test("networkMacs refuses a kernel it cannot count", () => {
  const model = tf.sequential();
  model.add(tf.layers.conv1d({ inputShape: [8, 1], filters: 2, kernelSize: 3 }));
  assert.throws(() => networkMacs(model), /kernel of shape \[3,1,2\]/);
  model.dispose();
});

Deno.test("achieved turns images/s into GMAC/s and a share of the peak", () => {
  const a = achieved(100, 2e8, 40);
  assert.ok(Math.abs(a.gmac - 20) < 1e-9);
  assert.ok(Math.abs(a.share - 0.5) < 1e-9);
});

const native = (() => {
  try {
    return loadNative();
  } catch {
    return null;
  }
})();

/** Whether this CPU has bfloat16 units (Linux' flags), where oneDNN's bfloat16 products run natively. */
const bf16Hardware = native !== null && (() => {
  let flags = "";
  try {
    flags = Deno.readTextFileSync("/proc/cpuinfo");
  } catch { /* not Linux: skipped below */ }
  const has = /\b(avx512_bf16|amx_bf16)\b/.test(flags);
  if (!has) console.error("no avx512_bf16 or amx_bf16 in /proc/cpuinfo: the bf16 peak's test is skipped");
  return has;
})();

Deno.test({
  name: "the bf16 peak is measured on oneDNN's bfloat16 matmul, the f32 one on its float32 matmul",
  ignore: !bf16Hardware,
  fn: () => {
    const bf16 = matmulRate(native!, "bf16", 1, 64, 0.03), f32 = matmulRate(native!, "f32", 1, 64, 0.03);
    assert.match(bf16.impl, /bf16/, `oneDNN's matmul on bfloat16 operands: ${bf16.impl}`);
    assert.doesNotMatch(f32.impl, /bf16/, `oneDNN's matmul on float32 operands: ${f32.impl}`);
    for (const r of [bf16, f32]) assert.ok(r.gmacs > 0 && Number.isFinite(r.gmacs), `rate ${r.gmacs}`);
  },
});
