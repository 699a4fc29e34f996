/**
 * Bench suite for the training engine, batches of 64: training and inference images/s of the report's 4-conv
 * CNN on the stock `cpu` backend (a couple of batches) and the stock `wasm` backend (training is unsupported: no
 * `Conv2DBackpropFilter` kernel); then, side by side, the `wasm` engine (XNNPACK and this project's replacement
 * kernels) and the `native` engine (oneDNN / OpenBLAS through FFI, `lib/runtime/native/`) on the 4-conv CNN and the
 * study's best network: one core and one replica per core, and (native) one replica on all cores' library threads
 * and the scaling ceiling, one replica per core in processes of their own that exchange nothing (`solo.ts`), the
 * training of one core, the replicas and the ceiling timed in alternating turns;
 * the native engine again with float32 Winograd convolutions (`NOISY_DIGITS_CONV_ALGORITHM=winograd`) and with
 * bfloat16 convolution operands (`NOISY_DIGITS_PRECISION=bf16`) where the CPU has them; PyTorch on the same
 * networks when Debian's python3-torch is installed (comparison only: its default NCHW layout, channels-last, and
 * channels-last under bfloat16 autocast), its training in turns with each native setting's figures (one process per
 * PyTorch mode, `torch_cnn.py turns`) so that a ratio against it is read from steps timed side by side in time, its
 * inference once; then the ratios the targets are read from.
 * Before the native figures the run measures this machine's limit, the `cblas_sgemm` peak on one core and on all cores
 * (`peak.ts`), and every figure of a network gains its achieved GMAC/s (multiply-adds of its convolutions and
 * dense layers per image times images/s) with its share of the peak on as many cores. Then holdout
 * accuracy after each of the first epochs on the real 9,000 / 3,000 split (`BENCH_TRAIN_EPOCHS`, default 2;
 * 0 skips it). `BENCH_TRAIN_SKIP_CPU=1` skips the slow stock-cpu figures; `BENCH_TRAIN_ENGINES` (comma-separated
 * "wasm", "native"; default both) restricts the engines (the stock wasm figures come with "wasm");
 * `BENCH_TRAIN_QUICK=1` times fewer steps and batches (for a busy machine).
 *
 * @module
 */

import type { BenchEntry, BenchSuite } from "./types.ts";
import * as tf from "@tensorflow/tfjs";
import {
  activeEngine,
  type EngineName,
  initBackend,
  loadNative,
  NATIVE_INSTALL_HINT,
  type NativeLibraries,
  nativeThreadsPerReplica,
  setNativeThreads,
  withConvAlgorithm,
  withNativePrecision,
} from "noisy-digits/runtime";
import { fourConvCnn } from "noisy-digits/networks";
import { trainStep } from "../../lib/train/step.ts"; // internal: the benchmark measures the step itself
import { fit, helperWorkers } from "noisy-digits/train";
import { createWorkerPool, splitRows, type WorkerPool } from "../../lib/train/parallel.ts"; // internal, as the step
import { createOptimizer } from "../../lib/train/optimizers.ts"; // internal: the optimizer the fit loop builds
import { loadTrain, stratifiedSplit } from "noisy-digits/data";
import { convPrimitive, same3x3 } from "../../lib/runtime/native/dnnl.ts"; // internal: the Winograd probe
import { predictBatch } from "../../lib/runtime/batches.ts"; // internal: the forward pass the project's inference runs
import { bestCnn, recipeFitOptions } from "noisy-digits/study";
import { lineReader, type Turn, TURN_PREFIX } from "./_turn_protocol.ts";
import { achieved, matmulRate, type NetworkMacs, networkMacs, sgemmRate } from "./peak.ts";
import { atLeast, type Figure, pairedRatio, sideBySide, sumTurns } from "./_ratios.ts";

const BATCH = 64;

/** A batch of `n` random images and one-hot labels. */
export function randomBatch(n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.randomUniform([n, 28, 28, 1]) as tf.Tensor4D,
    y: tf.oneHot(tf.randomUniform([n], 0, 10, "int32") as tf.Tensor1D, 10) as tf.Tensor2D,
  }));
}

/**
 * Images/s of `steps` training steps (batches of `batch`) after {@linkcode warmUp}'s untimed ones (or `warmup` of
 * them), on the current backend.
 */
