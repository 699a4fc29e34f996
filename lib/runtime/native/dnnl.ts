/**
 * Convolutions on oneDNN (2.x C API) over NHWC activations and HWIO filters
 * that live anywhere in memory, e.g. on the tfjs wasm heap: the caller passes
 * pointers, nothing is copied. Primitives are created once per shape and
 * cached; oneDNN picks its fastest implementation (on AVX-512 `brgconv`)
 * with its own blocked filter layout, and a cached reorder primitive converts
 * the HWIO filter (or its gradient) to and from that layout on every call.
 * In bfloat16 (`NOISY_DIGITS_PRECISION=bf16`) the same reorders also round
 * the convolution's activation operands into bfloat16 copies, in a scratch
 * buffer shared by all convolutions or, for a copy a later convolution of
 * the training step reads again, kept until then; outputs and the filter's
 * gradient stay float32. By Winograd (`NOISY_DIGITS_CONV_ALGORITHM=winograd`,
 * float32) the activations it reads are reordered the same way into the
 * primitive's blocked layout, and the ones it writes go through a scratch
 * buffer and a reorder back to NHWC.
 *
 * Every oneDNN status other than success becomes an `Error` naming the call
 * and the `dnnl_status_t` (e.g. `dnnl_unimplemented`).
 *
 * @example
 * ```ts
 * import { loadNative } from "./library.ts";
 * const lib = loadNative();
 * const x = new Float32Array(64 * 28 * 28), filter = new Float32Array(3 * 3 * 32), y = new Float32Array(64 * 28 * 28 * 32);
 * const pad = { top: 1, bottom: 1, left: 1, right: 1 };
 * const spec = { x: [64, 28, 28, 1], filter: [3, 3, 1, 32], y: [64, 28, 28, 32], strides: [1, 1], dilations: [1, 1], pad };
 * if (lib) {
 *   const conv = convPrimitive(lib, spec as ConvSpec, "forward");
 *   conv.run([x, filter, y].map((a) => Deno.UnsafePointer.of(a)));
 * }
 * ```
 *
 * @module
 */

import {
  type ConvAlgorithm,
  nativeConvAlgorithm,
  type NativeLibraries,
  type NativePrecision,
  nativePrecision,
  nativeThreads,
} from "./library.ts";
import { DNNL, DNNL_STATUS } from "./symbols.ts";

type Dnnl = NativeLibraries["dnnl"];
type Ptr = Deno.PointerValue;
/** NHWC activations `[n, h, w, c]` or HWIO filters `[fh, fw, in, out]`. */
export type Shape4 = [number, number, number, number];

/** Throws a JavaScript error for a failed oneDNN call. */
export function check(status: number, what: string): void {
  if (status === 0) return;
  const name = DNNL_STATUS[status] ?? `status ${status}`;
  throw new Error(`oneDNN ${what} failed: ${name}`);
}

/** oneDNN's data type for values in `precision`. */
function dataType(precision: NativePrecision): number {
  return precision === "bf16" ? DNNL.bf16 : DNNL.f32;
}

/** Room for oneDNN 2.x structs passed by pointer (`dnnl_memory_desc_t` is about 1 kB, op descs under 10 kB). */
const MD_BYTES = 4096, OP_BYTES = 16384;
const ALLOCATE = Deno.UnsafePointer.create(0xffff_ffff_ffff_ffffn); // DNNL_MEMORY_ALLOCATE

function handleOut(): BigUint64Array {
  return new BigUint64Array(1);
}
function handle(b: BigUint64Array): Ptr {
  return Deno.UnsafePointer.create(b[0]);
}
function dims(v: number[]): BigInt64Array {
  return new BigInt64Array(v.map(BigInt));
}

interface Context {
  dnnl: Dnnl;
  engine: Ptr;
  stream: Ptr;
  /**
   * Scratch for the copies of a convolution's activations in its own layout or precision: slots 0 and 1 for the
   * operands it reads (a filter gradient reads two), slot 2 for an output it writes in its own layout (Winograd),
   * grown on demand and shared by every cached convolution: calls on one library handle run one at a time.
   */
  scratch: Aligned[];
  /** Copies kept for a later convolution of the same step (see {@linkcode ConvPrimitive.run}). */
  copies: CopyStore;
  /**
   * Max-pooling workspaces a training forward pass kept for its gradient, by the forward's output data
   * ({@linkcode PoolGradPrimitive.forward}), and buffers of dropped ones for the next.
   */
  workspaces: { kept: Map<object, { key: string; ws: Aligned }>; free: Aligned[]; reused: number };
}

/** A buffer and `at`, its first 64-byte boundary (where data starts). */
interface Aligned {
  buffer: Uint8Array;
  at: Ptr;
}

/**
 * The copies of activations in a convolution's own precision or layout (bfloat16; Winograd's blocked layout) that
 * one convolution makes and a later one of the same training step reads again: a forward pass's input (read again by
 * the filter gradient) and a masked `dy` (read by the input gradient, then the filter gradient). Keyed by the
 * caller's identity of the float32 data (tfjs' `dataId`: data that never changes under one id), and read only by a
 * convolution whose descriptor for it is equal (`dnnl_memory_desc_equal`). A copy is dropped when taken, and the
 * oldest first beyond {@linkcode COPY_BYTES}; dropped buffers are reused, so that a step does not page in fresh memory.
 */
interface CopyStore {
  kept: Map<object, Aligned & { md: Uint8Array }>;
  free: Aligned[];
  bytes: number;
  /** Conversions made and avoided (for the tests). */
  converted: number;
  reused: number;
}

/**
 * Bytes of copies kept at most per library handle (a best-network step at batch 64 keeps about 10 MB in bfloat16,
 * twice that or more in Winograd's float32 blocked layout).
 */
const COPY_BYTES = 256 * 2 ** 20;
const contexts = new WeakMap<Dnnl, Context>();

function context(dnnl: Dnnl): Context {
  let c = contexts.get(dnnl);
  if (c) return c;
  const e = handleOut(), s = handleOut();
  check(dnnl.dnnl_engine_create(e, DNNL.engineCpu, 0n), "dnnl_engine_create");
  check(dnnl.dnnl_stream_create(s, handle(e), DNNL.streamDefault), "dnnl_stream_create");
  c = {
    dnnl,
    engine: handle(e),
    stream: handle(s),
    scratch: [0, 1, 2].map(() => ({ buffer: new Uint8Array(0), at: null })),
    copies: { kept: new Map(), free: [], bytes: 0, converted: 0, reused: 0 },
    workspaces: { kept: new Map(), free: [], reused: 0 },
  };
  contexts.set(dnnl, c);
  return c;
}

