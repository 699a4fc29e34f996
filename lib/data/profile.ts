/**
 * The run profile: how much work a notebook does. `smoke` checks the plumbing
 * (CI), `quick` is a first look (every notebook, the same sections and
 * figures, on fewer images and epochs), `full` reproduces the report.
 *
 * One way to choose it, read where a notebook's setup cell runs:
 *
 * 1. `NOISY_DIGITS_PROFILE` in the kernel's environment (`deno task lab
 *    --profile NAME` and `deno task reproduce --profile NAME` set it);
 * 2. the old name `NOTEBOOK_PROFILE`, still read, with a notice;
 * 3. a `NOISY_DIGITS_PROFILE=NAME` line in `<repo>/.env` (untracked), read at
 *    every call, so an editor window that is already open (VS Code) picks up a
 *    change at the next run of a setup cell;
 * 4. else `quick`: a notebook opened with nothing set gives its first look in
 *    minutes instead of training full-size models for up to an hour;
 *    `deno task reproduce` asks for `full` explicitly.
 *
 * It lives in the data layer (beside the data and outputs folders, the other
 * settings read from the environment) so that figures can say which profile
 * drew them.
 *
 * @module
 */

import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

/** The profile names. */
export type ProfileName = "smoke" | "quick" | "full";

/** The three profile names, smallest first. */
export const PROFILES: readonly ProfileName[] = ["smoke", "quick", "full"];

/** The environment variable that chooses the profile. */
export const PROFILE_VARIABLE = "NOISY_DIGITS_PROFILE";

/** The old name of {@linkcode PROFILE_VARIABLE}, still read with a notice. */
export const OLD_PROFILE_VARIABLE = "NOTEBOOK_PROFILE";

/** The profile of a session where nothing chooses one (see the module notes for why). */
export const DEFAULT_PROFILE: ProfileName = "quick";

/** The active profile and where it came from. */
export interface ProfileChoice {
  profile: ProfileName;
  /** `NOISY_DIGITS_PROFILE`, `NOTEBOOK_PROFILE`, `.env` or `default`. */
  source: string;
}

let oldNameNoticed = false;

/** `NOISY_DIGITS_PROFILE` from the `.env` file at the repository root (`dotEnv`), if it has one. */
export function profileFromDotEnv(dotEnv: string = join(REPO_ROOT, ".env")): string | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(dotEnv);
  } catch {
    return undefined;
  }
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.startsWith(`${PROFILE_VARIABLE}=`));
  return line?.slice(PROFILE_VARIABLE.length + 1).replace(/^(["'])(.*)\1$/, "$2").trim();
}

/**
 * The active profile and its source, in the order of the module notes (`fallback` replaces the default).
 * Throws on an unknown name, naming where it came from.
 */
export function profileChoice(fallback: ProfileName = DEFAULT_PROFILE, dotEnv?: string): ProfileChoice {
  const candidates: [string, string | undefined][] = [
    [PROFILE_VARIABLE, Deno.env.get(PROFILE_VARIABLE) || undefined],
    [OLD_PROFILE_VARIABLE, Deno.env.get(OLD_PROFILE_VARIABLE) || undefined],
    [".env", profileFromDotEnv(dotEnv)],
  ];
  const [source, raw] = candidates.find(([, v]) => v !== undefined) ?? ["default", fallback];
  if (!(PROFILES as readonly string[]).includes(raw!)) {
    const where = source === ".env" ? `${PROFILE_VARIABLE} in ${dotEnv ?? join(REPO_ROOT, ".env")}` : source;
    throw new Error(`${where} must be one of ${PROFILES.join(", ")}; got "${raw}"`);
  }
  if (source === OLD_PROFILE_VARIABLE && !oldNameNoticed) {
    oldNameNoticed = true;
    console.warn(`notice: ${OLD_PROFILE_VARIABLE} is the old name of ${PROFILE_VARIABLE}; it is still read`);
  }
  return { profile: raw as ProfileName, source };
}

/** The active profile (see {@linkcode profileChoice}). Throws on an unknown name. */
export function activeProfile(fallback: ProfileName = DEFAULT_PROFILE): ProfileName {
  return profileChoice(fallback).profile;
}
