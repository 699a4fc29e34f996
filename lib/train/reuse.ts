/**
 * Train once, reuse afterwards: a trained model is saved under
 * `outputs/models/<name>/` with its history, wall time and a key describing
 * how it was trained. Re-running a notebook cell (or the whole notebook after
 * a kernel restart) loads it instead of training again, as long as the key is
 * the same; a different recipe, profile, dataset or network trains anew. The
 * network is part of the key ({@linkcode architectureOf}: each layer's class,
 * configuration and weight shapes, and the parameter count), so a change to
 * the code that builds it is never answered with the old weights. A reload
 * says what it reloads and why; a retrain that replaces a saved model says
 * what changed. Models of a
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
  /** JSON of {@linkcode ReuseKey}. */
  key: string;
  seconds: number;
  date: string;
  history: History;
}

/** Directory of a named model: `<outputs>/models/<name>`. */
export function modelDir(name: string): string {
  return join(outputsDir(), "models", name);
}

/** What a saved model is reused for: the recipe, the training data and the network (absent in older saves). */
interface ReuseKey {
  key: unknown;
  train: unknown;
  network?: string;
}

/** The network a model computes, as {@linkcode architectureOf} describes it. */
export interface Architecture {
  /** Trainable and frozen parameters together. */
  parameters: number;
  /** A hash of every layer's class, configuration (names and initialisers left out) and weight shapes. */
  signature: string;
}

const UNNAMED = new Set([
  "name",
  "inbound_nodes",
  "inboundNodes",
  "input_layers",
  "output_layers",
  "seed",
  "trainable",
]);
/**
 * A layer configuration without what differs between two builds of one network, or between a build and a load:
 * names, initialisers and seeds, whether a layer is frozen, settings left unset (null after a load).
 */
function networkConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(networkConfig);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) =>
      v !== null && v !== undefined && !UNNAMED.has(k) && !/initializer$/i.test(k)
    )
      .map(([k, v]) => [k, networkConfig(v)]),
  );
}

/** FNV-1a, 64 bits, as 16 hex digits. */
function hash64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}

/**
 * The network `model` computes, independent of its layer names and initial
 * weights: two builds by the same code give the same, a changed layer, size
 * or activation another.
 */
export function architectureOf(model: tf.LayersModel): Architecture {
  const layers = model.layers.map((l) => ({
    class: l.getClassName(),
    config: networkConfig(l.getConfig()),
    weights: l.weights.map((w) => w.shape),
  }));
  return { parameters: model.countParams(), signature: `${model.countParams()}-${hash64(JSON.stringify(layers))}` };
}

function keyOf(options: TrainOrLoadOptions, network: Architecture): ReuseKey {
  return { key: options.key ?? null, train: datasetFingerprint(options.train), network: network.signature };
}

/** The words for a network that changed, from the signatures (they start with the parameter count). */
function networkChanged(then: string, now: string): string {
  return `its network differs from the one the code builds now (${then.split("-")[0]} parameters then, ${
    now.split("-")[0]
  } now)`;
}

/** What differs between a saved model's key and the one wanted now, in words; empty when nothing does. */
function changes(saved: ReuseKey, wanted: ReuseKey): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const out: string[] = [];
  if (!same(saved.key, wanted.key)) out.push("its recipe differs");
  if (!same(saved.train, wanted.train)) out.push("it was trained on other data");
  if (saved.network !== undefined && saved.network !== wanted.network) {
    out.push(networkChanged(saved.network, wanted.network!));
  }
  return out;
}

/** Where a profile keeps a named model, relative to `outputs/models/`: `name` for `full`, else `<profile>/name`. */
export function profiledName(name: string, profile?: string): string {
  return !profile || profile === "full" ? name : join(profile, name);
}

/**
 * Trains `build()` on `train` unless a model trained with the same key (recipe, data and network) is saved; saves
 * what it trains. Says on the console what it reloads and why, or why it trains again over a saved model.
 */
export async function trainOrLoad(baseName: string, options: TrainOrLoadOptions): Promise<TrainedModel> {
  const name = profiledName(baseName, options.profile);
  const dir = modelDir(name);
  const model = options.build();
  const network = architectureOf(model);
  const wanted = keyOf(options, network);
  const key = JSON.stringify(wanted);
  let replacing = "";
  if (!options.retrain && await modelExists(dir)) {
    let meta: Meta | null = null;
    try {
      meta = (await readModelMeta(dir)) as Meta | null;
    } catch (e) {
      console.warn(`warning: ${e instanceof Error ? e.message : e}; training again`);
    }
    const saved: ReuseKey | null = meta ? JSON.parse(meta.key) : null;
    const changed = saved ? changes(saved, wanted) : ["it has no record of how it was trained"];
    // The key, the history and the weights were saved as one unit, so they belong together. A model saved before
    // the network was part of the key is reused only when the loaded network is the one the code builds now.
    if (meta && changed.length === 0) {
      try {
        const loaded = await loadNetwork(dir);
        const found = saved!.network === undefined ? architectureOf(loaded) : network;
        if (found.signature === network.signature) {
          model.dispose();
          console.log(
            `${name}: reloading the model saved in ${dir} (trained ${meta.date} in ${meta.seconds.toFixed(0)} s): ` +
              `same recipe, training data and network (${network.parameters} parameters)`,
          );
          return { model: loaded, history: meta.history, seconds: meta.seconds, loaded: true, dir, name };
        }
        loaded.dispose();
        changed.push(networkChanged(found.signature, network.signature));
      } catch (e) {
        console.warn(`warning: ${e instanceof Error ? e.message : e}; training again`);
        changed.push("it could not be loaded");
      }
    }
    replacing = `${name}: not reusing the model saved in ${dir}: ${changed.join("; ")}; training anew, ` +
      "it will be replaced";
  } else if (options.retrain && await modelExists(dir)) {
    replacing = `${name}: retraining as asked; the model saved in ${dir} will be replaced`;
  }
  if (replacing) console.log(replacing);
  // Checkpoints of an interrupted run resume it, but only for the same key.
  const ckptDir = join(dir, "checkpoint");
  const ckptKey = join(ckptDir, "key.json");
  const previous = await Deno.readTextFile(ckptKey).catch(() => null);
  if (previous !== key) {
    await Deno.remove(ckptDir, { recursive: true }).catch(() => {});
    await writeFileAtomic(ckptKey, key);
  }
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