/** An NHWC activation as oneDNN's logical NCHW with NHWC strides. */
function activationMd(dnnl: Dnnl, [n, h, w, c]: Shape4, type: number = DNNL.f32): Uint8Array {
  const md = new Uint8Array(MD_BYTES);
  check(
    dnnl.dnnl_memory_desc_init_by_strides(md, 4, dims([n, c, h, w]), type, dims([h * w * c, 1, w * c, c])),
    "dnnl_memory_desc_init_by_strides (activation)",
  );
  return md;
}

/** An HWIO filter as oneDNN's logical OIHW with HWIO strides. */
function filterMd(dnnl: Dnnl, [fh, fw, ci, co]: Shape4): Uint8Array {
  const md = new Uint8Array(MD_BYTES);
  check(
    dnnl.dnnl_memory_desc_init_by_strides(
      md,
      4,
      dims([co, ci, fh, fw]),
      DNNL.f32,
      dims([1, co, fw * ci * co, ci * co]),
    ),
    "dnnl_memory_desc_init_by_strides (filter)",
  );
  return md;
}

/** A memory descriptor of shape `d` in `type` and the format `tag` names (by default: any, the primitive's pick). */
function tagMd(dnnl: Dnnl, d: number[], type: number = DNNL.f32, tag: number = DNNL.formatAny): Uint8Array {
  const md = new Uint8Array(MD_BYTES);
  check(dnnl.dnnl_memory_desc_init_by_tag(md, d.length, dims(d), type, tag), "dnnl_memory_desc_init_by_tag");
  return md;
}

function vectorMd(dnnl: Dnnl, n: number): Uint8Array {
  const md = new Uint8Array(MD_BYTES);
  check(dnnl.dnnl_memory_desc_init_by_strides(md, 1, dims([n]), DNNL.f32, dims([1])), "memory_desc (bias)");
  return md;
}

function memory(ctx: Context, md: Uint8Array | Ptr, data: Ptr = null): Ptr {
  const b = handleOut();
  const desc = md instanceof Uint8Array ? md : new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(md!, MD_BYTES));
  check(ctx.dnnl.dnnl_memory_create(b, desc, ctx.engine, data), "dnnl_memory_create");
  return handle(b);
}

function primitiveDesc(ctx: Context, op: Uint8Array, attr: Ptr, hint: Ptr, what: string): Ptr {
  const b = handleOut();
  check(ctx.dnnl.dnnl_primitive_desc_create(b, op, attr, ctx.engine, hint), `dnnl_primitive_desc_create (${what})`);
  return handle(b);
}

function primitive(ctx: Context, pd: Ptr, what: string): Ptr {
  const b = handleOut();
  check(ctx.dnnl.dnnl_primitive_create(b, pd), `dnnl_primitive_create (${what})`);
  return handle(b);
}

/** The implementation oneDNN chose, e.g. "brgconv:avx512_core". */
function implName(ctx: Context, pd: Ptr): string {
  const b = handleOut();
  check(ctx.dnnl.dnnl_primitive_desc_query(pd, DNNL.queryImplInfoStr, 0, b), "dnnl_primitive_desc_query");
  return b[0] ? new Deno.UnsafePointerView(handle(b)!).getCString() : "?";
}

