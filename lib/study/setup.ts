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
import { byProfile, PROFILE_VARIABLE, type ProfileChoice, profileChoice, type ProfileName } from "./profile.ts";

/** Image counts a notebook's settings may set (default: all the split gives). */
export interface SliceSettings {
  /** Training images, the first of the split's training part. */
  readonly trainImages?: number;
  /** Holdout images scored, the first of the split's holdout part. */
  readonly holdoutImages?: number;
  /** Minutes a Run All of the notebook takes under this profile (see `notebooks.ts`). */
  readonly minutes?: number;
}

const SOURCES: Record<string, string> = {
  default: "nothing set, the default",
  ".env": `${PROFILE_VARIABLE} in .env`,
};

/**
 * What a notebook's setup cell says first: the profile, where it came from, what a Run All of the notebook takes
 * under it and under `full`, and how to choose another.
 *
 * @example
 * ```ts
 * import { SIMPLE_CNN_SETTINGS } from "./notebooks.ts";
 * profileNotice(SIMPLE_CNN_SETTINGS, { profile: "quick", source: "default" });
 * // "profile quick (nothing set, the default): a Run All of this notebook takes about 1 min here; …"
 * ```
 */
export function profileNotice(
  settings: Readonly<Record<ProfileName, { readonly minutes?: number }>>,
  choice: ProfileChoice = profileChoice(),
): string {
  const about = (p: ProfileName) => {
    const m = settings[p].minutes;
    return m === undefined ? "an unmeasured time" : `about ${m} min`;
  };
  const other = choice.profile === "full"
    ? "these are the report's sizes"
    : `full (the report's sizes) takes ${about("full")}${
      choice.profile === "quick" ? ", its figures labelled quick" : ""
    }`;
  return `profile ${choice.profile} (${SOURCES[choice.source] ?? choice.source}): a Run All of this notebook takes ` +
    `${about(choice.profile)} on a 2-core machine; ${other}; choose with ${PROFILE_VARIABLE}=smoke|quick|full ` +
    "(environment, .env, or deno task lab --profile)";
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

/**
 * Reads the profile and says which it is ({@linkcode profileNotice}), picks its settings, starts the backend, loads
 * and splits the training file.
 */
export async function setupStudy<S extends SliceSettings>(
  settings: Readonly<Record<ProfileName, S>>,
  options: SetupOptions = {},
): Promise<StudySetup<S>> {
  const choice = profileChoice();
  const profile = choice.profile;
  const chosen = byProfile(settings, profile);
  console.log(profileNotice(settings, choice));
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