async function trainRate(model: tf.LayersModel, steps: number, warmup?: number, batch = BATCH): Promise<number> {
  const opt = createOptimizer({ name: "adam", learningRate: 1e-3 });
  const { x, y } = randomBatch(batch);
  const step = () => trainStep(model, opt, x, y);
  if (warmup === undefined) await warmUp(step);
  else for (let i = 0; i < warmup; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const rate = (steps * batch) / ((performance.now() - t0) / 1000);
  tf.dispose([x, y]);
  opt.dispose();
  return rate;
}

/** Images/s of inference over `batches` batches of `batch` images, after one warm-up batch if `warmup`. */
function inferRate(model: tf.LayersModel, batches: number, batch = BATCH, warmup = true): number {
  const x = tf.randomUniform([batch, 28, 28, 1]);
  // The tidy returns nothing: given the probabilities' typed array it walks every value looking for tensors (about
  // 1.2 ms for the 10,000 values of a batch of 1,000, inside the timed loop; measured 2026-12-05).
  const once = () => tf.tidy(() => void predictBatch(model, x).dataSync());
  if (warmup) once();
  const t0 = performance.now();
  for (let i = 0; i < batches; i++) once();
  x.dispose();
  return (batches * batch) / ((performance.now() - t0) / 1000);
}

/**
 * The networks of the engine figures: the report's 4-conv CNN and the study's best network (`torch`: its name in
 * `torch_cnn.py`; `overTorch`: issue 23's targets for two native replicas over PyTorch's faster float32 layout;
 * `moonshot`: its target for the share of the two-core sgemm peak two native replicas reach in training by the direct
 * float32 algorithm (Winograd's figures count multiply-adds it does not do); 0 for none. Targets are given on two cores
 * only, as the issue set them).
 */
export const NETWORKS = [
  {
    key: "4-conv CNN",
    torch: "four_conv",
    build: () => fourConvCnn({ seed: 1 }),
    trainTarget: 250,
    inferTarget: 0,
    overTorch: { training: 1.5, inference: 2 },
    moonshot: 0,
  },
  {
    key: "best network",
    torch: "best",
    build: () => bestCnn(1),
    trainTarget: 0,
    inferTarget: 1000,
    overTorch: { training: 1, inference: 2 },
    moonshot: 0.7,
  },
] as const;
type Network = (typeof NETWORKS)[number];

/** Images per inference batch (split between the replicas). */
const INFER_BATCH = 1000;
/** Steps and inference batches timed per figure (`BENCH_TRAIN_QUICK=1`: fewer, for a busy machine). */
const QUICK = !!Deno.env.get("BENCH_TRAIN_QUICK");
/**
 * Timed training steps per figure, on one core and on the replicas alike. The ratios between figures moved by several
 * percent from run to run with 8 steps on one core and 12 on the replicas (four runs of 2026-12-05); with 16 each a
 * passing disturbance weighs half as much in a one-core figure and a quarter less in a two-replica one.
 */
const STEPS = QUICK ? 4 : 16, INFER_BATCHES = QUICK ? 1 : 3;
/**
 * Training steps run before the timed ones, on one core and on the replicas alike: the first steps of a fresh worker
 * run slower (its JavaScript not yet compiled, its primitives and heap not yet made), 4-17 ms more a step over its
 * first four on the best network (measured 2026-12-05), and so do the main thread's on a model it has not trained
 * yet. A real run trains thousands of steps on one pool, so the figures are its steady pace.
 */
const WARMUP_STEPS = QUICK ? 1 : 5;
/**
 * Least milliseconds of those untimed steps. In a fresh process the first turns still ran slower after five: the first
 * of four turns read 401 against 428-435 images/s on one core on the 4-conv CNN, 414 against 483-516 on one core and
 * 788 against 869-898 over the replicas on the best network, the run's first figures, and so did the bfloat16 replicas'
 * on primitives of their own (2026-12-06); the Winograd settings, on code already compiled, showed no such first turn.
 */
const WARMUP_MS = QUICK ? 0 : 2000;

/**
 * Untimed steps that start each turn, in every process that takes turns (ours, the ceiling's replicas, PyTorch's): a
 * real run never pauses, and after the pause of the other figures' turns the replicas' first steps ran slower than
 * later ones, by more than one core's. Best network, direct, two processes multiplying matrices for 3 s before each
 * turn: over five turns the replicas' steps averaged 76.3 / 73.0 / 75.8 / 80.1 ms, then 71.0-72.3, one core's 132.0 /
 * 131.6, then 128.8-130.1; over ten, the replicas' 70.6 / 68.7 / 69.7 / 68.4, then 67.0-69.1, one core's 123.0-124.5
 * throughout. Three runs of the best network's figures alone with 1 and 3 untimed steps a turn, alternated: two
 * replicas over one core 1.68x / 1.63x / 1.59x against 1.83x / 1.61x / 1.73x, the ceiling's 1.70x / 1.77x / 1.82x
 * against 1.83x / 1.92x / 1.90x (2026-12-06; weak evidence, docs/performance.md). One when `BENCH_TRAIN_QUICK` is set.
 */
const TURN_UNTIMED_STEPS = QUICK ? 1 : 3;

/** Runs `step` {@linkcode WARMUP_STEPS} times, and on until {@linkcode WARMUP_MS} have passed. */
export async function warmUp(step: () => unknown): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < WARMUP_STEPS || performance.now() - t0 < WARMUP_MS; i++) await step();
}

function loadNativeQuietly() {
  try {
    return loadNative();
  } catch {
    return null;
  }
}

/**
 * Turns per training figure where one core, the replicas, the scaling ceiling's independent replicas and PyTorch take
 * turns:
 * the ratios between them are read from steps timed side by side in time, so that a change in this machine's pace
 * during the run (one core's figure moved by 10 % between runs while the replicas' stayed, 2026-12-05) weighs on
 * every figure alike.
 */
const ROUNDS = QUICK ? 1 : 4;

/** Each turn's images/s, as a figure's note shows them ("-" for a turn without a rate: no step ended inside it). */
const turnsNote = (rates: number[]) =>
  `turns: ${rates.map((v) => Number.isFinite(v) ? v.toFixed(0) : "-").join(" / ")}`;

/**
 * Images/s of training on one core (`single`, on the main thread) and over `pool` (`shared`, one replica per core),
 * each with its own Adam and batch: untimed steps of each ({@linkcode warmUp}), then {@linkcode ROUNDS} turns in
 * which each times {@linkcode STEPS}` / ROUNDS` steps after {@linkcode TURN_UNTIMED_STEPS} untimed ones (the first
 * after the other figures ran, with their data out of the caches; a real run never switches). With `solos` (of those
 * `batches`), each turn also times them side by side for {@linkcode TURN_SECONDS}, then the first alone as long; with
 * `torch`, each of its processes (one per mode) for as long, one after the other. Should either fail, the other
 * figures go on without it. `turns` holds each turn's images/s, one core's first.
 */
