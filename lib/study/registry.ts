/**
 * Every model the study trains or fits (notebooks 02-08), by a stable id: its saved name under `outputs/models/`
 * (without the `<profile>/` folder or the SVMs' `_<profile>.bin`) where it is saved, a name of the same kind where
 * it is not. An entry gives the report section, the display label, the report's figure for the same model where it
 * gives one, and how the model is built and trained. Notebooks record results by id with {@linkcode record}, which
 * derives the seconds, parameters, saved name, seed and profile from the run; summaries, the headline and the
 * ranking select records by id ({@linkcode recordId}), never by label. {@linkcode model} returns a trained network
 * by id (loading it when it was saved).
 *
 * @example
 * ```ts
 * import type { Dataset } from "../data/dataset.ts";
 * import { model, record } from "./registry.ts";
 * declare const train: Dataset, holdout: Dataset;
 * const run = await model("four-conv-cnn", { train, validation: holdout, epochs: 5, profile: "full" });
 const { path } = await record("four-conv-cnn", run, { holdoutAccuracy: 0.96 });
 * ```
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset.ts";
import { countParams, fourConvCnn } from "../networks/cnn.ts";
import { denseNet } from "../networks/dense.ts";
import type { SvmPipeline } from "../svm/pipeline.ts";
import { asFitTransform, createAugmenter, REPORT_AUGMENTATION, REPORT_AUGMENTATION_NAME } from "../train/augment.ts";
import type { TrainedModel } from "../train/reuse.ts";
import {
  EQUAL_UPDATES_ARMS,
  type EqualUpdatesArm,
  trainEqualUpdatesArm,
  trainReportFirstStage,
} from "./optimizer_study.ts";
import { activeProfile, type ProfileName } from "./profile.ts";
import { trainFullBatchAdadelta, trainWarmupStepAdadelta } from "./report_method.ts";
import { recordResults, type ResultRecord } from "./results.ts";
import { seedRunName, seedsFor } from "./seeds.ts";
import { POWERS_VARIANT, powersCnn, trainSimpleCnn, trainWithRecipe } from "./training.ts";

/** The data and budget a network of the registry is trained on (a notebook's setup gives them). */
export interface TrainContext {
  train: Dataset;
  /** Held-out images scored after every epoch (optional). */
  validation?: Dataset;
  epochs: number;
  profile: string;
  /**
   * Another seed than the entry's, for a model trained over seeds (`seedsFor`): honoured by the entries trained with
   * the study's recipe, and saved as `<id>-seed<seed>` (`seedRunName`); the entry's own seed keeps the id as its name.
   */
  seed?: number;
}

/** One model of the study. */
export interface ModelEntry {
  /** Stable id: the saved name where the model is saved. */
  id: string;
  /** The results file (a notebook's name) its records go to. */
  file: string;
  /** Report section, e.g. "6.3". */
  section: string;
  /**
   * Display label; `{name}` stands for a detail of the run given to {@linkcode record} (weights, augmentation
   * kind, epochs...).
   */
  label: string;
  /** The report's figure for the same model, when it gives one. */
  reportAccuracy?: number;
  /** Seed of its weights (and of its shuffling where the recipe trains it), where one seed makes them. */
  seed?: number;
  /** How it is built and trained, in a line. */
  how: string;
  /** Trains it on `context`, or loads it when the same run was saved (networks with a fixed recipe only). */
  train?: (context: TrainContext) => Promise<TrainedModel>;
  /**
   * False where the record's test figure is the model's own (its submission, or images it alone can read) and the
   * ranking must not score the saved model again: its record names no saved model.
   */
  rescore?: false;
}

const NOTEBOOK = {
  pcaSvm: "02_pca_svm",
  svmRaw: "03_svm_raw",
  simpleCnn: "04_simple_cnn",
  transfer: "05_transfer",
  fourConv: "06_alternative_cnn",
  prediction: "07_prediction",
  beyond: "08_beyond",
  rebuild: "09_is_the_rebuild_real",
} as const;

/** The report's four trainings of a head on frozen VGG16 features (notebook 05), by the part of the id they give. */
export const VGG_HEAD_TRAININGS = [
  { slug: "report-sgd", label: "report: SGD 1e-4, one batch", report: true },
  { slug: "report-adadelta", label: "report: Adadelta 1e-4, one batch", report: true },
  { slug: "adam", label: "ours: Adam 1e-3, batches of 128", report: false },
] as const;

