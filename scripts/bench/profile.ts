/**
 * Per-operation profile of one training step (`deno task bench --profile-step`): where the time of a step of the
 * study's best network goes on the native engine, beside PyTorch's profiler on the same network and batch
 * (`torch_profile.py`, Debian's python3-torch, when installed).
 *
 * Our side: every kernel of the wasm backend (native ones included) is wrapped with a timer; each kernel is charged
 * to the layer that ran it (forward: while the layer's `call` runs; backward: the layer whose forward recorded the
 * tape node whose gradient runs it), to the loss (after the last layer) or to the optimizer. The time of a step not
 * spent inside any kernel is tfjs' own work (the tape, tidy, tensor bookkeeping) and the JavaScript between kernels.
 * Two replicas: the data-parallel step's time beyond the main thread's own half-batch gradient (timed alone) is the
 * exchange, the optimizer's share (each replica updates part of the weights), the waits and the two replicas slowing
 * each other. The native kernels read and write the tfjs heap in place: there are no copies between the heap and the
 * libraries to time.
 *
 * The profile is a measurement of one process on a shared machine: the shares matter, not the milliseconds.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { BenchEntry } from "./types.ts";
import { engineDescription, initBackend, loadNative, setNativeThreads } from "noisy-digits/runtime";
import { helperWorkers } from "noisy-digits/train";
import { bestCnn } from "noisy-digits/study";
import { batchGradients, trainStep } from "../../lib/train/step.ts"; // internal, as train.ts
import { createWorkerPool } from "../../lib/train/parallel.ts"; // internal, as train.ts
import { createOptimizer } from "../../lib/train/optimizers.ts"; // internal: the optimizer the fit loop builds
import { CONV_FILTER_BIAS_GRAD } from "../../lib/runtime/native/kernels.ts"; // internal: a kernel name to charge
import { warmUp } from "./train.ts";

/** The categories both profiles are summed into (PyTorch's operators map onto the same ones). */
export const CATEGORIES = [
  "pixel powers",
  "convolution forward (+bias+ReLU)",
  "convolution gradients (input and filter)",
  "ReLU and bias gradients",
  "BatchNorm forward",
  "BatchNorm backward",
  "max pooling forward",
  "max pooling backward",
  "dropout forward",
  "dropout backward",
  "head (global pool, dense, softmax)",
  "loss",
  "optimizer (Adam)",
  "outside kernels (framework, glue)",
] as const;
/** One of {@linkcode CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/** One kernel's total over the profiled steps. */
interface KernelRow {
  part: string;
  kernel: string;
  ms: number;
  calls: number;
}

/** The category of a kernel charged to `part` (a layer's class, "loss" or "optimizer") in `phase`. */
function categoryOf(part: string, phase: "forward" | "backward", kernel: string): Category {
  if (part === "optimizer") return "optimizer (Adam)";
  if (part === "loss") return "loss";
  if (part === "PixelPowers") return "pixel powers";
  if (part === "Conv2D") {
    if (phase === "forward") return "convolution forward (+bias+ReLU)";
    // The filter's gradient kernel computes the bias's too where the convolution is fused (CONV_FILTER_BIAS_GRAD).
    if (kernel === "Conv2DBackpropInput" || kernel === "Conv2DBackpropFilter" || kernel === CONV_FILTER_BIAS_GRAD) {
      return "convolution gradients (input and filter)";
    }
    return "ReLU and bias gradients";
  }
  if (part === "BatchNormalization") return phase === "forward" ? "BatchNorm forward" : "BatchNorm backward";
  if (part === "MaxPooling2D") return phase === "forward" ? "max pooling forward" : "max pooling backward";
  if (part === "Dropout") return phase === "forward" ? "dropout forward" : "dropout backward";
  return "head (global pool, dense, softmax)";
}

/**
 * Times `steps` training steps of `model` (batch `x`, `y`, Adam) kernel by kernel. Returns the kernel rows keyed
 * `phase|part|kernel` and the steps' wall time.
 */