async function pairedTrainRates(
  single: tf.LayersModel,
  shared: tf.LayersModel,
  pool: WorkerPool,
  solos?: { takers: TurnTakers; batches: number[] },
  torch?: { takers: TurnTakers; modes: TorchMode[] },
): Promise<{ oneCore: number; replicas: number; turns: number[][]; independent?: Independent; torch?: TorchTurns }> {
  const a = { opt: createOptimizer({ name: "adam", learningRate: 1e-3 }), ...randomBatch(BATCH) };
  const b = { opt: createOptimizer({ name: "adam", learningRate: 1e-3 }), ...randomBatch(BATCH) };
  const figures = [
    () => Promise.resolve(void trainStep(single, a.opt, a.x, a.y)),
    () => pool.step(shared, b.opt, b.x, b.y).then(() => {}),
  ];
  const perTurn = Math.ceil(STEPS / ROUNDS), ms = [0, 0], turns: number[][] = [[], []];
  // Each turn of the independent replicas (side by side, by replica; the first alone) and of PyTorch (by mode).
  const sideTurns: Turn[][] = solos?.batches.map(() => []) ?? [], aloneTurns: Turn[] = [];
  const torchTurns: Turn[][] = torch?.modes.map(() => []) ?? [];
  let soloFailure: string | undefined, torchFailure: string | undefined;
  try {
    for (const step of figures) await warmUp(step);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, step] of figures.entries()) {
        for (let i = 0; i < TURN_UNTIMED_STEPS; i++) await step();
        const t0 = performance.now();
        for (let i = 0; i < perTurn; i++) await step();
        const t = performance.now() - t0;
        ms[k] += t;
        turns[k].push((perTurn * BATCH * 1000) / t);
      }
      if (solos && !soloFailure) {
        try {
          (await solos.takers.turn(sideTurns.map((_, i) => i))).forEach((t, i) => sideTurns[i].push(t));
          aloneTurns.push((await solos.takers.turn([0]))[0]);
        } catch (e) {
          soloFailure = (e as Error).message;
        }
      }
      if (torch && !torchFailure) {
        try {
          for (const [i, turns] of torchTurns.entries()) turns.push((await torch.takers.turn([i]))[0]);
        } catch (e) {
          torchFailure = (e as Error).message;
        }
      }
    }
  } finally {
    tf.dispose([a.x, a.y, b.x, b.y]);
    a.opt.dispose();
    b.opt.dispose();
  }
  const [oneCore, replicas] = ms.map((t) => (ROUNDS * perTurn * BATCH) / (t / 1000));
  const empty = `no step ended inside a turn of ${TURN_SECONDS} s`;
  let independent: Independent | undefined, torchRates: TorchTurns | undefined;
  if (solos) {
    const side = sideTurns.map(sumTurns), alone = sumTurns(aloneTurns);
    if (!soloFailure && [alone, ...side].some((t) => t.steps === 0)) soloFailure = empty;
    independent = soloFailure ? { skipped: soloFailure } : {
      ...sideBySide(sideTurns, solos.batches),
      alone: alone.ms / alone.steps,
      side: side.map((t) => t.ms / t.steps),
      batches: solos.batches,
    };
  }
  if (torch) {
    if (!torchFailure && torchTurns.some((ts) => sumTurns(ts).steps === 0)) torchFailure = empty;
    // Each mode is one process: its images/s as sideBySide reads a single process's turns.
    torchRates = torchFailure
      ? { skipped: torchFailure }
      : new Map(torch.modes.map((mode, i) => [mode, sideBySide([torchTurns[i]], [BATCH])]));
  }
  return { oneCore, replicas, turns, independent, torch: torchRates };
}

/**
 * PyTorch's images/s by mode from its turns in {@linkcode pairedTrainRates} (over all of them, and each one's), or why
 * they were not measured.
 */
type TorchTurns = Map<TorchMode, Required<Figure>> | { skipped: string };