/** How notebook 05 fits a VGG16 image: resized as the report does, or padded. */
export const VGG_INPUTS = ["resize", "pad"] as const;

/** Id of the head on frozen VGG16 features trained by `training` on `input` images. */
export function vggHeadId(training: (typeof VGG_HEAD_TRAININGS)[number]["slug"], input: (typeof VGG_INPUTS)[number]) {
  return `vgg16-head-${training}-${input}`;
}

/** The id of the equal-updates run of `arm` on the simple CNN (notebook 04): its saved name. */
export function equalUpdatesId(arm: Pick<EqualUpdatesArm, "id">): string {
  return `simple-cnn-equal-updates-${arm.id}`;
}

/** The trainers that honour `TrainContext.seed` (those of {@linkcode recipe}). */
const SEEDED = new WeakSet<NonNullable<ModelEntry["train"]>>();

/** A network trained with the study's recipe, with the entry's seed or the context's (saved under `seedRunName`). */
function recipe(id: string, seed: number, more: { variant?: string; build?: (seed: number) => tf.LayersModel } = {}) {
  const train = (c: TrainContext) => {
    const s = c.seed ?? seed, build = more.build;
    return trainWithRecipe(seedRunName(id, s, seed), {
      ...c,
      seed: s,
      variant: more.variant,
      ...(build ? { build: () => build(s) } : {}),
    });
  };
  SEEDED.add(train);
  return train;
}

