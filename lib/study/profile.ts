/**
 * Run profiles: `smoke` (CI), `quick` (a first look, the default of an
 * interactive session), `full` (the report). How the profile is chosen is
 * `lib/data/profile.ts`; this module picks a notebook's settings by it.
 *
 * @module
 */

import { activeProfile, type ProfileName } from "../data/profile.ts";

export {
  activeProfile,
  DEFAULT_PROFILE,
  OLD_PROFILE_VARIABLE,
  PROFILE_VARIABLE,
  type ProfileChoice,
  profileChoice,
  type ProfileName,
  PROFILES,
} from "../data/profile.ts";

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
