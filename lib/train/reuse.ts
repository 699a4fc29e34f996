/**
 * Train once, reuse afterwards: a trained model is saved under
 * `outputs/models/<name>/` with its history, wall time and a key describing
 * how it was trained. Re-running a notebook cell (or the whole notebook after
 * a kernel restart) loads it instead of training again, as long as the key is
 * the same; a different recipe, profile or dataset trains anew. Models of a
 * run profile other than `full` live under `outputs/models/<profile>/<name>/`,
 * so a `smoke` check never overwrites an hour of `full` training.
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * import { fourConvCnn } from "../networks/cnn.ts";
 * declare const train: Dataset, holdout: Dataset;
 * const run = await trainOrLoad("four-conv-cnn", {
 *   build: () => fourConvCnn({ seed: 1 }),
 *   train,
 *   fit: { epochs: 12, validation: holdout },
 *   key: { recipe: "adam-onecycle", epochs: 12 },
 * });
 * run.model; run.history; run.seconds; run.loaded;
 * ```
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import type { Dataset } from "../data/dataset.ts";
import { outputsDir } from "../data/paths.ts";
import { datasetFingerprint } from "../data/fingerprint.ts";
import { writeFileAtomic } from "../util/fs.ts";
import type { History } from "./callbacks.ts";
import { fit, type FitOptions } from "./fit.ts";
import { loadNetwork, modelExists, readModelMeta, saveNetwork } from "./io.ts";

/** A trained (or re-loaded) model and how it was trained. */
export interface TrainedModel {
  model: tf.LayersModel;
  history: History;
  /** Training wall time in seconds (of the original training when loaded). */
  seconds: number;
  /** True when the model came from disk. */
  loaded: boolean;
  /** Directory it is saved in. */
  dir: string;
  /** Its path under `outputs/models/`: the name, after `<profile>/` unless the profile is `full`. */
  name: string;
}

/** Options of {@linkcode trainOrLoad}. */
export interface TrainOrLoadOptions {
  /** Builds a fresh, compiled-or-not model. */
  build: () => tf.LayersModel;
  /** Training set. */
  train: Dataset;
  /** Options of {@linkcode fit} (checkpoints default to `<dir>/checkpoint`). */
  fit?: FitOptions;
  /** Anything JSON that identifies the recipe; a change retrains. */
  key?: unknown;
  /** Always train, ignoring a saved model. */
  retrain?: boolean;
  /** Run profile (`smoke`, `quick`, `full`...): other profiles than `full` save in a folder of their own. */
  profile?: string;
}

interface Meta {
  key: string;
  seconds: number;
  date: string;
  history: History;
}

/** Directory of a named model: `<outputs>/models/<name>`. */
export function modelDir(name: string): string {
  return join(outputsDir(), "models", name);
}

function keyOf(options: TrainOrLoadOptions): string {
  const { train } = options;
  return JSON.stringify({ key: options.key ?? null, train: datasetFingerprint(train) });
}

/** Where a profile keeps a named model, relative to `outputs/models/`: `name` for `full`, else `<profile>/name`. */
export function profiledName(name: string, profile?: string): string {
  return !profile || profile === "full" ? name : join(profile, name);
}

/** Trains `build()` on `train` unless a model trained with the same key is saved; saves what it trains. */
export async function trainOrLoad(baseName: string, options: TrainOrLoadOptions): Promise<TrainedModel> {
  const name = profiledName(baseName, options.profile);
  const dir = modelDir(name);
  const key = keyOf(options);
  if (!options.retrain && await modelExists(dir)) {
    let meta: Meta | null = null;
    try {
      meta = (await readModelMeta(dir)) as Meta | null;
    } catch (e) {
      console.warn(`warning: ${e instanceof Error ? e.message : e}; training again`);
    }
    // The key, the history and the weights were saved as one unit, so they belong together.
    if (meta?.key === key) {
      try {
        return { model: await loadNetwork(dir), history: meta.history, seconds: meta.seconds, loaded: true, dir, name };
      } catch (e) {
        console.warn(`warning: ${e instanceof Error ? e.message : e}; training again`);
      }
    }
  }
  // Checkpoints of an interrupted run resume it, but only for the same key.
  const ckptDir = join(dir, "checkpoint");
  const ckptKey = join(ckptDir, "key.json");
  const previous = await Deno.readTextFile(ckptKey).catch(() => null);
  if (previous !== key) {
    await Deno.remove(ckptDir, { recursive: true }).catch(() => {});
    await writeFileAtomic(ckptKey, key);
  }
  const model = options.build();
  const t0 = performance.now();
  const history = await fit(model, options.train, {
    ...options.fit,
    checkpoint: options.fit?.checkpoint ?? { dir: ckptDir },
  });
  const seconds = (performance.now() - t0) / 1000;
  const meta: Meta = { key, seconds, date: new Date().toISOString(), history };
  await saveNetwork(model, dir, { meta });
  return { model, history, seconds, loaded: false, dir, name };
}
