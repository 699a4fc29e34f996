/**
 * Where the project reads its data and writes its outputs.
 *
 * Every entry point accepts a data directory; when none is given the
 * `NOISY_DIGITS_DATA` environment variable decides, then `data/` in the
 * repository. Outputs go to `NOISY_DIGITS_OUTPUTS` or `outputs/`.
 *
 * @module
 */

import { isAbsolute, join, relative, resolve } from "node:path";

/** Root of the repository (two levels above this file). */
export const REPO_ROOT: string = resolve(fromFileUrl(new URL("../..", import.meta.url)));

/** File names of the competition data inside a data directory. */
export const DATA_FILES = {
  train: "train_data.csv",
  test: "test_data.csv",
  solution: "test_solution.csv",
} as const;

function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/** A folder setting that cannot be used: empty (it would mean the working directory), or a file. */
export class FolderSettingError extends Error {
  constructor(setting: string, problem: string) {
    super(`${setting} ${problem}`);
    this.name = "FolderSettingError";
  }
}

/**
 * The folder `given` (an option) or the environment variable `variable`
 * names, else `fallback`; resolved against the working directory. An empty
 * value is refused rather than taken as the working directory (where a run
 * would write over the repository's own files), and so is a path that is a
 * file (a folder is expected).
 */
function chosenFolder(given: string | undefined, option: string, variable: string, fallback: string): string {
  const fromEnv = given === undefined ? Deno.env.get(variable) : undefined;
  const [value, setting] = given !== undefined ? [given, option] : [fromEnv, variable];
  if (value !== undefined && value.trim() === "") {
    throw new FolderSettingError(
      `${setting}=""`,
      `is empty: set it to a folder (or unset it for the default, ${repoRelative(fallback)})`,
    );
  }
  const path = resolve(value ?? fallback);
  if (value !== undefined) {
    let isFile = false;
    try {
      isFile = !Deno.statSync(path).isDirectory;
    } catch { /* missing: made when written */ }
    if (isFile) {
      throw new FolderSettingError(`${setting}=${value}`, `names ${path}, which is a file: expected a folder`);
    }
  }
  return path;
}

/** The data directory: `dir` if given, else `$NOISY_DIGITS_DATA`, else `<repo>/data`. Throws {@linkcode FolderSettingError} on an empty setting or a file. */
export function dataDir(dir?: string): string {
  return chosenFolder(dir, "--data-dir", "NOISY_DIGITS_DATA", join(REPO_ROOT, "data"));
}

/** The outputs directory: `dir` if given, else `$NOISY_DIGITS_OUTPUTS`, else `<repo>/outputs`. Throws {@linkcode FolderSettingError} on an empty setting or a file. */
export function outputsDir(dir?: string): string {
  return chosenFolder(dir, "the outputs folder", "NOISY_DIGITS_OUTPUTS", join(REPO_ROOT, "outputs"));
}

/** Path of one of the competition files in the data directory. */
export function dataFile(kind: keyof typeof DATA_FILES, dir?: string): string {
  return join(dataDir(dir), DATA_FILES[kind]);
}

/** Path inside the outputs directory, e.g. `outputPath("figures", "hist.svg")`. */
export function outputPath(...parts: string[]): string {
  return join(outputsDir(), ...parts);
}

/**
 * `path` as a report shows it: relative to the repository when it lies inside
 * it, so that a published report names no machine's folders; unchanged outside.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * repoRelative(join(REPO_ROOT, "data")); // "data"
 * ```
 */
export function repoRelative(path: string): string {
  const rel = relative(REPO_ROOT, resolve(path));
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel || ".";
}
