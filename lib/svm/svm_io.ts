/**
 * Saving and loading fitted SVMs (and PCAs) in one binary file: a JSON header
 * followed by the arrays, so a notebook can reload a model instead of
 * refitting it. `fitOrLoad` refits only when the stored key differs.
 *
 * @module
 */

import { dirname } from "node:path";
import { exists, notARegularFile, SavedFileError, writeFileAtomic } from "../util/fs.ts";
import { Checksum } from "../data/fingerprint.ts";
import { PCA } from "../decomposition/pca.ts";
import { SVC, type SVCOptions } from "./svm.ts";

type ArrayKind = "f32" | "f64" | "i32";
type Typed = Float32Array | Float64Array | Int32Array;

/** Packs named typed arrays and a JSON header into bytes. */
function pack(header: unknown, arrays: Typed[]): Uint8Array {
  const kinds: ArrayKind[] = arrays.map((
    a,
  ) => (a instanceof Float32Array ? "f32" : a instanceof Float64Array ? "f64" : "i32"));
  const sum = new Checksum();
  for (const a of arrays) sum.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const meta = new TextEncoder().encode(
    JSON.stringify({ header, arrays: arrays.map((a, i) => [kinds[i], a.length]), checksum: sum.digest() }),
  );
  const padded = Math.ceil((8 + meta.length) / 8) * 8;
  const total = padded + arrays.reduce((s, a) => s + Math.ceil(a.byteLength / 8) * 8, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, meta.length, true);
  out.set(meta, 8);
  let offset = padded;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  return out;
}

function unpack(bytes: Uint8Array, path: string): { header: unknown; arrays: Typed[] } {
  const fail = (problem: string): never => {
    throw new SavedFileError(path, problem);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes: the file is cut or empty`);
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  if (8 + length > bytes.length) fail("the header runs past the end of the file: the file is cut or not a saved SVM");
  // deno-lint-ignore no-explicit-any
  let meta: any;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch {
    fail("the header is not valid JSON: the file is damaged or not a saved SVM");
  }
  if (!Array.isArray(meta?.arrays)) fail("the header lists no arrays: not a saved SVM");
  let offset = Math.ceil((8 + length) / 8) * 8;
  const sum = new Checksum();
  const arrays = (meta.arrays as [ArrayKind, number][]).map(([kind, n]) => {
    const Ctor = kind === "f32" ? Float32Array : kind === "f64" ? Float64Array : Int32Array;
    const end = offset + n * Ctor.BYTES_PER_ELEMENT;
    if (end > bytes.length) fail(`${bytes.length} bytes, the arrays need at least ${end}: the file is cut`);
    const part = bytes.slice(offset, end);
    sum.update(part);
    const a = new Ctor(part.buffer);
    offset += Math.ceil(a.byteLength / 8) * 8;
    return a;
  });
  if (offset !== bytes.length) fail(`${bytes.length} bytes where the header describes ${offset}: damaged`);
  if (meta.checksum !== undefined && meta.checksum !== sum.digest()) fail("the arrays fail their checksum: damaged");
  return { header: meta.header, arrays };
}

/**
 * Writes a fitted SVC (and optional PCA before it) with a cache key and the seconds its fit took (default the SVC's
 * own; a pipeline passes PCA + SVC).
 */
export async function saveSvm(
  path: string,
  svc: SVC,
  pca?: PCA,
  key = "",
  fitSeconds = svc.fitSeconds,
): Promise<void> {
  const { kernel, supportVectors: sv, model } = svc.state;
  const arrays: Typed[] = [sv.data];
  for (const p of model.pairs) arrays.push(p.support, p.coef);
  if (pca) {
    arrays.push(
      Float64Array.from(pca.mean),
      pca.components.data,
      pca.explainedVariance,
      pca.explainedVarianceRatio,
    );
  }
  const header = {
    key,
    options: svc.options,
    fitSeconds,
    kernel,
    sv: [sv.rows, sv.cols],
    classes: model.classes,
    pairs: model.pairs.map((p) => ({
      positive: p.positive,
      negative: p.negative,
      rho: p.rho,
      iterations: p.iterations,
    })),
    pca: pca ? { options: pca.options, shape: [pca.components.rows, pca.components.cols] } : null,
  };
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, pack(header, arrays));
}

/** A loaded model: the SVC, the PCA if one was saved, the stored key and the seconds its fit took. */
export interface LoadedModel {
  svc: SVC;
  pca?: PCA;
  key: string;
  fitSeconds: number;
}

/** Reads a model written by {@linkcode saveSvm}. */
export async function loadSvm(path: string): Promise<LoadedModel> {
  const problem = await notARegularFile(path);
  if (problem) throw new SavedFileError(path, problem);
  // deno-lint-ignore no-explicit-any
  const { header, arrays } = unpack(await Deno.readFile(path), path) as { header: any; arrays: Typed[] };
  let i = 1;
  const pairs = (header.pairs as { positive: number; negative: number; rho: number; iterations: number }[]).map((
    p,
  ) => ({
    ...p,
    support: arrays[i++] as Int32Array,
    coef: arrays[i++] as Float64Array,
  }));
  const svc = SVC.fromState(header.options as SVCOptions, {
    kernel: header.kernel,
    supportVectors: { data: arrays[0] as Float32Array, rows: header.sv[0], cols: header.sv[1] },
    model: { classes: header.classes, pairs },
  }, header.fitSeconds);
  let pca: PCA | undefined;
  if (header.pca) {
    pca = PCA.fromState(header.pca.options, {
      mean: arrays[i++] as Float64Array,
      components: { data: arrays[i++] as Float32Array, rows: header.pca.shape[0], cols: header.pca.shape[1] },
      explainedVariance: arrays[i++] as Float64Array,
      explainedVarianceRatio: arrays[i++] as Float64Array,
    });
  }
  return { svc, pca, key: header.key, fitSeconds: header.fitSeconds };
}

/**
 * Loads the model at `path` when its key equals `key`, else fits one with
 * `fit` and saves it.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * import { outputPath } from "../data/paths.ts";
 * import { SVC, type SVCOptions } from "./svm.ts";
 * declare const key: string, o: SVCOptions, train: Dataset;
 * const fit = async () => ({ svc: await new SVC(o).fit(train) });
 * const { svc } = await fitOrLoad(outputPath("models", "svm_rbf.bin"), key, fit);
 * ```
 */
export async function fitOrLoad(
  path: string,
  key: string,
  fit: () => Promise<{ svc: SVC; pca?: PCA; fitSeconds?: number }>,
): Promise<LoadedModel & { loaded: boolean }> {
  if (await exists(path)) {
    try {
      const stored = await loadSvm(path);
      if (stored.key === key) return { ...stored, loaded: true };
    } catch (e) {
      console.warn(`warning: ${e instanceof Error ? e.message : e}; fitting again`);
    }
  }
  const { svc, pca, fitSeconds = svc.fitSeconds } = await fit();
  await saveSvm(path, svc, pca, key, fitSeconds);
  return { svc, pca, key, fitSeconds, loaded: false };
}