async function profileSteps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, steps: number) {
  const rows = new Map<string, KernelRow & { phase: "forward" | "backward" }>();
  let part = "loss", phase: "forward" | "backward" = "forward";
  const charge = (kernel: string, ms: number) => {
    const key = `${phase}|${part}|${kernel}`;
    const r = rows.get(key) ?? { phase, part, kernel, ms: 0, calls: 0 };
    r.ms += ms;
    r.calls++;
    rows.set(key, r);
  };
  // Kernels: each wrapped with a timer (nested kernel calls inside a kernel are the outer kernel's time).
  const originals = tf.getKernelsForBackend("wasm");
  let depth = 0;
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, "wasm");
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        if (depth > 0) return k.kernelFunc(args);
        depth++;
        const t0 = performance.now();
        try {
          return k.kernelFunc(args);
        } finally {
          depth--;
          charge(k.kernelName, performance.now() - t0);
        }
      },
    });
  }
  // Layers: forward kernels are charged to the layer running; each tape node remembers it for the backward pass.
  const calls = model.layers.map((l) => l.call);
  model.layers.forEach((layer) => {
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => {
      part = layer.getClassName();
      try {
        return call(inputs, kwargs);
      } finally {
        part = "loss";
      }
    };
  });
  // deno-lint-ignore no-explicit-any
  const engine = tf.engine() as any;
  const addTapeNode = engine.addTapeNode;
  engine.addTapeNode = function (...args: unknown[]) {
    addTapeNode.apply(engine, args);
    const node = engine.state.activeTape.at(-1), owner = part;
    const gradient = node.gradient;
    if (!gradient) return;
    node.gradient = (dys: unknown) => {
      const run = (f: () => unknown) => () => {
        const [p, ph] = [part, phase];
        part = owner;
        phase = "backward";
        try {
          return f();
        } finally {
          [part, phase] = [p, ph];
        }
      };
      const grads = run(() => gradient(dys))() as Record<string, () => unknown>;
      return Object.fromEntries(Object.entries(grads).map(([k, f]) => [k, run(f)]));
    };
  };
  const opt = createOptimizer({ name: "adam", learningRate: 1e-3 });
  const apply = opt.applyGradients.bind(opt);
  opt.applyGradients = (g) => {
    part = "optimizer";
    try {
      apply(g);
    } finally {
      part = "loss";
    }
  };
  let wall = 0;
  try {
    // Warmed up as the bench's figures are: primitives created, heap grown, JavaScript compiled. After one untimed
    // step the JavaScript Adam still ran unoptimised: 8.6 ms a step against about 2 (2026-12-06).
    await warmUp(() => trainStep(model, opt, x, y));
    rows.clear();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) trainStep(model, opt, x, y);
    wall = performance.now() - t0;
  } finally {
    engine.addTapeNode = addTapeNode;
    model.layers.forEach((l, i) => (l.call = calls[i]));
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, "wasm");
      tf.registerKernel(k);
    }
    opt.dispose();
  }
  return { rows: [...rows.values()], wall };
}

/** Milliseconds of one unprofiled step, the median of `steps` after {@linkcode warmUp}'s untimed ones. */
function stepMs(f: () => void | Promise<void>, steps: number): Promise<number> {
  return (async () => {
    await warmUp(f);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await f();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  })();
}