/** Images/s of inference over `pool` in batches of {@linkcode INFER_BATCH}, after one warm-up batch. */
async function poolInferRate(model: tf.LayersModel, pool: WorkerPool, batches = INFER_BATCHES): Promise<number> {
  const n = INFER_BATCH * batches, px = new Float32Array(n * 784).map((_, i) => (i * 7919) % 1000 / 1000);
  await pool.predict(model, px.subarray(0, INFER_BATCH * 784), INFER_BATCH);
  const t0 = performance.now();
  for (let s = 0; s < n; s += INFER_BATCH) {
    await pool.predict(model, px.subarray(s * 784, (s + INFER_BATCH) * 784), INFER_BATCH);
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Seconds of each timed turn of a process that trains in turns (`_turn_protocol.ts`). */
const TURN_SECONDS = 1;
/** How long such a process may take to answer before the bench gives it up. */
const TURN_PATIENCE_MS = 120_000;

/**
 * Processes that each train in turns with the bench's figures (`_turn_protocol.ts`): the scaling ceiling's
 * independent replicas (`solo.ts`) or PyTorch (`torch_cnn.py turns`). `turn` times one turn of the processes `which`
 * at once; `close` ends them once their turns are done, `kill` at once.
 */
interface TurnTakers {
  turn(which: number[]): Promise<Turn[]>;
  close(): Promise<void>;
  kill(): Promise<void>;
}

/** `p`, or a rejection naming `what` once {@linkcode TURN_PATIENCE_MS} have passed. */
async function patiently<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: no answer in ${TURN_PATIENCE_MS / 1000} s`)),
          TURN_PATIENCE_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts one {@linkcode TurnTakers} process per entry of `commands` (a program and its arguments), called `what` in
 * errors; resolved once each has said it is ready.
 */
async function startTurnTakers(what: string, commands: [string, string[]][]): Promise<TurnTakers> {
  const procs: Deno.ChildProcess[] = [];
  const kill = async () => {
    for (const p of procs) {
      try {
        p.kill();
      } catch { /* already ended */ }
    }
    await Promise.all(procs.map((p) => p.status));
  };
  try {
    for (const [program, args] of commands) {
      procs.push(new Deno.Command(program, { args, stdin: "piped", stdout: "piped", stderr: "piped" }).spawn());
    }
  } catch (e) {
    await kill();
    throw e;
  }
  const errors = procs.map((p) => new Response(p.stderr).text());
  const outputs = procs.map((p) => lineReader(p.stdout));
  const inputs = procs.map((p) => p.stdin.getWriter());
  // The next protocol line of process `i`, without its prefix; other lines are skipped.
  const line = (i: number): Promise<string> =>
    patiently(
      (async () => {
        for (let text = await outputs[i].next(); text !== null; text = await outputs[i].next()) {
          if (text.startsWith(TURN_PREFIX)) return text.slice(TURN_PREFIX.length);
        }
        const why = (await errors[i]).split("\n").filter((l) => l.startsWith("error: ")).pop()?.slice(7);
        throw new Error(`${what} ended early: ${why ?? "no error message"}`);
      })(),
      `${what} ${i}`,
    );
  try {
    for (const [i, text] of (await Promise.all(procs.map((_, i) => line(i)))).entries()) {
      if (text !== "ready") throw new Error(`${what} ${i}: expected "ready", got "${text}"`);
    }
  } catch (e) {
    await kill();
    throw e;
  }
  return {
    async turn(which) {
      const go = new TextEncoder().encode("go\n");
      await Promise.all(which.map((i) => inputs[i].write(go)));
      return (await Promise.all(which.map(line))).map((text) => JSON.parse(text) as Turn);
    },
    async close() {
      await Promise.all(inputs.map((w) => w.close().catch(() => {})));
      let statuses: Deno.CommandStatus[];
      try {
        statuses = await patiently(Promise.all(procs.map((p) => p.status)), `${what} at its end`);
      } catch (e) {
        await kill();
        throw e;
      }
      const codes = statuses.map((s) => s.code);
      if (codes.some((c) => c !== 0)) throw new Error(`${what} exited with ${codes.join(", ")}`);
    },
    kill,
  };
}

/**
 * Replicas that each train alone in a process of their own (`solo.ts`), one per entry of `batches` (its batch size),
 * training `net`: the scaling ceiling.
 */
function startSolos(net: Network, batches: number[]): Promise<TurnTakers> {
  const script = new URL("./solo.ts", import.meta.url).pathname;
  return startTurnTakers(
    "solo.ts",
    batches.map((batch) => [
      Deno.execPath(),
      ["run", "-A", script, net.key, ...[batch, TURN_SECONDS, TURN_UNTIMED_STEPS].map(String)],
    ]),
  );
}

/** The Python that runs PyTorch (Debian's python3-torch). */
export const PYTHON = "/usr/bin/python3";
let torchError: string | null | undefined;
/** Why PyTorch cannot be compared here (its import's last error line), or null when it can; asked once. */
export function torchMissing(): string | null {
  if (torchError !== undefined) return torchError;
  try {
    const r = new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "piped", stdout: "null" }).outputSync();
    const why = new TextDecoder().decode(r.stderr).trim().split("\n").pop();
    torchError = r.code === 0 ? null : why || `python3 exited with ${r.code}`;
  } catch (e) {
    torchError = (e as Error).message;
  }
  return torchError;
}

/**
 * PyTorch training `net` in turns on `threads` threads, one process per entry of `modes` (`torch_cnn.py turns`), warmed
 * up as {@linkcode warmUp} warms ours.
 */
function startTorch(net: Network, modes: TorchMode[], threads: number): Promise<TurnTakers> {
  const script = new URL("./torch_cnn.py", import.meta.url).pathname;
  const args = (mode: TorchMode) => [
    threads,
    BATCH,
    net.torch,
    mode,
    TURN_SECONDS,
    TURN_UNTIMED_STEPS,
    WARMUP_STEPS,
    WARMUP_MS / 1000,
  ];
  return startTurnTakers("torch_cnn.py", modes.map((mode) => [PYTHON, [script, "turns", ...args(mode).map(String)]]));
}

/**
 * What {@linkcode pairedTrainRates} measured of the independent replicas: their images/s together, the first one's
 * milliseconds a step alone, each one's side by side, and each one's batch; or why they were not measured.
 */
type Independent = Figure & { alone: number; side: number[]; batches: number[] } | { skipped: string };

/** The figures of the independent replicas: their images/s together, and how much slower than alone they ran. */
function independentFigures(
  label: string,
  net: Network,
  cores: number,
  variant: Variant,
  independent: Independent,
): BenchEntry[] {
  const name = `train: ${label}, ${net.key}, ${cores} independent replicas (processes, nothing exchanged), training`;
  if ("skipped" in independent) return [{ name, value: "skipped", unit: "", note: independent.skipped }];
  const { rate, turns, alone, side, batches } = independent;
  measured.set(`${label}|${net.key}|independent|training`, { rate, turns });
  const mean = side.reduce((s, ms) => s + ms, 0) / side.length;
  return [{
    name,
    value: r1(rate),
    unit: "img/s",
    note: `batches of ${batches.join(" / ")}: a step ${alone.toFixed(1)} ms alone, ` +
      `${side.map((ms) => ms.toFixed(1)).join(" / ")} side by side (${((mean / alone - 1) * 100).toFixed(0)} % slower)`,
  }, ...limit(`train: ${label}, ${net.key}, ${cores} independent replicas`, net, "training", rate, cores, variant)];
}

const met = (v: number, target: number) => target ? atLeast(v, target) : undefined;

const macsByNetwork = new Map<string, NetworkMacs>();

/** {@linkcode networkMacs} of `net` (built once). */
function macsOf(net: Network): NetworkMacs {
  let m = macsByNetwork.get(net.key);
  if (!m) {
    const model = net.build();
    macsByNetwork.set(net.key, m = networkMacs(model));
    model.dispose();
  }
  return m;
}

/**
 * This machine's product peaks in GMAC/s, measured once per run (empty without the native libraries), by
 * `${precision}|${cores}`: float32 the faster of `cblas_sgemm` and `dnnl_sgemm`, bfloat16 oneDNN's matmul.
 */
const peaks = new Map<string, number>();

/**
 * The multiply-adds `rate` (images/s of `net` training or inferring on `cores` cores) achieves, as a GMAC/s figure
 * with its share of the peak in `precision` (the figure's products) on as many cores, and a verdict on `shareTarget`
 * (a share of that peak) when given; nothing when that peak was not measured.
 */
function limit(
  name: string,
  net: Network,
  kind: "training" | "inference",
  rate: number,
  cores: number,
  variant: Variant = "f32",
  shareTarget?: number,
): BenchEntry[] {
  const precision = variant === "bf16" ? "bf16" : "f32";
  const peak = peaks.get(`${precision}|${cores}`);
  if (peak === undefined) return [];
  const macs = macsOf(net);
  const { gmac, share } = achieved(rate, kind === "training" ? macs.trainingStep : macs.forward, peak);
  const which = precision === "bf16" ? "bf16 matmul" : "sgemm";
  const note = `${(share * 100).toFixed(0)} % of the ${cores}-core ${which} peak (${peak.toFixed(1)} GMAC/s)` +
    (variant === "winograd" ? "; counts the direct algorithm's multiply-adds, Winograd does fewer" : "");
  const target = shareTarget === undefined
    ? undefined
    : atLeast(share, shareTarget, `${Math.round(shareTarget * 100)} %`);
  return [{ name: `${name}, ${kind}, achieved`, value: r1(gmac), unit: "GMAC/s", target, note }];
}

/**
 * A training and an inference figure, with the network's targets, each with its achieved GMAC/s on `cores` cores;
 * `shareTarget`: a target for the training figure's share of the peak (the moonshot).
 */
function rates(
  name: string,
  net: Network,
  train: number,
  infer: number,
  cores: number,
  variant: Variant,
  trainNote?: string,
  shareTarget?: number,
): BenchEntry[] {
  return [
    {
      name: `${name}, training`,
      value: r1(train),
      unit: "img/s",
      target: met(train, net.trainTarget),
      note: trainNote,
    },
    ...limit(name, net, "training", train, cores, variant, shareTarget),
    { name: `${name}, inference`, value: r1(infer), unit: "img/s", target: met(infer, net.inferTarget) },
    ...limit(name, net, "inference", infer, cores, variant),
  ];
}

/**
 * Images/s by figure (and each turn's, for training timed in turns), for the ratios at the end:
 * `${engine}|${network}|${setting}|${training or inference}`.
 */
const measured = new Map<string, Figure>();
const measure = (engine: string, net: Network, setting: string, train: Figure, infer: number) => {
  measured.set(`${engine}|${net.key}|${setting}|training`, train);
  measured.set(`${engine}|${net.key}|${setting}|inference`, { rate: infer });
};

/**
 * How the native convolutions compute in a figure: float32 direct (the study's), bfloat16 operands
 * (`NOISY_DIGITS_PRECISION=bf16`) or float32 Winograd (`NOISY_DIGITS_CONV_ALGORITHM=winograd`).
 */
type Variant = "f32" | "bf16" | "winograd";

/**
 * One engine's figures on one network: one core, one replica per core (the main thread and workers), and on
 * the native engine the independent replicas of the scaling ceiling, PyTorch's training timed in turns with them
 * (when python3-torch is installed) and one replica whose libraries use every core
 * (OpenMP / OpenBLAS threads). Under a variant (the
 * native engine with the variable set by the caller) the figures are named e.g. "native, bf16" and the
 * library-threads figure is skipped.
 */
async function engineFigures(engine: EngineName, net: Network, variant: Variant = "f32"): Promise<BenchEntry[]> {
  const out: BenchEntry[] = [];
  const cores = helperWorkers() + 1;
  const model = net.build();
  const label = variant === "f32" ? engine : `${engine}, ${variant}`, tag = `train: ${label}, ${net.key}`;
  if (engine === "native") setNativeThreads(1);
  const oneCore = (train: number, infer: number, note?: string, turns?: number[]) => {
    measure(label, net, "1 core", { rate: train, turns }, infer);
    out.push(
      { name: `${tag}, 1 core, training`, value: r1(train), unit: "img/s", note },
      ...limit(`${tag}, 1 core`, net, "training", train, 1, variant),
      { name: `${tag}, 1 core, inference`, value: r1(infer), unit: "img/s" },
      ...limit(`${tag}, 1 core`, net, "inference", infer, 1, variant),
    );
  };
  if (cores === 1) oneCore(await trainRate(model, STEPS), inferRate(model, INFER_BATCHES, INFER_BATCH));
  else {
    // The replicas train a model of their own, built the same way, so that each figure's steps follow its own. On
    // the native engine the scaling ceiling's replicas (processes) and PyTorch (processes) take their turns too.
    const shared = net.build();
    let pool: WorkerPool | undefined, solos: TurnTakers | undefined, solosFailed: string | undefined;
    let torch: TurnTakers | undefined, torchFailed: string | undefined;
    const batches = splitRows(BATCH, cores).map(([from, to]) => to - from);
    const torchModes: TorchMode[] = variant === "bf16" ? ["nhwc-bf16"] : ["nchw-f32", "nhwc-f32"];
    const compareTorch = engine === "native" && torchMissing() === null;
    try {
      if (engine === "native") {
        solos = await startSolos(net, batches).catch((e) => void (solosFailed = (e as Error).message));
      }
      if (compareTorch) {
        torch = await startTorch(net, torchModes, cores).catch((e) => void (torchFailed = (e as Error).message));
      }
      pool = await createWorkerPool(shared, cores - 1);
      const train = await pairedTrainRates(
        model,
        shared,
        pool,
        solos && { takers: solos, batches },
        torch && { takers: torch, modes: torchModes },
      );
      // Processes whose turns failed are ended, not waited for; one failing at its end loses its own figures only.
      const end = async (takers: TurnTakers | undefined, failed: boolean) => {
        if (failed) return void await takers?.kill();
        return await takers?.close().then(() => undefined, (e: Error) => e.message);
      };
      const soloEnd = await end(solos, !!train.independent && "skipped" in train.independent);
      const torchEnd = await end(torch, !!train.torch && !(train.torch instanceof Map));
      if (soloEnd) train.independent = { skipped: soloEnd };
      if (torchEnd) train.torch = { skipped: torchEnd };
      oneCore(train.oneCore, inferRate(model, INFER_BATCHES, INFER_BATCH), turnsNote(train.turns[0]), train.turns[0]);
      const infer = await poolInferRate(shared, pool);
      measure(label, net, "replicas", { rate: train.replicas, turns: train.turns[1] }, infer);
      out.push(
        ...rates(
          `${tag}, ${cores} replicas (main thread + workers)`,
          net,
          train.replicas,
          infer,
          cores,
          variant,
          turnsNote(train.turns[1]),
          engine === "native" && variant === "f32" && cores === 2 && net.moonshot ? net.moonshot : undefined,
        ),
      );
      const independent = train.independent ?? (solosFailed ? { skipped: solosFailed } : undefined);
      if (independent) out.push(...independentFigures(label, net, cores, variant, independent));
      if (compareTorch) {
        const turns = train.torch ?? { skipped: torchFailed ?? "not run" };
        out.push(...torchTurnFigures(label, net, torchModes, turns, cores));
      }
    } finally {
      await solos?.kill(); // ended already, unless something failed
      await torch?.kill();
      pool?.terminate();
      shared.dispose();
    }
    if (engine === "native" && variant === "f32") {
      setNativeThreads(cores);
      const train = await trainRate(model, STEPS), infer = inferRate(model, INFER_BATCHES, INFER_BATCH);
      setNativeThreads(nativeThreadsPerReplica());
      out.push(...rates(`${tag}, 1 replica, ${cores} library threads`, net, train, infer, cores, variant));
    }
  }
  model.dispose();
  return out;
}

/**
 * The native engine's figures with bfloat16 convolution operands, pushed to `entries` as each network is measured;
 * one "skipped" entry with oneDNN's reason where this CPU has no bfloat16 convolution.
 */
async function bf16Figures(entries: BenchEntry[]): Promise<void> {
  try {
    await withNativePrecision("bf16", () =>
      withConvAlgorithm("direct", async () => {
        for (const net of NETWORKS) entries.push(...await engineFigures("native", net, "bf16"));
      }));
  } catch (e) {
    entries.push({ name: "train: native, bf16", value: "skipped", unit: "", note: (e as Error).message });
  }
}

/**
 * The native engine's figures with float32 Winograd convolutions, pushed to `entries`; one "skipped" entry where
 * oneDNN has no Winograd on this CPU (the setting would run everything direct).
 */
async function winogradFigures(entries: BenchEntry[], lib: NativeLibraries): Promise<void> {
  const impl = convPrimitive(lib, same3x3([8, 14, 14, 64], 64), "forward+bias+relu", "f32", "winograd").impl;
  if (!/wino/.test(impl)) {
    entries.push({ name: "train: native, winograd", value: "skipped", unit: "", note: `no Winograd here: ${impl}` });
    return;
  }
  await withConvAlgorithm("winograd", async () => {
    for (const net of NETWORKS) entries.push(...await engineFigures("native", net, "winograd"));
  });
}

/** PyTorch's settings in `torch_cnn.py` (MODES): how the figures name them, and the precision of their products. */
const TORCH_MODES = {
  "nchw-f32": { label: "pytorch, NCHW f32", precision: "f32" },
  "nhwc-f32": { label: "pytorch, channels-last f32", precision: "f32" },
  "nhwc-bf16": { label: "pytorch, channels-last bf16 autocast", precision: "bf16" },
} as const;
/** One of {@linkcode TORCH_MODES}. */
type TorchMode = keyof typeof TORCH_MODES;

/** The note of PyTorch's figures: its version (when known), threads and batch. */
const torchNote = (threads: number, batch: number, version?: string) =>
  `PyTorch${version ? ` ${version}` : ""}, ${threads} threads, batch ${batch}; comparison only`;

/** The PyTorch modes whose training was timed in turns in this run (or tried). */
const torchTimed = new Set<TorchMode>();

/**
 * PyTorch's training figures (on `threads` threads) from its turns beside the native engine's figures labelled `label`
 * (each mode's images/s over its turns), named for that label: the ratios against PyTorch are read from them.
 */
function torchTurnFigures(
  label: string,
  net: Network,
  modes: TorchMode[],
  turns: TorchTurns,
  threads: number,
): BenchEntry[] {
  return modes.flatMap((mode) => {
    torchTimed.add(mode);
    const { label: torchLabel, precision } = TORCH_MODES[mode];
    const tag = `train: ${torchLabel}, ${net.key}, in turns with ${label}`, name = `${tag}, training`;
    if (!(turns instanceof Map)) {
      return [{ name, value: "skipped", unit: "", note: `comparison only: ${turns.skipped}` }];
    }
    const { rate, turns: each } = turns.get(mode)!;
    measured.set(`${torchLabel}|${net.key}|turns with ${label}|training`, { rate, turns: each });
    const note = `${torchNote(threads, BATCH)}; ${turnsNote(each)} (${TURN_SECONDS} s each)`;
    return [
      { name, value: r1(rate), unit: "img/s", note },
      ...limit(tag, net, "training", rate, threads, precision),
    ];
  });
}

/**
 * PyTorch's inference (Debian's python3-torch) on the same networks and threads as ours, when /usr/bin/python3 has it,
 * in its default layout, channels-last and channels-last under bfloat16 autocast; its training is timed in turns with
 * the native figures ({@linkcode torchTurnFigures}), and a mode that was not (one core, no native engine, no
 * bfloat16 convolutions) gets a "skipped" entry that says so.
 */
function torchFigures(threads: number): BenchEntry[] {
  const script = new URL("./torch_cnn.py", import.meta.url).pathname;
  let text: string;
  try {
    const missing = torchMissing();
    if (missing) throw new Error(missing);
    const r = new Deno.Command(PYTHON, {
      args: [script, ...[threads, BATCH, INFER_BATCH, 0, 0].map(String)],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    if (r.code !== 0) throw new Error(new TextDecoder().decode(r.stderr).trim().split("\n").pop());
    text = new TextDecoder().decode(r.stdout);
  } catch (e) {
    return [{ name: "train: pytorch", value: "skipped", unit: "", note: `comparison only: ${(e as Error).message}` }];
  }
  const r = JSON.parse(text);
  return Object.entries(TORCH_MODES).flatMap(([mode, { label, precision }]) =>
    NETWORKS.flatMap((net) => {
      const infer = r[mode][net.torch].infer;
      measured.set(`${label}|${net.key}|threads|inference`, { rate: infer });
      return [
        {
          name: `train: ${label}, ${net.key}, inference`,
          value: r1(infer),
          unit: "img/s",
          note: torchNote(threads, INFER_BATCH, r.torch),
        },
        ...limit(`train: ${label}, ${net.key}`, net, "inference", infer, threads, precision),
      ];
    })
  ).concat(
    (Object.keys(TORCH_MODES) as TorchMode[]).filter((mode) => !torchTimed.has(mode)).map((mode) => ({
      name: `train: ${TORCH_MODES[mode].label}, training`,
      value: "skipped",
      unit: "",
      note: "timed only in turns with the native engine's replicas and their counterpart setting: needs the native " +
        "engine, 2 cores or more (and bfloat16 convolutions for the bf16 mode)",
    })),
  );
}

/** Issue 23's target for two replicas (one per core) over one core, on either network (given on two cores only). */
const SCALING_TARGET = 1.8;

/**
 * The ratios the engine's targets are read from, each from figures of this run: two replicas against one core, and
 * the independent replicas against one core (the most the replicas could reach here, give or take the share of Adam
 * each process runs alone);
 * the native engine on all cores (one replica per core) against PyTorch on as many threads in the same precision,
 * against PyTorch's default layout and against the faster of its two layouts (float32). A training ratio's figures
 * were timed in turns, round after round, so its note gives each round's ratio too and its target counts the turns
 * that met it ({@linkcode pairedRatio}); the targets (issue 23) are read against PyTorch's faster layout.
 */
function ratioFigures(): BenchEntry[] {
  const out: BenchEntry[] = [];
  const get = (k: string) => measured.get(k);
  const twoCores = helperWorkers() + 1 === 2;
  // `notes`: the ratio's own, after its turns' ratios; empty ones are left out.
  const ratio = (name: string, a: Figure | undefined, b: Figure | undefined, notes: string[], target?: number) => {
    if (a === undefined || b === undefined) return;
    const r = pairedRatio(a, b, target);
    out.push({
      name,
      value: r.value,
      unit: "x",
      target: r.target,
      note: [r.turns, ...notes].filter(Boolean).join("; "),
    });
  };
  for (const net of NETWORKS) {
    for (const label of ["native", "native, winograd", "native, bf16"]) {
      ratio(
        `train: ratio, ${label}, ${net.key}, training, ${helperWorkers() + 1} replicas / 1 core`,
        get(`${label}|${net.key}|replicas|training`),
        get(`${label}|${net.key}|1 core|training`),
        [],
        twoCores ? SCALING_TARGET : undefined,
      );
      ratio(
        `train: ratio, ${label}, ${net.key}, training, ${helperWorkers() + 1} independent replicas / 1 core`,
        get(`${label}|${net.key}|independent|training`),
        get(`${label}|${net.key}|1 core|training`),
        ["the replicas' ceiling here: nothing exchanged, only the machine shared (each runs all of Adam)"],
      );
    }
    for (const kind of ["training", "inference"] as const) {
      const ours = (label: string) => get(`${label}|${net.key}|replicas|${kind}`);
      // Training: PyTorch's turns beside that label's figures; inference: its one run.
      const torch = (mode: TorchMode, label: string) =>
        get(`${TORCH_MODES[mode].label}|${net.key}|${kind === "training" ? `turns with ${label}` : "threads"}|${kind}`);
      const turns = kind === "training" ? "PyTorch timed in turns with these figures" : "";
      for (const label of ["native", "native, winograd"]) {
        const nchw = torch("nchw-f32", label), nhwc = torch("nhwc-f32", label);
        ratio(
          `train: ratio, ${label} / ${TORCH_MODES["nchw-f32"].label}, ${net.key}, ${kind}`,
          ours(label),
          nchw,
          [turns],
        );
        ratio(
          `train: ratio, ${label} / pytorch's faster f32 layout, ${net.key}, ${kind}`,
          ours(label),
          nchw === undefined || nhwc === undefined ? undefined : nchw.rate >= nhwc.rate ? nchw : nhwc,
          [label === "native" ? "" : "PyTorch's CPU convolutions run the direct algorithm", turns],
          twoCores ? net.overTorch[kind] : undefined,
        );
      }
      ratio(
        `train: ratio, native, bf16 / ${TORCH_MODES["nhwc-bf16"].label}, ${net.key}, ${kind}`,
        ours("native, bf16"),
        torch("nhwc-bf16", "native, bf16"),
        ["PyTorch's autocast runs its dense layers in bfloat16 too; ours, the convolutions only", turns],
      );
    }
  }
  return out;
}

