/**
 * Command-line options of the task scripts: `node:util`'s `parseArgs` with
 * the house rule for bad input. A mistyped option, a missing value or a stray
 * argument prints `error: ...` and the usage line and exits with status 2
 * (no stack trace); `--help` prints the usage and exits 0.
 *
 * @example
 * ```ts
 * const usage = "usage: deno task data [--force] [--seed N]";
 * const { values } = parseOptions({ force: { type: "boolean" }, seed: { type: "string" } }, usage);
 * const seed = intOption(values.seed, "--seed", usage);
 * ```
 *
 * @module
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** Prints `error: <problem>` and the usage line, and exits with status 2. */
export function usageError(problem: string, usage: string): never {
  console.error(`error: ${problem}\n${usage}`);
  Deno.exit(2);
}

/**
 * Parses `args` (default `Deno.args`) against `options` (a `--help`/`-h`
 * flag is added). Positionals are refused unless `allowPositionals`.
 */
export function parseOptions<T extends ParseArgsOptionsConfig>(
  options: T,
  usage: string,
  { args = Deno.args, allowPositionals = false }: { args?: string[]; allowPositionals?: boolean } = {},
) {
  const config = {
    args,
    options: { ...options, help: { type: "boolean", short: "h", default: false } } as T,
    allowPositionals: allowPositionals as boolean,
    strict: true as const,
  };
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (e) {
    usageError(e instanceof Error ? e.message : String(e), usage);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    console.log(usage);
    Deno.exit(0);
  }
  return parsed;
}

/** `text` as an integer of at least `min`, or a usage error naming `name`. */
export function intOption(text: string | undefined, name: string, usage: string, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min) {
    usageError(`${name}: expected an integer >= ${min}, got "${text}"`, usage);
  }
  return n;
}

/** `text` as a finite number, or a usage error naming `name`. */
export function numberOption(text: string | undefined, name: string, usage: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) usageError(`${name}: expected a number, got "${text}"`, usage);
  return n;
}
