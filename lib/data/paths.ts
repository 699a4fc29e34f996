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

/** The data directory: `dir` if given, else `$NOISY_DIGITS_DATA`, else `<repo>/data`. */
export function dataDir(dir?: string): string {
  const chosen = dir ?? Deno.env.get("NOISY_DIGITS_DATA") ?? join(REPO_ROOT, "data");
  return resolve(chosen);
}

/** The outputs directory: `dir` if given, else `$NOISY_DIGITS_OUTPUTS`, else `<repo>/outputs`. */
export function outputsDir(dir?: string): string {
  const chosen = dir ?? Deno.env.get("NOISY_DIGITS_OUTPUTS") ?? join(REPO_ROOT, "outputs");
  return resolve(chosen);
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