const ENTRIES: readonly ModelEntry[] = [
  {
    id: "pca_svm_rbf",
    file: NOTEBOOK.pcaSvm,
    section: "4.1",
    label: "PCA(150, whiten) + SVM RBF (C=10, gamma=0.005)",
    // From the report's radial confusion matrix (2,347 of 3,000 on its diagonal; notebook 02 shows the sum).
    reportAccuracy: 0.782,
    how: "whitened PCA, then an RBF SVM with balanced class weights (reportPcaSvmSpec)",
  },
  {
    id: "pca_svm_linear",
    file: NOTEBOOK.pcaSvm,
    section: "4.2",
    label: "PCA(150, whiten) + SVM linear (C=1)",
    reportAccuracy: 0.79,
    how: "whitened PCA, then a linear SVM with balanced class weights (reportPcaSvmSpec)",
  },
  {
    id: "svm_rbf_raw",
    file: NOTEBOOK.svmRaw,
    section: "5.1",
    label: "SVM RBF (C=0.8, gamma=0.01, balanced)",
    reportAccuracy: 0.83,
    how: "an RBF SVM on the raw pixels (reportSvmSpec)",
  },
  {
    id: "svm_linear_raw",
    file: NOTEBOOK.svmRaw,
    section: "5.2",
    label: "SVM linear (C=0.6, balanced)",
    reportAccuracy: 0.75,
    how: "a linear SVM on the raw pixels (reportSvmSpec)",
  },
  {
    id: "simple-cnn",
    file: NOTEBOOK.simpleCnn,
    section: "6.1",
    label: "Simple CNN (2 conv)",
    reportAccuracy: 0.87,
    seed: 11,
    how: "the report's simple CNN, the study's recipe peaking at 2e-3 (trainSimpleCnn)",
    train: (c) => trainSimpleCnn("simple-cnn", c),
  },
  {
    id: "simple-cnn-report",
    file: NOTEBOOK.simpleCnn,
    section: "6.1",
    // {budget}: its updates against the report's, and whether it learned (`budgetLabel`).
    label: "Simple CNN, the report's Adadelta stages: {budget}",
    reportAccuracy: 0.87,
    seed: 11,
    how: "the simple CNN with the report's two Adadelta stages (trainSimpleCnnReportMethod); saved as its stage 2",
  },
  {
    id: "simple-cnn-report-first-stage",
    file: NOTEBOOK.simpleCnn,
    section: "6.1",
    label: "Simple CNN, the report's first stage (Adadelta 0.001, batch 128): {budget}",
    seed: 11,
    how: "the simple CNN with the report's first stage, 100 epochs under full (trainReportFirstStage)",
    train: (c) => trainReportFirstStage("simple-cnn-report-first-stage", { ...c, seed: 11 }),
  },
  ...EQUAL_UPDATES_ARMS.map((arm): ModelEntry => ({
    id: equalUpdatesId(arm),
    file: NOTEBOOK.simpleCnn,
    section: "6.1",
    // {budget}: its updates against the report's first stage's, and whether it learned (`budgetLabel`).
    label: `Simple CNN, equal updates: ${arm.label}, {budget}`,
    seed: 11,
    how: `the simple CNN in batches of 128 with ${arm.label}, as many updates as the other arms (trainEqualUpdatesArm)`,
    train: (c) => trainEqualUpdatesArm(arm, "simple-cnn-equal-updates", { ...c, seed: 11 }),
  })),
  {
    id: "simple-cnn-augmented",
    file: NOTEBOOK.simpleCnn,
    section: "6.1.2",
    label: `Simple CNN + ${REPORT_AUGMENTATION_NAME}`,
    seed: 11,
    how: "the simple CNN and its recipe on the stand-in for the report's augmentation (trainSimpleCnn with augment)",
    train: (c) => trainSimpleCnn("simple-cnn-augmented", { ...c, augment: true }),
  },
  ...VGG_HEAD_TRAININGS.flatMap((t) =>
    VGG_INPUTS.map((input): ModelEntry => ({
      id: vggHeadId(t.slug, input),
      file: NOTEBOOK.transfer,
      section: "6.2",
      label: `VGG16 base ({weights} weights, frozen, ${input}) + head, ${t.label}`,
      // The report's 8.5 % is for its own pairing: resized digits.
      reportAccuracy: t.report && input === "resize" ? 0.085 : undefined,
      seed: 7,
      how: `a dense head on frozen VGG16 features of ${input}d digits, ${t.label}`,
    }))
  ),
  {
    id: "vgg16-head-scaled-on-raw",
    file: NOTEBOOK.transfer,
    section: "6.2",
    label: "VGG16 base ({weights} weights, frozen, resize) + head, trained 0-255 minus the means, scored on raw pixels",
    seed: 7,
    how: "the head of our training on resized digits, scored on raw 0-1 pixels",
  },
  {
    id: "vgg16-head-report-scaling-on-raw",
    file: NOTEBOOK.transfer,
    section: "6.2",
    label:
      "VGG16 base ({weights} weights, frozen, resize) + head, trained 0-1 minus the means (report), scored on raw pixels",
    reportAccuracy: 0.085,
    seed: 7,
    how: "a head trained on the report's preprocessing, scored on raw 0-1 pixels (the report's pairing)",
  },
  {
    id: "clean-frozen-head",
    file: NOTEBOOK.transfer,
    section: "6.2",
    label: "4-conv CNN: frozen convolutions, new head on noisy digits",
    seed: 5,
    how: "the 4-conv CNN pre-trained on clean digits, convolutions frozen, trained on noisy digits",
  },
  {
    id: "clean-finetuned",
    file: NOTEBOOK.transfer,
    section: "6.2",
    label: "4-conv CNN: fine-tuned end to end",
    seed: 5,
    how: "clean-frozen-head trained on noisy digits end to end, peaking at 1e-3",
  },
  {
    id: "noisy-scratch-same-epochs",
    file: NOTEBOOK.transfer,
    section: "6.2",
    label: "4-conv CNN: same CNN from scratch on noisy digits, same epochs in total",
    seed: 5,
    how: "the 4-conv CNN from random weights on noisy digits, as many epochs as the three transfer stages",
  },
  {
    id: "four-conv-cnn",
    file: NOTEBOOK.fourConv,
    section: "6.3",
    label: "4-conv CNN, Adam one-cycle",
    reportAccuracy: 0.921,
    seed: 3,
    how: "the report's 4-conv CNN with the study's recipe (trainWithRecipe)",
    train: recipe("four-conv-cnn", 3),
  },
  {
    id: "four-conv-cnn-report-method",
    file: NOTEBOOK.fourConv,
    section: "6.3.1",
    // {budget}: its updates against the report's, and whether it learned (`budgetLabel`).
    label: "4-conv CNN, the report's Adadelta (0.01 then 0.001, whole-set batches): {budget}",
    reportAccuracy: 0.921,
    seed: 3,
    how: "the 4-conv CNN with the report's full-batch Adadelta on the recipe's budget (trainFullBatchAdadelta)",
    train: (c) => trainFullBatchAdadelta("four-conv-cnn-report-method", { ...c, seed: 3 }),
  },
  {
    id: "four-conv-cnn-report-aug-recipe",
    file: NOTEBOOK.fourConv,
    section: "6.3.4",
    label: `4-conv CNN, Adam one-cycle, augmentation: ${REPORT_AUGMENTATION_NAME}`,
    seed: 3,
    how: "the 4-conv CNN and the recipe on the stand-in for the report's augmentation",
    train: (c) =>
      trainWithRecipe("four-conv-cnn-report-aug-recipe", {
        ...c,
        seed: 3,
        extra: { transform: asFitTransform(createAugmenter(REPORT_AUGMENTATION)) },
      }),
  },
  {
    id: "four-conv-cnn-fresh-noise",
    file: NOTEBOOK.fourConv,
    section: "6.3.4",
    label: "4-conv CNN, Adam one-cycle, augmentation: fresh noise, digits not moved ({kind})",
    seed: 3,
    how: "the 4-conv CNN and the recipe on fresh noise, digits not moved (saved as four-conv-cnn-fresh-noise-<kind>)",
  },
  {
    id: "four-conv-cnn-digit-aug",
    file: NOTEBOOK.fourConv,
    section: "6.3.4",
    label: "4-conv CNN, Adam one-cycle, augmentation: fresh noise, digits moved ({kind})",
    seed: 3,
    how: "the 4-conv CNN and the recipe on fresh noise, digits moved (saved as four-conv-cnn-digit-aug-<kind>)",
  },
  {
    id: "final-cnn",
    file: NOTEBOOK.prediction,
    section: "7",
    label: "4-conv CNN, all 12,000 images (final)",
    reportAccuracy: 0.95,
    seed: 7,
    how: "the 4-conv CNN and the recipe on every labelled image; scored by its submission",
    train: recipe("final-cnn", 7),
    rescore: false,
  },
  {
    id: "final-cnn-report-method",
    file: NOTEBOOK.prediction,
    section: "7",
    label: "4-conv CNN, all 12,000 images, the report's Adadelta (batch 4,096, warm-up/step): {budget}",
    reportAccuracy: 0.95,
    seed: 7,
    how: "the 4-conv CNN with the report's section 7 Adadelta on every labelled image (trainWarmupStepAdadelta)",
    train: (c) => trainWarmupStepAdadelta("final-cnn-report-method", { ...c, seed: 7 }),
  },
  {
    id: "four-conv-cnn-dense200",
    file: NOTEBOOK.beyond,
    section: "8.1",
    label: "4-conv CNN, dense layer of 200",
    seed: 3,
    how: "the 4-conv CNN with a dense layer of 200 and the recipe",
    train: recipe("four-conv-cnn-dense200", 3, {
      variant: "dense200",
      build: (seed) => fourConvCnn({ seed, batchNormMomentum: 0.9, denseUnits: 200 }),
    }),
  },
  {
    id: "dense-only",
    file: NOTEBOOK.beyond,
    section: "8.2",
    label: "Dense only (512, 256)",
    seed: 5,
    how: "dense layers of 512 and 256 and the recipe, on one thread",
    train: (c) =>
      trainWithRecipe("dense-only", {
        ...c,
        variant: "dense-512-256",
        build: () => denseNet({ hidden: [512, 256], seed: 5 }),
        // One thread: copying half a million weights to a worker every step costs more than the step.
        extra: { workers: 0 },
      }),
  },
  {
    id: "four-conv-cnn-features-svm",
    file: NOTEBOOK.beyond,
    section: "8.3",
    label: "4-conv CNN features + SVM radial",
    how: "an RBF SVM on the features of four-conv-cnn (C=1, gamma scale)",
  },
  {
    id: "four-conv-cnn-denoised",
    file: NOTEBOOK.beyond,
    section: "8.4",
    label: "Denoising autoencoder + 4-conv CNN",
    seed: 3,
    how: "the 4-conv CNN and the recipe on images cleaned by the denoising autoencoder (it reads denoised images)",
    rescore: false,
  },
  {
    id: "denoised-svm-rbf",
    file: NOTEBOOK.beyond,
    section: "8.4",
    label: "Denoising autoencoder + SVM radial (ours)",
    how: "the SVM of svm_rbf_raw on images cleaned by the denoising autoencoder",
  },
  {
    id: "four-conv-cnn-powers",
    file: NOTEBOOK.beyond,
    section: "8.5",
    label: "4-conv CNN reading pixels and pixels^16 (ours)",
    seed: 3,
    how: "the 4-conv CNN reading the pixels and their 16th power, and the recipe (powersCnn)",
    train: recipe("four-conv-cnn-powers", 3, { variant: POWERS_VARIANT, build: powersCnn }),
  },
  {
    id: "best-cnn",
    file: NOTEBOOK.beyond,
    section: "8.6",
    label:
      "Best, with clean originals: three-block CNN on pixel powers, {epochs} epochs{shifts}, fresh-noise augmentation",
    reportAccuracy: 0.95,
    seed: 7,
    how: "the three-block CNN on pixel powers (bestCnn), the recipe on fresh noise over the clean originals",
    rescore: false, // its test figure is its submission's, with the views chosen on the holdout
  },
  {
    id: "best-cnn-competition-files",
    file: NOTEBOOK.beyond,
    section: "8.6",
    label: "Best, competition files only: three-block CNN on pixel powers, {epochs} epochs{shifts}, " +
      "{augmentation} augmentation",
    reportAccuracy: 0.95,
    seed: 7,
    how: "best-cnn trained from the competition files alone (the noisy images, moved)",
    rescore: false, // as best-cnn
  },
  {
    id: "best-cnn-competition-files-ensemble",
    file: NOTEBOOK.beyond,
    section: "8.6",
    label: "Best, competition files only, the average of {seeds} seeds: three-block CNN on pixel powers, " +
      "{epochs} epochs{shifts}, {augmentation} augmentation",
    how: "the mean of the probabilities of best-cnn-competition-files over its seeds (seedsOf)",
    rescore: false, // an average of saved models, not one saved model
  },
  {
    id: "rebuild-benchmark-svm",
    file: NOTEBOOK.rebuild,
    section: "9.1",
    label: "RBF SVM (C={C}), benchmark protocol",
    how: "an RBF SVM on the benchmark's training images, C chosen on its validation images (benchmarkSplit)",
    rescore: false, // scored on the benchmark's test images, not the ranking's
  },
  {
    id: "four-conv-cnn-benchmark",
    file: NOTEBOOK.rebuild,
    section: "9.1",
    label: "4-conv CNN of notebook 06 ({images} images), benchmark test images",
    seed: 3,
    how: "four-conv-cnn itself (reloaded), scored on the benchmark's test images",
    rescore: false, // the same saved model as four-conv-cnn
  },
  {
    id: "four-conv-cnn-curve",
    file: NOTEBOOK.rebuild,
    section: "9.2",
    label: "4-conv CNN, {images} training images (learning curve)",
    seed: 3,
    how: "the 4-conv CNN and the recipe on the split's first images (curveCnn; saved as four-conv-cnn-curve-<images>)",
  },
  {
    id: "four-conv-cnn-other-recipe",
    file: NOTEBOOK.rebuild,
    section: "9.3",
    label: "4-conv CNN ({images} images), noise recipe {recipe}",
    seed: 3,
    how: "the 4-conv CNN and the recipe on data synthesised with the other noise recipe " +
      "(saved as four-conv-cnn-<recipe>-<images>)",
    rescore: false, // trained and scored on another recipe's images
  },
  {
    id: "best-cnn-other-recipe",
    file: NOTEBOOK.rebuild,
    section: "9.3",
    label: "Best architecture ({images} images, no augmentation), noise recipe {recipe}",
    seed: 7,
    how: "the best network's architecture (notebook 08) with the recipe, without its augmentation, on data " +
      "synthesised with the other noise recipe (saved as best-cnn-<recipe>-<images>)",
    rescore: false, // trained and scored on another recipe's images
  },
  {
    id: "clean-digit-reader",
    file: NOTEBOOK.rebuild,
    section: "9.4",
    label: "4-conv CNN on the clean originals (clean-digit reader)",
    seed: 3,
    how: "the 4-conv CNN and the recipe on the clean originals of the training split (saved as clean-digit-reader)",
    rescore: false, // reads clean digits, not the noisy test images
  },
];

