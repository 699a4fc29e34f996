/**
 * An optional PCA followed by an SVC (scikit-learn's `make_pipeline(PCA, SVC)`),
 * fitted once and cached under `outputs/models/` so that re-running a
 * notebook reloads it instead of refitting when nothing changed.
 *
 * @module
 */

import { type Dataset, requireLabels } from "../data/dataset.ts";
import { outputPath } from "../data/paths.ts";
import type { Matrix } from "../data/matrix.ts";
import { asMatrix } from "../data/matrix.ts";
import { PCA, type PCAOptions } from "../decomposition/pca.ts";
import { SVC, type SVCOptions } from "./svm.ts";
import { fitOrLoad, loadSvm } from "./svm_io.ts";
import type { Classifier } from "../data/classifier.ts";

/** Options of {@linkcode fitPipeline}. */
export interface PipelineOptions {
  /** PCA before the SVM (default none). */
  pca?: PCAOptions;
  /** The SVM. */
  svc: SVCOptions;
  /** Cache file name under `outputs/models/` (default: none, always fit). */
  cacheName?: string;
}

/** A fitted pipeline; a {@linkcode Classifier} like every model of the study. */
export interface SvmPipeline extends Classifier {
  pca?: PCA;
  svc: SVC;
  /** Seconds of the fit that produced it (PCA + SVM), even when reloaded. */
  fitSeconds: number;
  /** True when it came from the cache. */
  loaded: boolean;
  /** Its file under `outputs/models/` (`<cacheName>.bin`), when it is saved. */
  savedAs?: string;
  /** Predicted labels. */
  predict(x: Matrix | Dataset): Promise<Int32Array>;
}

/**
 * The key of a training set in a pipeline's cache key: count, a hash of the labels and a sum of every 97th pixel
 * (cheap; `datasetFingerprint` in `lib/data/fingerprint.ts` hashes every value, for the networks' caches).
 */
export function pipelineDataKey(ds: Dataset): string {
  let h = 0;
  const labels = ds.labels ?? new Uint8Array();
  for (let i = 0; i < labels.length; i++) h = (Math.imul(h, 31) + labels[i]) | 0;
  let s = 0;
  for (let i = 0; i < ds.pixels.length; i += 97) s += ds.pixels[i];
  return `${ds.count}:${h}:${s.toFixed(3)}`;
}

/**
 * Fits (or reloads) PCA + SVC on a labelled dataset.
 *
 * @example
 * ```ts
 * import type { Split } from "../data/split.ts";
 * declare const split: Split;
 * const model = await fitPipeline(split.train, { pca: { nComponents: 150, whiten: true }, svc: { C: 10, gamma: 0.005 } });
 * const predicted = await model.predict(split.holdout);
 * ```
 */
export async function fitPipeline(train: Dataset, options: PipelineOptions): Promise<SvmPipeline> {
  const fit = async () => {
    const t0 = performance.now();
    const pca = options.pca ? new PCA(options.pca) : undefined;
    const x = pca ? await pca.fitTransform(train) : asMatrix(train);
    const svc = await new SVC(options.svc).fit(x, requireLabels(train));
    return { svc, pca, fitSeconds: (performance.now() - t0) / 1000 };
  };
  let result: { svc: SVC; pca?: PCA; loaded: boolean; fitSeconds: number };
  if (options.cacheName) {
    const key = JSON.stringify({ pca: options.pca ?? null, svc: options.svc, data: pipelineDataKey(train) });
    result = await fitOrLoad(outputPath("models", `${options.cacheName}.bin`), key, fit);
  } else result = { ...(await fit()), loaded: false };
  const { svc, pca, loaded, fitSeconds } = result;
  return {
    svc,
    pca,
    loaded,
    fitSeconds,
    ...(options.cacheName ? { savedAs: `${options.cacheName}.bin` } : {}),
    predict: async (x) => await svc.predict(pca ? await pca.transform(x) : x),
    dispose() {},
  };
}

/**
 * The pipeline saved at `path` (by {@linkcode fitPipeline} or `saveSvm`) as a classifier, or null when `path` is not
 * a file (a saved network is a directory).
 */
export async function openSavedPipeline(path: string): Promise<SvmPipeline | null> {
  const info = await Deno.stat(path).catch(() => null);
  if (!info?.isFile) return null;
  const { svc, pca, fitSeconds } = await loadSvm(path);
  return {
    svc,
    pca,
    loaded: true,
    fitSeconds,
    predict: async (x) => await svc.predict(pca ? await pca.transform(x) : x),
    dispose() {},
  };
}