/** A primitive with its argument memories; `run` sets their data pointers and executes. */
class Executable {
  readonly #args: BigUint64Array;
  constructor(private ctx: Context, private prim: Ptr, private mems: Ptr[], argIds: number[]) {
    this.#args = new BigUint64Array(argIds.length * 2);
    argIds.forEach((id, i) => {
      this.#args[2 * i] = BigInt(id);
      this.#args[2 * i + 1] = BigInt(Deno.UnsafePointer.value(mems[i]));
    });
  }
  /** Executes with `data[i]` as the i-th memory's pointer (null keeps a library-allocated buffer). */
  run(data: Ptr[], what: string): void {
    const d = this.ctx.dnnl;
    data.forEach((p, i) => {
      if (p !== null) check(d.dnnl_memory_set_data_handle(this.mems[i], p), `dnnl_memory_set_data_handle (${what})`);
    });
    check(
      d.dnnl_primitive_execute(this.prim, this.ctx.stream, this.mems.length, new Uint8Array(this.#args.buffer)),
      `dnnl_primitive_execute (${what})`,
    );
  }
}

function reorder(ctx: Context, from: Uint8Array | Ptr, to: Uint8Array | Ptr, fromMem: Ptr, toMem: Ptr): Executable {
  const b = handleOut();
  const view = (m: Uint8Array | Ptr) =>
    m instanceof Uint8Array ? m : new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(m!, MD_BYTES));
  check(
    ctx.dnnl.dnnl_reorder_primitive_desc_create(b, view(from), ctx.engine, view(to), ctx.engine, null),
    "dnnl_reorder_primitive_desc_create",
  );
  return new Executable(ctx, primitive(ctx, handle(b), "reorder"), [fromMem, toMem], [DNNL.argSrc, DNNL.argDst]);
}

/** Resolved spatial padding, in pixels. */
export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const padKey = (p: Padding) => `${p.top},${p.bottom},${p.left},${p.right}`;

/**
 * The primitive cached under `key` and the native thread count now set, for this library handle, created on first use.
 * oneDNN fixes a primitive's threads when it creates it: a convolution created under one thread ran single-threaded
 * after `setNativeThreads(2)` (a best-network step 196.8 ms at 1 thread, 195.5 at 2), one created under two threads
 * ran at 122.9 ms, and still two-threaded after `setNativeThreads(1)`. So a primitive is reused only under the count
 * it was made for.
 */
function cached<T>(store: WeakMap<Dnnl, Map<string, T>>, dnnl: Dnnl, key: string, create: (ctx: Context) => T): T {
  let perLib = store.get(dnnl);
  if (!perLib) store.set(dnnl, perLib = new Map());
  const keyNow = `${nativeThreads()}|${key}`;
  let p = perLib.get(keyNow);
  if (!p) perLib.set(keyNow, p = create(context(dnnl)));
  return p;
}

/** Geometry of a 2-D convolution, as tfjs resolves it. */
export interface ConvSpec {
  /** Input `[n, h, w, ci]`. */
  x: Shape4;
  /** Filter `[fh, fw, ci, co]`. */
  filter: Shape4;
  /** Output `[n, oh, ow, co]`. */
  y: Shape4;
  strides: [number, number];
  /** tfjs dilations (1 = none). */
  dilations: [number, number];
  pad: Padding;
}

/** A cached convolution: forward (optionally bias + relu), input gradient or filter gradient. */
export interface ConvPrimitive {
  /** oneDNN's implementation name. */
  readonly impl: string;
  /**
   * forward: x, filter, (bias), y; input: dy, filter, dx; filter: x, dy, dFilter, (dBias). `ids`: the identities of the
   * activation operands' data (x; dy; x and dy), so that in bfloat16 or by Winograd a forward pass under a gradient
   * and an input gradient keep their copies for the filter gradient, which reads and drops them; without `ids`,
   * nothing is kept. A kept copy nothing reads is dropped when its data is freed ({@linkcode dropConvCopy}).
   */
  run(data: Ptr[], ids?: object[]): void;
}

/** The kinds of convolution primitives. */
export type ConvKind =
  | "forward"
  | "forward+bias"
  | "forward+bias+relu"
  | "forward+relu"
  | "input"
  | "filter"
  | "filter+bias";

const cache = new WeakMap<Dnnl, Map<string, ConvPrimitive>>();

/** `xType` / `yType`: the data types of the input (or its gradient) and the output (or its gradient). */
function opDesc(
  ctx: Context,
  spec: ConvSpec,
  kind: ConvKind,
  weights: Uint8Array,
  bias: Uint8Array | null,
  xType: number = DNNL.f32,
  yType: number = DNNL.f32,
  winograd = false,
): Uint8Array {
  const d = ctx.dnnl, op = new Uint8Array(OP_BYTES);
  const strides = dims(spec.strides), dil = dims(spec.dilations.map((v) => v - 1));
  const padL = dims([spec.pad.top, spec.pad.left]), padR = dims([spec.pad.bottom, spec.pad.right]);
  // Winograd works on oneDNN's blocked activations: the primitive picks their layout.
  const act = (shape: Shape4, type: number) =>
    winograd ? tagMd(d, [shape[0], shape[3], shape[1], shape[2]], type) : activationMd(d, shape, type);
  const x = act(spec.x, xType), y = act(spec.y, yType);
  const alg = winograd ? DNNL.convolutionWinograd : DNNL.convolutionDirect;
  if (kind === "input") {
    check(
      d.dnnl_dilated_convolution_backward_data_desc_init(
        op,
        alg,
        x,
        weights,
        y,
        strides,
        dil,
        padL,
        padR,
      ),
      "dnnl_dilated_convolution_backward_data_desc_init",
    );
  } else if (kind === "filter" || kind === "filter+bias") {
    check(
      d.dnnl_dilated_convolution_backward_weights_desc_init(
        op,
        alg,
        x,
        weights,
        bias,
        y,
        strides,
        dil,
        padL,
        padR,
      ),
      "dnnl_dilated_convolution_backward_weights_desc_init",
    );
  } else {
    check(
      d.dnnl_dilated_convolution_forward_desc_init(
        op,
        DNNL.forwardTraining,
        alg,
        x,
        weights,
        bias,
        y,
        strides,
        dil,
        padL,
        padR,
      ),
      "dnnl_dilated_convolution_forward_desc_init",
    );
  }
  return op;
}

function reluAttr(ctx: Context): Ptr {
  const a = handleOut(), p = handleOut();
  check(ctx.dnnl.dnnl_primitive_attr_create(a), "dnnl_primitive_attr_create");
  check(ctx.dnnl.dnnl_post_ops_create(p), "dnnl_post_ops_create");
  check(ctx.dnnl.dnnl_post_ops_append_eltwise(handle(p), 1, DNNL.eltwiseRelu, 0, 0), "dnnl_post_ops_append_eltwise");
  check(ctx.dnnl.dnnl_primitive_attr_set_post_ops(handle(a), handle(p)), "dnnl_primitive_attr_set_post_ops");
  return handle(a);
}

/**
 * The cached primitive for `spec` and `kind` (created on first use), its operands in `precision` (default:
 * {@linkcode nativePrecision}, from `NOISY_DIGITS_PRECISION`) and by `algorithm` (default:
 * {@linkcode nativeConvAlgorithm}, from `NOISY_DIGITS_CONV_ALGORITHM`).
 */
export function convPrimitive(
  lib: NativeLibraries,
  spec: ConvSpec,
  kind: ConvKind,
  precision: NativePrecision = nativePrecision(),
  algorithm: ConvAlgorithm = nativeConvAlgorithm(),
): ConvPrimitive {
  const winograd = algorithm === "winograd" && winogradFits(spec, precision);
  const key = [kind, precision, winograd, spec.x, spec.filter, spec.y, spec.strides, spec.dilations, padKey(spec.pad)]
    .join("|");
  return cached(cache, lib.dnnl, key, (ctx) => {
    try {
      return createConv(ctx, spec, kind, precision, winograd);
    } catch (e) {
      if (!winograd || !/dnnl_unimplemented/.test((e as Error).message)) throw e;
      return createConv(ctx, spec, kind, precision, false); // no Winograd for this convolution on this CPU
    }
  });
}

/** The geometry of a same-padded 3x3, stride-1 convolution of the NHWC input `x` to `co` channels. */
export function same3x3(x: Shape4, co: number): ConvSpec {
  return {
    x,
    filter: [3, 3, x[3], co],
    y: [x[0], x[1], x[2], co],
    strides: [1, 1],
    dilations: [1, 1],
    pad: { top: 1, bottom: 1, left: 1, right: 1 },
  };
}

/**
 * Whether a convolution is one the Winograd setting applies to: float32, 3x3, stride 1, 16+ channels each side
 * (oneDNN may still refuse some channel counts; those run direct).
 */
function winogradFits(spec: ConvSpec, precision: NativePrecision): boolean {
  const [fh, fw, ci, co] = spec.filter;
  return precision === "f32" && fh === 3 && fw === 3 && spec.strides.every((v) => v === 1) &&
    spec.dilations.every((v) => v === 1) && ci >= 16 && co >= 16;
}

/**
 * An activation the convolution reads: the caller's float32 NHWC memory itself, or a copy in the primitive's own
 * layout or precision (bfloat16; Winograd's blocked layout) that `feed` writes (oneDNN's reorder; to bfloat16 it
 * rounds to nearest even) before each run, into the context's scratch `slot` or, for an operand with an identity
 * `id`, into a copy kept for a later convolution (`keep`), or reads one kept earlier (dropping it unless `keep`).
 * `feed` returns the pointer the convolution's memory `mem` is to read.
 */
interface Operand {
  mem: Ptr;
  feed(data: Ptr, what: string, id?: object, keep?: boolean): Ptr;
}

/** Whether `a` holds `bytes` from its 64-byte boundary (see {@linkcode aligned}). */
const holds = (a: Aligned, bytes: number) => a.buffer.byteLength >= bytes + 64;

/** A buffer of `bytes` from a 64-byte boundary (64 bytes more than needed). */
function aligned(bytes: number): Aligned {
  const buffer = new Uint8Array(bytes + 64), base = Deno.UnsafePointer.of(buffer as Uint8Array<ArrayBuffer>)!;
  return {
    buffer,
    at: Deno.UnsafePointer.offset(base, (64 - Number(BigInt(Deno.UnsafePointer.value(base)) % 64n)) % 64),
  };
}

/** The start of scratch `slot`, grown first to hold `bytes`. */
function scratchAt(ctx: Context, slot: number, bytes: number): Ptr {
  if (!holds(ctx.scratch[slot], bytes)) ctx.scratch[slot] = aligned(bytes);
  return ctx.scratch[slot].at;
}

/**
 * Drops the copy kept under `id`; its buffer goes to the free list (the 16 most recent are kept). A convolution may
 * still read a copy it has just dropped (a filter gradient takes x's, then feeds dy): that is safe because nothing
 * between the drop and the run takes a buffer from the free list (only `keepCopy` does, and a filter gradient keeps
 * nothing) and at most two drops per call cannot push it out of the list.
 */
function drop(store: CopyStore, id: object): void {
  const c = store.kept.get(id)!;
  store.kept.delete(id);
  store.bytes -= c.buffer.byteLength;
  store.free.push(c);
  if (store.free.length > 16) store.free.shift();
}

/** Room for a copy of `bytes` kept under `id`: the smallest free buffer that holds it, or a new one. */
function keepCopy(store: CopyStore, id: object, bytes: number, md: Uint8Array): Ptr {
  while (store.kept.size && store.bytes + bytes + 64 > COPY_BYTES) drop(store, store.kept.keys().next().value!);
  let best = -1;
  store.free.forEach((b, i) => {
    if (holds(b, bytes) && (best < 0 || b.buffer.byteLength < store.free[best].buffer.byteLength)) {
      best = i;
    }
  });
  const room = best >= 0 ? store.free.splice(best, 1)[0] : aligned(bytes);
  store.kept.set(id, { ...room, md });
  store.bytes += room.buffer.byteLength;
  return room.at;
}

/**
 * The operand of an activation of `shape` that the primitive reads in `md` (queried from it); `own`: whether `md` is
 * the caller's float32 NHWC layout itself. A kept copy serves only a convolution that reads the same descriptor.
 */
function operand(ctx: Context, shape: Shape4, md: Ptr, own: boolean, slot: number): Operand {
  const user = memory(ctx, activationMd(ctx.dnnl, shape));
  const store = ctx.copies;
  if (own) {
    const feed = (data: Ptr, _what: string, id?: object, keep?: boolean) => {
      // A copy kept by a convolution of another layout that this one was to take: no longer wanted.
      if (id && !keep && store.kept.has(id)) drop(store, id);
      return data;
    };
    return { mem: user, feed };
  }
  const copyMd = mdView(md), copyMem = memory(ctx, copyMd);
  const convert = reorder(ctx, activationMd(ctx.dnnl, shape), copyMd, user, copyMem);
  const bytes = Number(ctx.dnnl.dnnl_memory_desc_get_size(copyMd));
  return {
    mem: copyMem,
    feed(data, what, id, keep = false) {
      const hit = id === undefined ? undefined : store.kept.get(id);
      if (hit && ctx.dnnl.dnnl_memory_desc_equal(hit.md, copyMd)) {
        store.reused++;
        if (!keep) drop(store, id!);
        return hit.at;
      }
      if (hit) drop(store, id!); // another layout's copy: replaced below or left dropped
      const copy = id !== undefined && keep ? keepCopy(store, id, bytes, copyMd) : scratchAt(ctx, slot, bytes);
      convert.run([data, copy], what);
      store.converted++;
      return copy;
    },
  };
}

/**
 * An output activation of `shape` that the primitive writes in `md`: into the caller's float32 NHWC memory itself
 * (`own`), or into scratch slot 2 and from there by a reorder into the caller's memory. `target(data)` is the
 * pointer to give the primitive, `finish(data)` moves the result into `data` after it ran.
 */
function output(ctx: Context, shape: Shape4, md: Ptr, own: boolean) {
  const user = memory(ctx, activationMd(ctx.dnnl, shape));
  if (own) return { mem: user, target: (data: Ptr) => data, finish: (_data: Ptr, _what: string) => {} };
  const ownMd = mdView(md), ownMem = memory(ctx, ownMd);
  const back = reorder(ctx, ownMd, activationMd(ctx.dnnl, shape), ownMem, user);
  const bytes = Number(ctx.dnnl.dnnl_memory_desc_get_size(ownMd));
  return {
    mem: ownMem,
    target: (_data: Ptr) => scratchAt(ctx, 2, bytes),
    finish: (data: Ptr, what: string) => back.run([scratchAt(ctx, 2, bytes), data], what),
  };
}

/** A view of the memory descriptor at `p`, inside a primitive descriptor (cached, so never destroyed). */
function mdView(p: Ptr): Uint8Array {
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p!, MD_BYTES));
}