/** The stock wasm backend (XNNPACK, no replacement kernels) on the 4-conv CNN: training is unsupported there. */
async function stockWasmFigures(): Promise<BenchEntry[]> {
  const out: BenchEntry[] = [];
  await initBackend({ backend: "wasm", fastConvGradients: false, engine: "wasm" });
  const model = fourConvCnn({ seed: 1 });
  let stock: number | string;
  try {
    stock = r1(await trainRate(model, 1, 0));
  } catch (e) {
    stock = "unsupported";
    out.push({
      name: "train: stock wasm, training",
      value: stock,
      unit: "img/s",
      note: String((e as Error).message).slice(0, 80),
    });
  }
  if (typeof stock === "number") out.push({ name: "train: stock wasm, training", value: stock, unit: "img/s" });
  out.push({ name: "train: stock wasm, inference", value: r1(inferRate(model, 8)), unit: "img/s" });
  model.dispose();
  return out;
}

/** The engines `BENCH_TRAIN_ENGINES` asks for (comma-separated "wasm", "native"; default both). */
function enginesToBench(): EngineName[] {
  const v = Deno.env.get("BENCH_TRAIN_ENGINES") ?? "wasm,native";
  const names = v.split(",").map((e) => e.trim()).filter(Boolean);
  const bad = names.filter((e) => e !== "wasm" && e !== "native");
  if (bad.length) throw new Error(`BENCH_TRAIN_ENGINES: unknown engine(s) ${bad.join(", ")}; expected wasm, native`);
  return names as EngineName[];
}