/** The report's SVMs (sections 4 and 5), with or without PCA. */
export const REPORT_SVM_IDS: readonly string[] = ["pca_svm_rbf", "pca_svm_linear", "svm_rbf_raw", "svm_linear_raw"];

/** The report's CNNs of sections 6.1 and 6.3, trained with the study's recipe. */
export const REPORT_CNN_IDS: readonly string[] = ["simple-cnn", "four-conv-cnn"];

const BY_ID: ReadonlyMap<string, ModelEntry> = new Map(ENTRIES.map((e) => [e.id, e]));

/** Every model of the study, in the order of the report. */
export function entries(): readonly ModelEntry[] {
  return ENTRIES;
}

/** The entry of `id`; throws, listing the ids, when there is none. */
export function entry(id: string): ModelEntry {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`no model "${id}" in the registry (lib/study/registry.ts); ids: ${[...BY_ID.keys()]}`);
  return found;
}

/** The label of `id` with its `{name}` details filled in from `detail`; throws when one is missing. */
export function labelOf(id: string, detail: Readonly<Record<string, string | number>> = {}): string {
  return entry(id).label.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in detail)) throw new Error(`the label of "${id}" needs the detail "${name}"`);
    return String(detail[name]);
  });
}

/** The id of a ledger row: its own, or the one its label had in a ledger written before ids (the published run). */
export function recordId(record: Pick<ResultRecord, "id" | "model">): string | undefined {
  return record.id ?? LEGACY_LABELS.get(record.model);
}