/** The PyTorch profile of the same step, by category (ms per step), or the reason it could not run. */
function torchProfile(batch: number, threads: number): { ms: Record<string, number>; version: string } | string {
  const script = new URL("./torch_profile.py", import.meta.url).pathname;
  try {
    const r = new Deno.Command("/usr/bin/python3", {
      args: [script, String(threads), String(batch)],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    if (r.code !== 0) return new TextDecoder().decode(r.stderr).trim().split("\n").pop() ?? "failed";
    return JSON.parse(new TextDecoder().decode(r.stdout));
  } catch (e) {
    return (e as Error).message;
  }
}

const BATCH = 64, STEPS = 6;
const f1 = (v: number) => v.toFixed(1);

/**
 * Profiles one training step of the best network (batch 64) on the native engine, one core, beside PyTorch on one
 * thread; then what a two-replica step spends beyond the main thread's gradient. Prints the tables and returns the
 * figures as entries.
 */
export async function profileStep(): Promise<BenchEntry[]> {
  if (!loadNative()) return [{ name: "profile", value: "skipped", unit: "", note: "native engine unavailable" }];
  await initBackend({ backend: "wasm", engine: "native" });
  setNativeThreads(1);
  const model = bestCnn(1);
  const x = tf.randomUniform([BATCH, 28, 28, 1]), y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, "int32"), 10);
  const { rows, wall } = await profileSteps(model, x, y, STEPS);
  const perStep = wall / STEPS;
  const ours = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  let inKernels = 0;
  for (const r of rows) {
    const c = categoryOf(r.part, r.phase, r.kernel);
    ours.set(c, ours.get(c)! + r.ms / STEPS);
    inKernels += r.ms / STEPS;
  }
  ours.set("outside kernels (framework, glue)", Math.max(0, perStep - inKernels));
  const torch = torchProfile(BATCH, 1);
  const out: BenchEntry[] = [];
  console.log(`\nOne training step of the best network, batch ${BATCH}, one core (ms per step, ${STEPS} steps):`);
  console.log(`engine: ${engineDescription()}`);
  console.log(`${"category".padEnd(36)} ${"native".padStart(8)} ${"share".padStart(6)} ${"pytorch".padStart(8)}`);
  const torchTotal = typeof torch === "string" ? 0 : Object.values(torch.ms).reduce((s, v) => s + v, 0);
  for (const c of CATEGORIES) {
    const v = ours.get(c)!, t = typeof torch === "string" ? undefined : torch.ms[c] ?? 0;
    console.log(
      `${c.padEnd(36)} ${f1(v).padStart(8)} ${(f1((100 * v) / perStep) + "%").padStart(6)} ${
        t === undefined ? "" : f1(t).padStart(8)
      }`,
    );
    out.push({ name: `profile: native, ${c}`, value: +f1(v), unit: "ms/step", note: `${f1((100 * v) / perStep)} %` });
    if (t !== undefined) out.push({ name: `profile: pytorch, ${c}`, value: +f1(t), unit: "ms/step" });
  }
  console.log(`${"total".padEnd(36)} ${f1(perStep).padStart(8)} ${"".padStart(6)} ${f1(torchTotal).padStart(8)}`);
  if (typeof torch === "string") console.log(`(PyTorch profile skipped: ${torch})`);
  console.log("\nNative kernels by time (ms per step):");
  rows.sort((a, b) => b.ms - a.ms).slice(0, 25).forEach((r) =>
    console.log(`  ${f1(r.ms / STEPS).padStart(6)}  ${r.phase.padEnd(8)} ${r.part.padEnd(22)} ${r.kernel}`)
  );

  // The unprofiled step, one replica, and what a two-replica step spends beyond the main thread's gradient.
  const opt = createOptimizer({ name: "adam", learningRate: 1e-3 });
  const one = await stepMs(() => void trainStep(model, opt, x, y), STEPS);
  out.push({ name: "profile: native, 1 core, step", value: +f1(one), unit: "ms", note: "unprofiled, median" });
  const workers = helperWorkers();
  if (workers > 0) {
    const share = Math.ceil(BATCH / (workers + 1));
    const xs = tf.slice(x, 0, share), ys = tf.slice(y, 0, share);
    const local = await stepMs(() => tf.dispose(batchGradients(model, xs, ys).grads), STEPS);
    const pool = await createWorkerPool(model, workers);
    try {
      const parallel = await stepMs(async () => void await pool.step(model, opt, x, y), STEPS);
      const rest = parallel - local;
      console.log(
        `\n${workers + 1} replicas: step ${f1(parallel)} ms = main thread's ${share}-image gradient ${f1(local)} ` +
          `(timed alone) + ${f1(rest)} for the exchange, the optimizer's share, the waits and the replicas slowing ` +
          `each other (one replica: ${f1(one)} ms)`,
      );
      out.push(
        { name: `profile: native, ${workers + 1} replicas, step`, value: +f1(parallel), unit: "ms" },
        {
          name: `profile: native, ${workers + 1} replicas, beyond the main thread's gradient`,
          value: +f1(rest),
          unit: "ms",
          note: "exchange, optimizer's share, waits, contention",
        },
      );
    } finally {
      pool.terminate();
      tf.dispose([xs, ys]);
    }
  }
  opt.dispose();
  tf.dispose([x, y]);
  model.dispose();
  if (typeof torch !== "string") {
    out.push({ name: "profile: pytorch, step", value: +f1(torchTotal), unit: "ms", note: `PyTorch ${torch.version}` });
  }
  return out;
}