/** Drops the copy kept on `lib` for the data `id` (called when tfjs frees that data). */
export function dropConvCopy(lib: NativeLibraries, id: object): void {
  const store = contexts.get(lib.dnnl)?.copies;
  if (store?.kept.has(id)) drop(store, id);
}

/**
 * How many copies of activations in their own precision or layout the convolutions on `lib` made, how many they
 * read again (`reused`), and the bytes kept now: what {@linkcode ConvPrimitive.run}'s identities save.
 */
export function convCopyCounts(lib: NativeLibraries): { converted: number; reused: number; keptBytes: number } {
  const s = context(lib.dnnl).copies;
  return { converted: s.converted, reused: s.reused, keptBytes: s.bytes };
}

function createConv(
  ctx: Context,
  spec: ConvSpec,
  kind: ConvKind,
  precision: NativePrecision,
  winograd: boolean,
): ConvPrimitive {
  const d = ctx.dnnl, f32 = DNNL.f32, low = dataType(precision);
  const [fh, fw, ci, co] = spec.filter;
  const plainW = filterMd(d, spec.filter), wAny = tagMd(d, [co, ci, fh, fw], low);
  const what = `convolution ${kind} ${spec.x.join("x")} * ${spec.filter.join("x")}` +
    (low === f32 ? "" : ` (${precision})`) + (winograd ? " (Winograd)" : "");
  // Backward primitives need the forward one as a hint. Outputs and the filter's gradient stay float32.
  let pd: Ptr;
  try {
    const fwdPd = primitiveDesc(
      ctx,
      opDesc(ctx, spec, "forward", wAny, null, low, f32, winograd),
      null,
      null,
      "convolution forward",
    );
    const hasBias = kind.includes("bias"), relu = kind.endsWith("relu");
    if (kind === "forward") pd = fwdPd;
    else if (kind === "input" || kind === "filter" || kind === "filter+bias") {
      const op = kind === "input"
        ? opDesc(ctx, spec, kind, wAny, null, f32, low, winograd)
        : opDesc(ctx, spec, kind, tagMd(d, [co, ci, fh, fw]), hasBias ? vectorMd(d, co) : null, low, low, winograd);
      pd = primitiveDesc(ctx, op, null, fwdPd, `convolution ${kind} gradient`);
    } else {
      const op = opDesc(ctx, spec, kind, wAny, hasBias ? vectorMd(d, co) : null, low, f32, winograd);
      pd = primitiveDesc(ctx, op, relu ? reluAttr(ctx) : null, null, `convolution ${kind}`);
    }
  } catch (e) {
    if (low === f32 || !/dnnl_unimplemented/.test((e as Error).message)) throw e;
    throw new Error(
      `NOISY_DIGITS_PRECISION=${precision}: oneDNN has no ${precision} ${what} on this CPU ` +
        `(no bfloat16 implementation of it for this CPU; unset NOISY_DIGITS_PRECISION for float32): ${
          (e as Error).message
        }`,
    );
  }
  const impl = implName(ctx, pd);
  const blockedMd = d.dnnl_primitive_desc_query_md(
    pd,
    kind === "filter" || kind === "filter+bias" ? DNNL.queryDiffWeightsMd : DNNL.queryWeightsMd,
    0,
  );
  if (!blockedMd) throw new Error("oneDNN: convolution has no weights memory descriptor");
  const plainMem = memory(ctx, plainW), blockedMem = memory(ctx, blockedMd, ALLOCATE);
  const prim = primitive(ctx, pd, `convolution ${kind}`);
  const wait = () => check(d.dnnl_stream_wait(ctx.stream), "dnnl_stream_wait");
  // Activations the primitive reads or writes, in its layout and precision; the caller's own when they are float32
  // NHWC (direct float32).
  const own = precision === "f32" && !winograd;
  const md = (query: number) => d.dnnl_primitive_desc_query_md(pd, query, 0);
  if (kind === "filter" || kind === "filter+bias") {
    const x = operand(ctx, spec.x, md(DNNL.querySrcMd), own, 0);
    const dy = operand(ctx, spec.y, md(DNNL.queryDiffDstMd), own, 1);
    const mems = [x.mem, dy.mem, blockedMem], args: number[] = [DNNL.argSrc, DNNL.argDiffDst, DNNL.argDiffWeights];
    if (kind === "filter+bias") {
      mems.push(memory(ctx, vectorMd(d, co)));
      args.push(DNNL.argDiffBias);
    }
    const conv = new Executable(ctx, prim, mems, args);
    const back = reorder(ctx, blockedMd, plainW, blockedMem, plainMem);
    return {
      impl,
      run([xData, dyData, dFilter, ...dBias], ids) {
        if (dBias.length !== (kind === "filter+bias" ? 1 : 0)) throw new Error(`${what}: the bias gradient's pointer`);
        conv.run([x.feed(xData, what, ids?.[0]), dy.feed(dyData, what, ids?.[1]), null, ...dBias], what);
        back.run([null, dFilter], what);
        wait();
      },
    };
  }
  // The filter, from HWIO float32 to the primitive's blocked layout (and precision) on every call.
  const toBlocked = reorder(ctx, plainW, blockedMd, plainMem, blockedMem);
  if (kind === "input") {
    const dy = operand(ctx, spec.y, md(DNNL.queryDiffDstMd), own, 0);
    const dx = output(ctx, spec.x, md(DNNL.queryDiffSrcMd), !winograd);
    const conv = new Executable(ctx, prim, [dy.mem, blockedMem, dx.mem], [
      DNNL.argDiffDst,
      DNNL.argWeights,
      DNNL.argDiffSrc,
    ]);
    return {
      impl,
      run([dyData, filter, dxData], ids) {
        toBlocked.run([filter, null], what);
        conv.run([dy.feed(dyData, what, ids?.[0], true), null, dx.target(dxData)], what);
        dx.finish(dxData, what);
        wait();
      },
    };
  }
  const x = operand(ctx, spec.x, md(DNNL.querySrcMd), own, 0);
  const y = output(ctx, spec.y, md(DNNL.queryDstMd), !winograd);
  const mems = [x.mem, blockedMem], ids: number[] = [DNNL.argSrc, DNNL.argWeights];
  if (kind.includes("bias")) {
    mems.push(memory(ctx, vectorMd(d, co)));
    ids.push(DNNL.argBias);
  }
  mems.push(y.mem);
  ids.push(DNNL.argDst);
  const conv = new Executable(ctx, prim, mems, ids);
  return {
    impl,
    run([xData, filter, ...rest], ids) {
      toBlocked.run([filter, null], what);
      const yData = rest.at(-1)!;
      conv.run([x.feed(xData, what, ids?.[0], true), null, ...rest.slice(0, -1), y.target(yData)], what);
      y.finish(yData, what);
      wait();
    },
  };
}

