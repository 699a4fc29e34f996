/**
 * The setup every notebook starts with, in one call: the run profile, that
 * profile's settings, the backend, the labelled training file, the report's
 * 75 / 25 stratified split (seed 42) and the slices of it the profile trains
 * and scores on.
 *
 * @example
 * ```ts
 * import { setupStudy } from "./setup.ts";
 * import { SIMPLE_CNN_SETTINGS } from "./notebooks.ts";
 *
 * const { profile, settings, train, holdout } = await setupStudy(SIMPLE_CNN_SETTINGS);
 * console.log(`${profile}: ${train.count} / ${holdout.count} images, ${settings.epochs} epoch(s)`);
 * ```
 *
 * @module
 */

import { asLabelled, head, type LabelledDataset } from "../data/dataset.ts";
import { loadTrain } from "../data/load.ts";
import { type Split, stratifiedSplit } from "../data/split.ts";
import { initBackend } from "../runtime/backend.ts";
import { activeProfile, byProfile, type ProfileName } from "./profile.ts";

/** Image counts a notebook's settings may set (default: all the split gives). */
export interface SliceSettings {
  /** Training images, the first of the split's training part. */
  readonly trainImages?: number;
  /** Holdout images scored, the first of the split's holdout part. */
  readonly holdoutImages?: number;
}

/** What {@linkcode setupStudy} returns. */
export interface StudySetup<S> {
  profile: ProfileName;
  /** The settings of the active profile. */
  settings: S;
  /** The labelled training file, whole. */
  labelled: LabelledDataset;
  /** The report's split: 75 % training, 25 % holdout, stratified, seed 42. */
  split: Split;
  /** The first `settings.trainImages` of the split's training part. */
  train: LabelledDataset;
  /** The first `settings.holdoutImages` of the split's holdout part. */
  holdout: LabelledDataset;
}

/** Options of {@linkcode setupStudy}. */
export interface SetupOptions {
  /** Starts the tfjs backend (default true; the SVM notebooks start it when they need it). */
  backend?: boolean;
}

/** Reads the profile, picks its settings, starts the backend, loads and splits the training file. */
export async function setupStudy<S extends SliceSettings>(
  settings: Readonly<Record<ProfileName, S>>,
  options: SetupOptions = {},
): Promise<StudySetup<S>> {
  const profile = activeProfile();
  const chosen = byProfile(settings, profile);
  if (options.backend ?? true) await initBackend();
  const labelled = asLabelled(await loadTrain());
  const split = stratifiedSplit(labelled, { holdoutFraction: 0.25, seed: 42 });
  return {
    profile,
    settings: chosen,
    labelled,
    split,
    train: asLabelled(head(split.train, chosen.trainImages)),
    holdout: asLabelled(head(split.holdout, chosen.holdoutImages)),
  };
}