/**
 * Whether a ledger row is another seed's run of its model (`record(id, run, scores, { seed })`, for a table over
 * seeds) rather than the model's own run: the model's figure in the ranking and the headline is its entry's seed.
 */
export function isExtraSeed(record: Pick<ResultRecord, "id" | "model" | "seed">): boolean {
  const id = recordId(record), own = id === undefined ? undefined : BY_ID.get(id)?.seed;
  return record.seed !== undefined && own !== undefined && record.seed !== own;
}

/** The latest record of `id` among `records`, its entry's own seed (undefined when there is none). */
export function recordOf<T extends ResultRecord>(records: readonly T[], id: string): T | undefined {
  return records.filter((r) => recordId(r) === id && !isExtraSeed(r)).at(-1);
}

/**
 * Returns the network `id` trained on `context`, loading it when the same run was saved before (see `trainOrLoad`);
 * throws for a model the registry cannot train alone (an SVM, or one built from other models or plans).
 */
export async function model(id: string, context: TrainContext): Promise<TrainedModel> {
  const e = entry(id);
  if (!e.train) throw new Error(`"${id}" is not trained by the registry alone: ${e.how}`);
  if (context.seed !== undefined && context.seed !== e.seed && !SEEDED.has(e.train)) {
    throw new Error(`"${id}" is trained with its own seed only (${e.seed ?? "none"}), not seed ${context.seed}`);
  }
  return await e.train(context);
}