/** Geometry of a 2-D max pooling, as tfjs resolves it (NHWC). */
export interface PoolSpec {
  x: Shape4;
  y: Shape4;
  window: [number, number];
  strides: [number, number];
  pad: Padding;
}

/**
 * A cached max pooling for training: `forward` (under a gradient) writes the output and keeps where each maximum is
 * (oneDNN's workspace) under the output's data `id`; `run([x, dy, dx])`, the gradient, reads that workspace when
 * `id` (the forward output's data) has one, else runs the forward pass again into buffers of its own first.
 */
export interface PoolGradPrimitive {
  readonly impl: string;
  forward(x: Ptr, y: Ptr, id: object): void;
  run(data: Ptr[], id?: object): void;
}

const poolCache = new WeakMap<Dnnl, Map<string, PoolGradPrimitive>>();

/**
 * The gradient of a max pooling, as oneDNN computes it: a forward pass in
 * training mode records where each maximum is (its workspace, in a buffer
 * of its own), then the backward pass routes `dy` there.
 */
export function maxPoolGradPrimitive(lib: NativeLibraries, spec: PoolSpec): PoolGradPrimitive {
  const key = `${spec.x}|${spec.y}|${spec.window}|${spec.strides}|${padKey(spec.pad)}`;
  return cached(poolCache, lib.dnnl, key, (ctx) => createMaxPoolGrad(ctx, spec, key));
}

