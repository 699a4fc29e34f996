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

/**
 * `text` as a decimal integer of at least `min` and at most 2^53 - 1 (larger
 * ones are not held exactly: a seed would silently change), or a usage error
 * naming `name`. Hexadecimal (`0x10`), exponents (`1e3`) and fractions are
 * refused, not converted.
 */
export function intOption(text: string | undefined, name: string, usage: string, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    usageError(
      `${name}: expected a decimal integer from ${min} to ${Number.MAX_SAFE_INTEGER}, got "${text}"`,
      usage,
    );
  }
  return n;
}

/** `text` as a finite decimal number (`0.5`, `1e-3`; no hexadecimal), or a usage error naming `name`. */
export function numberOption(text: string | undefined, name: string, usage: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(n)) {
    usageError(`${name}: expected a decimal number, got "${text}"`, usage);
  }
  return n;
}

/** `compute()`, or on an error (a folder setting that cannot be used) `error: <its message>` and exit status 2. */
export function orUsageError<T>(compute: () => T): T {
  try {
    return compute();
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : e}`);
    Deno.exit(2);
  }
}