/**
 * The seeds `profile` trains of `id` (`seedsFor`), from its entry's own seed: run each with `model(id, { …, seed })`
 * and record the others with `record(id, run, scores, { seed })`. Throws for a model without a seed of its own.
 */
export function seedsOf(id: string, profile: ProfileName): number[] {
  const seed = entry(id).seed;
  if (seed === undefined) {
    throw new Error(`"${id}" has no seed of its own in the registry: it is not trained over seeds`);
  }
  return seedsFor(profile, seed);
}

/** What a run that is neither a trained network nor an SVM pipeline tells the ledger. */
export interface RunFacts {
  /** Training wall time, in seconds. */
  seconds?: number;
  /** Trainable parameters, when meaningful. */
  parameters?: number;
  /** Saved name under `outputs/models/`, when saved. */
  savedAs?: string;
}

/** A run as {@linkcode record} takes it. */
export type Run = TrainedModel | SvmPipeline | RunFacts;

/** The scores a notebook measured, with an optional note. */
export type Scores = Pick<ResultRecord, "holdoutAccuracy" | "testAccuracy" | "testImages" | "note">;

/** Options of {@linkcode record}. */
export interface RecordOptions {
  /** The results file, when not the entry's own (a notebook that records another's model). */
  file?: string;
  /** The details its label names (`{weights}`, `{kind}`...). */
  detail?: Readonly<Record<string, string | number>>;
  /** The seed of this run, when the model is trained over several seeds (default: the entry's). */
  seed?: number;
}

/** The seconds, parameters and saved name a run tells. */
export function runFacts(run: Run): RunFacts {
  if ("model" in run && "history" in run) {
    return { seconds: run.seconds, parameters: countParams(run.model).total, savedAs: run.name };
  }
  if ("fitSeconds" in run) return { seconds: run.fitSeconds, savedAs: run.savedAs };
  return run;
}