function createMaxPoolGrad(ctx: Context, spec: PoolSpec, key: string): PoolGradPrimitive {
  const d = ctx.dnnl;
  const xMd = activationMd(d, spec.x), yMd = activationMd(d, spec.y);
  const strides = dims(spec.strides), kernel = dims(spec.window);
  const padL = dims([spec.pad.top, spec.pad.left]), padR = dims([spec.pad.bottom, spec.pad.right]);
  const fwdOp = new Uint8Array(OP_BYTES), bwdOp = new Uint8Array(OP_BYTES);
  check(
    d.dnnl_pooling_forward_desc_init(
      fwdOp,
      DNNL.forwardTraining,
      DNNL.poolingMax,
      xMd,
      yMd,
      strides,
      kernel,
      padL,
      padR,
    ),
    "dnnl_pooling_forward_desc_init",
  );
  check(
    d.dnnl_pooling_backward_desc_init(bwdOp, DNNL.poolingMax, xMd, yMd, strides, kernel, padL, padR),
    "dnnl_pooling_backward_desc_init",
  );
  const fwdPd = primitiveDesc(ctx, fwdOp, null, null, "max pooling forward");
  const bwdPd = primitiveDesc(ctx, bwdOp, null, fwdPd, "max pooling backward");
  const wsMd = d.dnnl_primitive_desc_query_md(fwdPd, DNNL.queryWorkspaceMd, 0);
  if (!wsMd) throw new Error("oneDNN: max pooling has no workspace");
  const ws = memory(ctx, wsMd, ALLOCATE), yOwn = memory(ctx, yMd, ALLOCATE);
  const xMem = memory(ctx, xMd), dyMem = memory(ctx, yMd), dxMem = memory(ctx, xMd);
  const fwdPrim = primitive(ctx, fwdPd, "max pooling forward");
  const bwdPrim = primitive(ctx, bwdPd, "max pooling backward");
  const fwd = new Executable(ctx, fwdPrim, [xMem, yOwn, ws], [DNNL.argSrc, DNNL.argDst, DNNL.argWorkspace]);
  const bwd = new Executable(ctx, bwdPrim, [dyMem, ws, dxMem], [DNNL.argDiffDst, DNNL.argWorkspace, DNNL.argDiffSrc]);
  // The same primitives over the caller's output and a kept workspace (memories of their own, so that `fwd` and `bwd`
  // above keep their library-allocated buffers).
  const kept = memory(ctx, wsMd), yUser = memory(ctx, yMd), x2 = memory(ctx, xMd), dy2 = memory(ctx, yMd);
  const dx2 = memory(ctx, xMd);
  const fwdKeep = new Executable(ctx, fwdPrim, [x2, yUser, kept], [DNNL.argSrc, DNNL.argDst, DNNL.argWorkspace]);
  const bwdKept = new Executable(ctx, bwdPrim, [dy2, kept, dx2], [
    DNNL.argDiffDst,
    DNNL.argWorkspace,
    DNNL.argDiffSrc,
  ]);
  const wsBytes = Number(d.dnnl_memory_desc_get_size(mdView(wsMd)));
  const what = `max pooling gradient ${spec.x.join("x")}`;
  const store = ctx.workspaces;
  const wait = () => check(d.dnnl_stream_wait(ctx.stream), "dnnl_stream_wait");
  return {
    impl: implName(ctx, bwdPd),
    forward(x, y, id) {
      const i = store.free.findIndex((b) => holds(b, wsBytes));
      const room = i >= 0 ? store.free.splice(i, 1)[0] : aligned(wsBytes);
      fwdKeep.run([x, y, room.at], what);
      wait();
      store.kept.set(id, { key, ws: room });
    },
    run([x, dy, dx], id) {
      const k = id === undefined ? undefined : store.kept.get(id);
      if (k?.key === key) {
        bwdKept.run([dy, k.ws.at, dx], what);
        store.reused++;
      } else {
        fwd.run([x, null, null], what);
        bwd.run([dy, null, dx], what);
      }
      wait();
    },
  };
}

/** How many max-pooling gradients on `lib` read a kept workspace, and how many workspaces are kept now. */
export function poolWorkspaceCounts(lib: NativeLibraries): { reused: number; kept: number } {
  const s = context(lib.dnnl).workspaces;
  return { reused: s.reused, kept: s.kept.size };
}

/** Drops the max-pooling workspace kept on `lib` for the data `id` (called when tfjs frees that data). */
export function dropPoolWorkspace(lib: NativeLibraries, id: object): void {
  const store = contexts.get(lib.dnnl)?.workspaces;
  const k = store?.kept.get(id);
  if (!k) return;
  store!.kept.delete(id);
  store!.free.push(k.ws);
  if (store!.free.length > 16) store!.free.shift();
}

/** A cached ReLU gradient over `n` values: `run([y, dy, dx])` sets `dx = y > 0 ? dy : 0`. */
export interface ReluGradPrimitive {
  readonly impl: string;
  run(data: Ptr[]): void;
}

const reluCache = new WeakMap<Dnnl, Map<string, ReluGradPrimitive>>();

