/**
 * Run profiles: how much work a notebook does. `smoke` is for CI (minutes
 * for everything), `quick` for a first look, `full` reproduces the report.
 * The profile comes from `NOTEBOOK_PROFILE` (default `full`).
 *
 * @module
 */

/** The profile names. */
export type ProfileName = "smoke" | "quick" | "full";

/** The three profile names, smallest first. */
export const PROFILES: readonly ProfileName[] = ["smoke", "quick", "full"];

/** Reads the active profile from `NOTEBOOK_PROFILE` (or `fallback`). Throws on an unknown name. */
export function activeProfile(fallback: ProfileName = "full"): ProfileName {
  const raw = Deno.env.get("NOTEBOOK_PROFILE") ?? fallback;
  if (!(PROFILES as readonly string[]).includes(raw)) {
    throw new Error(`NOTEBOOK_PROFILE must be one of ${PROFILES.join(", ")}; got "${raw}"`);
  }
  return raw as ProfileName;
}

/**
 * Picks the setting of the active profile.
 *
 * @example
 * ```ts
 * const epochs = byProfile({ smoke: 1, quick: 5, full: 30 });
 * ```
 */
export function byProfile<T>(values: Record<ProfileName, T>, profile: ProfileName = activeProfile()): T {
  return values[profile];
}