const r1 = (v: number) => +v.toFixed(1);

/** Training-engine figures. */
export const trainSuite: BenchSuite = {
  name: "train",
  async run(): Promise<BenchEntry[]> {
    const entries: BenchEntry[] = [];
    const load = Deno.loadavg()[0];
    const note = `4-conv CNN, batch ${BATCH}, load avg ${load.toFixed(2)} at start`;

    // Entries are also printed as they come, so a run cut short still shows them.
    const push = entries.push.bind(entries);
    entries.push = (...es: BenchEntry[]) => {
      es.forEach((e) => console.error(`  ${e.name}: ${e.value} ${e.unit}${e.note ? ` (${e.note})` : ""}`));
      return push(...es);
    };
    let model: tf.LayersModel;
    if (!Deno.env.get("BENCH_TRAIN_SKIP_CPU")) {
      await initBackend({ backend: "cpu" });
      model = fourConvCnn({ seed: 1 });
      // One batch of 16 is enough to show the order of magnitude (a batch of 64 takes minutes).
      entries.push({
        name: "train: stock cpu, training",
        value: r1(await trainRate(model, 1, 0, 16)),
        unit: "img/s",
        note: `batch 16; ${note}`,
      });
      entries.push({
        name: "train: stock cpu, inference",
        value: r1(inferRate(model, 1, 16, false)),
        unit: "img/s",
        note: "one batch of 16",
      });
      model.dispose();
    }

    const engines = enginesToBench();
    if (engines.includes("wasm")) entries.push(...await stockWasmFigures());
    const lib = engines.includes("native") ? loadNativeQuietly() : null;
    if (lib) {
      // The machine's limit, in the same run as the networks: the faster library's sgemm on one core and on all,
      // and oneDNN's bfloat16 matmul (AMX where the CPU has it), which the bf16 figures are read against.
      for (const cores of new Set([1, helperWorkers() + 1])) {
        const rate = { openblas: sgemmRate(lib, "openblas", cores), onednn: sgemmRate(lib, "onednn", cores) };
        peaks.set(`f32|${cores}`, Math.max(rate.openblas, rate.onednn));
        const s = cores > 1 ? "s" : "";
        entries.push({
          name: `train: sgemm peak, ${cores} core${s}`,
          value: r1(peaks.get(`f32|${cores}`)!),
          unit: "GMAC/s",
          note: `1024 x 1024 x 1024 on ${cores} thread(s), best of 3: OpenBLAS ${rate.openblas.toFixed(1)}, ` +
            `oneDNN ${rate.onednn.toFixed(1)}`,
        });
        try {
          const bf16 = matmulRate(lib, "bf16", cores);
          peaks.set(`bf16|${cores}`, bf16.gmacs);
          entries.push({
            name: `train: bf16 matmul peak, ${cores} core${s}`,
            value: r1(bf16.gmacs),
            unit: "GMAC/s",
            note: `oneDNN matmul (${bf16.impl}), bfloat16 operands, float32 result, 1024 x 1024 x 1024 on ${cores} ` +
              "thread(s), best of 3",
          });
        } catch (e) {
          const note = (e as Error).message;
          entries.push({ name: `train: bf16 matmul peak, ${cores} core${s}`, value: "skipped", unit: "", note });
        }
      }
    }
    for (const engine of engines) {
      if (engine === "native" && !lib) {
        entries.push({ name: "train: native engine", value: "skipped", unit: "", note: NATIVE_INSTALL_HINT });
        continue;
      }
      await initBackend({ backend: "wasm", engine });
      // The study's setting: float32, direct, whatever the shell has set.
      await withConvAlgorithm("direct", async () => {
        for (const net of NETWORKS) entries.push(...await engineFigures(engine, net));
      });
      if (engine === "native") {
        await winogradFigures(entries, lib!);
        await bf16Figures(entries);
      }
    }
    entries.push(...torchFigures(helperWorkers() + 1));
    entries.push(...ratioFigures());
    await initBackend({ backend: "wasm" });

    // Holdout accuracy after each of the first epochs on the real data.
    const epochs = Number(Deno.env.get("BENCH_TRAIN_EPOCHS") ?? 2);
    if (epochs <= 0) return entries;
    const { train, holdout } = stratifiedSplit(await loadTrain());
    // The study's recipe (lib/study/training.ts), BatchNorm momentum 0.9 included: at Keras' 0.99 the moving
    // variance still remembers its initial value after two epochs, and the holdout accuracy stays near chance.
    model = fourConvCnn({ seed: 1, batchNormMomentum: 0.9 });
    const workers = helperWorkers();
    const t0 = performance.now();
    const history = await fit(model, train, {
      ...recipeFitOptions(epochs, 1),
      validation: holdout,
      workers,
      progress: "log",
    });
    history.valAccuracy.forEach((acc, i) =>
      entries.push({
        name: `train: holdout accuracy after epoch ${i + 1}/${epochs}`,
        value: +acc.toFixed(4),
        unit: "accuracy",
        note: `${((performance.now() - t0) / 60000).toFixed(1)} min total on the ${activeEngine()} engine; ` +
          "Adam one-cycle 3e-3, smoothing 0.1",
      })
    );
    model.dispose();
    return entries;
  },
};