/**
 * The gradient of a ReLU from its output, as oneDNN's eltwise backward: ReLU's derivative at its input is 1
 * exactly where its output is positive, so the output stands in for the input. Values are taken as one flat
 * vector (the operation is elementwise, any layout).
 */
export function reluGradPrimitive(lib: NativeLibraries, n: number): ReluGradPrimitive {
  return cached(reluCache, lib.dnnl, String(n), (ctx) => createReluGrad(ctx, n));
}

function createReluGrad(ctx: Context, n: number): ReluGradPrimitive {
  const d = ctx.dnnl, md = vectorMd(d, n);
  const fwdOp = new Uint8Array(OP_BYTES), bwdOp = new Uint8Array(OP_BYTES);
  check(
    d.dnnl_eltwise_forward_desc_init(fwdOp, DNNL.forwardTraining, DNNL.eltwiseRelu, md, 0, 0),
    "dnnl_eltwise_forward_desc_init",
  );
  check(d.dnnl_eltwise_backward_desc_init(bwdOp, DNNL.eltwiseRelu, md, md, 0, 0), "dnnl_eltwise_backward_desc_init");
  const fwdPd = primitiveDesc(ctx, fwdOp, null, null, "relu forward");
  const bwdPd = primitiveDesc(ctx, bwdOp, null, fwdPd, "relu backward");
  const mems = [memory(ctx, md), memory(ctx, md), memory(ctx, md)];
  const bwd = new Executable(ctx, primitive(ctx, bwdPd, "relu backward"), mems, [
    DNNL.argSrc,
    DNNL.argDiffDst,
    DNNL.argDiffSrc,
  ]);
  const what = `relu gradient of ${n} values`;
  return {
    impl: implName(ctx, bwdPd),
    run(data) {
      bwd.run(data, what);
      check(d.dnnl_stream_wait(ctx.stream), "dnnl_stream_wait");
    },
  };
}

/** A cached batch normalization with given statistics: `run([x, mean, variance, scale?, shift?, y])`. */
export interface BatchNormPrimitive {
  readonly impl: string;
  run(data: Ptr[]): void;
}

/** Geometry of a batch normalization over channels-last values: `rows` values of `channels` channels. */
export interface BatchNormSpec {
  rows: number;
  channels: number;
  epsilon: number;
  scale: boolean;
  shift: boolean;
}

const batchNormCache = new WeakMap<Dnnl, Map<string, BatchNormPrimitive>>();

/**
 * `y = (x - mean) / sqrt(variance + epsilon) * scale + shift` per channel, as oneDNN's batch normalization with
 * global statistics (the mean and variance are given, as tfjs' `FusedBatchNorm` gives them).
 */
export function batchNormPrimitive(lib: NativeLibraries, spec: BatchNormSpec): BatchNormPrimitive {
  const key = `${spec.rows}|${spec.channels}|${spec.epsilon}|${spec.scale}|${spec.shift}`;
  return cached(batchNormCache, lib.dnnl, key, (ctx) => createBatchNorm(ctx, spec));
}

function createBatchNorm(ctx: Context, spec: BatchNormSpec): BatchNormPrimitive {
  const d = ctx.dnnl, { rows, channels: c } = spec;
  // As an NHWC activation [rows, 1, 1, c]: oneDNN's optimised batch normalizations take channels-last 4-D data.
  const dataMd = activationMd(d, [rows, 1, 1, c]);
  const flags = DNNL.useGlobalStats | (spec.scale ? DNNL.useScale : 0) | (spec.shift ? DNNL.useShift : 0);
  const op = new Uint8Array(OP_BYTES);
  check(
    d.dnnl_batch_normalization_forward_desc_init(op, DNNL.forwardInference, dataMd, spec.epsilon, flags),
    "dnnl_batch_normalization_forward_desc_init",
  );
  const pd = primitiveDesc(ctx, op, null, null, "batch normalization");
  const vec = () => memory(ctx, vectorMd(d, c));
  const mems = [memory(ctx, dataMd), vec(), vec()], ids: number[] = [DNNL.argSrc, DNNL.argMean, DNNL.argVariance];
  if (spec.scale) mems.push(vec()), ids.push(DNNL.argScale);
  if (spec.shift) mems.push(vec()), ids.push(DNNL.argShift);
  mems.push(memory(ctx, dataMd));
  ids.push(DNNL.argDst);
  const bn = new Executable(ctx, primitive(ctx, pd, "batch normalization"), mems, ids);
  const what = `batch normalization of ${rows} x ${c}`;
  return {
    impl: implName(ctx, pd),
    run(data) {
      bn.run(data, what);
      check(d.dnnl_stream_wait(ctx.stream), "dnnl_stream_wait");
    },
  };
}

/**
 * A cached batch normalization in training, over the batch's own statistics, with a scale and a shift:
 * `forward([x, scale, shift, y, mean, variance])` normalises `x` and writes the batch's per-channel mean and
 * (biased) variance; `backward([x, mean, variance, dy, scale, dx, dScale, dShift])` is its full gradient, the
 * statistics' dependence on `x` included.
 */
export interface BatchNormTrainingPrimitive {
  readonly impl: string;
  forward(data: Ptr[]): void;
  backward(data: Ptr[]): void;
}

const batchNormTrainingCache = new WeakMap<Dnnl, Map<string, BatchNormTrainingPrimitive>>();

/** {@linkcode BatchNormTrainingPrimitive} for `rows` values of `channels` channels (channels last). */
export function batchNormTrainingPrimitive(
  lib: NativeLibraries,
  spec: { rows: number; channels: number; epsilon: number },
): BatchNormTrainingPrimitive {
  const key = `${spec.rows}|${spec.channels}|${spec.epsilon}`;
  return cached(batchNormTrainingCache, lib.dnnl, key, (ctx) => createBatchNormTraining(ctx, spec));
}