/** The ledger row of `id` for `run` and `scores` under the active profile (what {@linkcode record} writes). */
export function resultRow(
  id: string,
  run: Run,
  scores: Scores,
  options: Pick<RecordOptions, "detail" | "seed"> = {},
): ResultRecord {
  const e = entry(id), facts = runFacts(run), seed = options.seed ?? e.seed;
  return {
    id,
    section: e.section,
    model: labelOf(id, options.detail),
    ...scores,
    ...(e.reportAccuracy === undefined ? {} : { reportAccuracy: e.reportAccuracy }),
    ...(facts.seconds === undefined ? {} : { trainSeconds: facts.seconds }),
    ...(facts.parameters === undefined ? {} : { parameters: facts.parameters }),
    ...(facts.savedAs === undefined || e.rescore === false ? {} : { savedAs: facts.savedAs }),
    ...(seed === undefined ? {} : { seed }),
    profile: activeProfile(),
  };
}

/** What {@linkcode record} wrote: the row, and the results file it is in. */
export interface Recorded {
  row: ResultRecord;
  path: string;
}

/**
 * Records `run`'s scores under `id` in the results ledger (its entry's file unless `options.file`): section, label
 * and the report's figure from the registry, seconds, parameters and saved name from the run, seed from the entry,
 * (or `options.seed`), the active profile. Replaces the row of the same id, seed and profile: runs of one model over
 * several seeds keep a row each.
 */
export async function record(id: string, run: Run, scores: Scores, options: RecordOptions = {}): Promise<Recorded> {
  const row = resultRow(id, run, scores, options);
  return { row, path: await recordResults(options.file ?? entry(id).file, [row]) };
}

/** The labels of the published ledger (written before ids) and their ids. */
const LEGACY_LABELS: ReadonlyMap<string, string> = new Map([
  ...ENTRIES.filter((e) => !e.label.includes("{")).map((e) => [e.label, e.id] as const),
  ...VGG_HEAD_TRAININGS.flatMap((t) =>
    VGG_INPUTS.map((input) =>
      [`VGG16 base (random weights, frozen, ${input}) + head, ${t.label}`, vggHeadId(t.slug, input)] as const
    )
  ),
  ...[
    ["vgg16-head-scaled-on-raw", "trained 0-255 minus the means"],
    ["vgg16-head-report-scaling-on-raw", "trained 0-1 minus the means (report)"],
  ].map(([id, how]) =>
    [`VGG16 base (random weights, frozen, resize) + head, ${how}, scored on raw pixels`, id] as const
  ),
  ["Simple CNN, the report's Adadelta stages, our recipe's budget", "simple-cnn-report"],
  ["Simple CNN + report's augmentation", "simple-cnn-augmented"],
  ["Alternative CNN: frozen convolutions, new head on noisy digits", "clean-frozen-head"],
  ["Alternative CNN: fine-tuned end to end", "clean-finetuned"],
  ["Alternative CNN: same CNN from scratch on noisy digits, same epochs in total", "noisy-scratch-same-epochs"],
  ["Alternative CNN (4 conv), Adam one-cycle", "four-conv-cnn"],
  [
    "Alternative CNN (4 conv), the report's Adadelta (0.01 then 0.001, whole-set batches), our budget",
    "four-conv-cnn-report-method",
  ],
  ["Alternative CNN, Adam one-cycle, augmentation: the report's", "four-conv-cnn-report-aug-recipe"],
  [
    "Alternative CNN, Adam one-cycle, augmentation: fresh noise, digits not moved (fresh-noise)",
    "four-conv-cnn-fresh-noise",
  ],
  ["Alternative CNN, Adam one-cycle, augmentation: fresh noise, digits moved (fresh-noise)", "four-conv-cnn-digit-aug"],
  ["Alternative CNN, all 12,000 images (final)", "final-cnn"],
  [
    "Alternative CNN, all 12,000 images, the report's Adadelta (batch 4,096, warm-up/step), our budget",
    "final-cnn-report-method",
  ],
  [
    "Best, with clean originals: three-block CNN on pixel powers, 14 epochs, fresh-noise augmentation",
    "best-cnn",
  ],
  [
    "Best, competition files only: three-block CNN on pixel powers, 14 epochs, noisy-image augmentation",
    "best-cnn-competition-files",
  ],
]);
