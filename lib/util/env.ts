/**
 * Settings read from environment variables, each refused with a message naming the variable, what it accepts and
 * what it got.
 *
 * @example
 * ```ts
 * const engine = envChoice("NOISY_DIGITS_ENGINE", ["native", "wasm", "auto"], "auto");
 * const threads = envPositiveInteger("NOISY_DIGITS_NATIVE_THREADS", 1);
 * ```
 *
 * @module
 */

/**
 * One of `choices` from variable `name`, trimmed and in any case; `unset` when it is unset, empty or unreadable (no
 * `--allow-env`). Anything else throws, e.g. `NOISY_DIGITS_ENGINE must be "native", "wasm" or "auto", got "gpu"`.
 */
export function envChoice<T extends string>(name: string, choices: readonly T[], unset: T): T {
  let v: string | undefined;
  try {
    v = Deno.env.get(name)?.trim().toLowerCase();
  } catch {
    v = undefined; // no --allow-env
  }
  if (!v) return unset;
  if ((choices as readonly string[]).includes(v)) return v as T;
  const quoted = choices.map((c) => `"${c}"`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}` : quoted.join("");
  throw new Error(`${name} must be ${list}, got "${v}"`);
}

/** A positive integer from variable `name`, `unset` when it is unset or empty; anything else throws. */
export function envPositiveInteger(name: string, unset: number): number {
  const v = Deno.env.get(name);
  if (v === undefined || v === "") return unset;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
}

/**
 * Runs `f` with variable `name` set to `value` (for every thread of the process), then restores the variable as it
 * was, whether `f` succeeds or throws.
 *
 * @example
 * ```ts
 * await withEnv("NOISY_DIGITS_PRECISION", "bf16", () => console.log(Deno.env.get("NOISY_DIGITS_PRECISION")));
 * ```
 */
export async function withEnv<T>(name: string, value: string, f: () => T | Promise<T>): Promise<T> {
  const before = Deno.env.get(name);
  Deno.env.set(name, value);
  try {
    return await f();
  } finally {
    if (before === undefined) Deno.env.delete(name);
    else Deno.env.set(name, before);
  }
}