function createBatchNormTraining(
  ctx: Context,
  spec: { rows: number; channels: number; epsilon: number },
): BatchNormTrainingPrimitive {
  const d = ctx.dnnl, { rows, channels: c, epsilon } = spec;
  const dataMd = activationMd(d, [rows, 1, 1, c]); // channels-last 4-D, as createBatchNorm
  const flags = DNNL.useScale | DNNL.useShift;
  const fwdOp = new Uint8Array(OP_BYTES), bwdOp = new Uint8Array(OP_BYTES);
  check(
    d.dnnl_batch_normalization_forward_desc_init(fwdOp, DNNL.forwardTraining, dataMd, epsilon, flags),
    "dnnl_batch_normalization_forward_desc_init (training)",
  );
  check(
    d.dnnl_batch_normalization_backward_desc_init(bwdOp, DNNL.backward, dataMd, dataMd, epsilon, flags),
    "dnnl_batch_normalization_backward_desc_init",
  );
  const fwdPd = primitiveDesc(ctx, fwdOp, null, null, "batch normalization (training)");
  const bwdPd = primitiveDesc(ctx, bwdOp, null, fwdPd, "batch normalization backward");
  const data = () => memory(ctx, dataMd), vec = () => memory(ctx, vectorMd(d, c));
  const fwd = new Executable(ctx, primitive(ctx, fwdPd, "batch normalization (training)"), [
    data(),
    vec(),
    vec(),
    data(),
    vec(),
    vec(),
  ], [DNNL.argSrc, DNNL.argScale, DNNL.argShift, DNNL.argDst, DNNL.argMean, DNNL.argVariance]);
  const bwd = new Executable(ctx, primitive(ctx, bwdPd, "batch normalization backward"), [
    data(),
    vec(),
    vec(),
    data(),
    vec(),
    vec(),
    data(),
    vec(),
    vec(),
  ], [
    DNNL.argSrc,
    DNNL.argMean,
    DNNL.argVariance,
    DNNL.argDiffDst,
    DNNL.argScale,
    DNNL.argShift,
    DNNL.argDiffSrc,
    DNNL.argDiffScale,
    DNNL.argDiffShift,
  ]);
  const what = `batch normalization (training) of ${rows} x ${c}`;
  return {
    impl: implName(ctx, bwdPd),
    forward(ptrs) {
      fwd.run(ptrs, what);
      check(d.dnnl_stream_wait(ctx.stream), "dnnl_stream_wait");
    },
    backward([x, mean, variance, dy, scale, dx, dScale, dShift]) {
      // oneDNN 2.6 asks for the shift too, though the gradients do not depend on it: the scale's memory stands in.
      bwd.run([x, mean, variance, dy, scale, scale, dx, dScale, dShift], `${what}, backward`);
      check(d.dnnl_stream_wait(ctx.stream), "dnnl_stream_wait");
    },
  };
}

/** A matrix product on buffers of its own: `run()` computes one; for measuring a product rate. */
export interface OwnBuffersMatmul {
  /** oneDNN's implementation name, e.g. "brg:avx512_core_amx_bf16". */
  readonly impl: string;
  /** Computes one product (and waits for it). */
  run(): void;
}

const matmulCache = new WeakMap<Dnnl, Map<string, OwnBuffersMatmul>>();

/**
 * `c = a b` for `size` x `size` matrices on oneDNN's matmul primitive with `a` and `b` in `precision` (the second
 * operand in the layout the primitive picks) and `c` in float32, all in buffers oneDNN owns (their values are never
 * read back): what a product costs in that precision on this CPU, e.g. with AMX for bfloat16. Cached per size and
 * precision, as the convolutions.
 */
export function ownBuffersMatmul(lib: NativeLibraries, size: number, precision: NativePrecision): OwnBuffersMatmul {
  return cached(matmulCache, lib.dnnl, `${size}|${precision}`, (ctx) => createMatmul(ctx, size, precision));
}

function createMatmul(ctx: Context, size: number, precision: NativePrecision): OwnBuffersMatmul {
  const d = ctx.dnnl, type = dataType(precision), shape = [size, size];
  const aMd = tagMd(d, shape, type, DNNL.formatAb), cMd = tagMd(d, shape, DNNL.f32, DNNL.formatAb);
  const op = new Uint8Array(OP_BYTES);
  check(d.dnnl_matmul_desc_init(op, aMd, tagMd(d, shape, type), null, cMd), "dnnl_matmul_desc_init");
  const pd = primitiveDesc(ctx, op, null, null, `matmul (${precision})`);
  const bMd = d.dnnl_primitive_desc_query_md(pd, DNNL.queryWeightsMd, 0);
  if (!bMd) throw new Error("oneDNN: matmul has no weights memory descriptor");
  const mems = [memory(ctx, aMd, ALLOCATE), memory(ctx, bMd, ALLOCATE), memory(ctx, cMd, ALLOCATE)];
  const exec = new Executable(ctx, primitive(ctx, pd, "matmul"), mems, [DNNL.argSrc, DNNL.argWeights, DNNL.argDst]);
  return {
    impl: implName(ctx, pd),
    run() {
      exec.run([null, null, null], `matmul ${size} x ${size} (${precision})`);
      check(d.dnnl_stream_wait(ctx.stream), "dnnl_stream_wait");
    },
  };
}

/** Values per call of {@linkcode expInPlace}'s primitive (one primitive serves every length). */
const EXP_CHUNK = 1 << 20;
const expCache = new WeakMap<Dnnl, Map<string, Executable>>();

/**
 * `x[i] = exp(x[i])` for every value, in place, by oneDNN's vectorised eltwise exponential in chunks of 2^20 values
 * (the tail in JavaScript); the RBF kernels take 81 M exponentials at 9,000 samples.
 */
export function expInPlace(lib: NativeLibraries, x: Float32Array): void {
  const exec = cached(expCache, lib.dnnl, "exp", (ctx) => {
    const d = ctx.dnnl, md = vectorMd(d, EXP_CHUNK);
    const op = new Uint8Array(OP_BYTES);
    check(
      d.dnnl_eltwise_forward_desc_init(op, DNNL.forwardInference, DNNL.eltwiseExp, md, 0, 0),
      "dnnl_eltwise_forward_desc_init",
    );
    const pd = primitiveDesc(ctx, op, null, null, "exp forward");
    return new Executable(ctx, primitive(ctx, pd, "exp forward"), [memory(ctx, md), memory(ctx, md)], [
      DNNL.argSrc,
      DNNL.argDst,
    ]);
  });
  const whole = Math.floor(x.length / EXP_CHUNK) * EXP_CHUNK;
  const base = Deno.UnsafePointer.of(x);
  for (let start = 0; start < whole; start += EXP_CHUNK) {
    const p = Deno.UnsafePointer.offset(base!, start * 4);
    exec.run([p, p], "exp");
  }
  if (whole > 0) check(lib.dnnl.dnnl_stream_wait(context(lib.dnnl).stream), "dnnl_stream_wait");
  for (let i = whole; i < x.length; i++) x[i] = Math.exp(x[i]);
}
