/**
 * Running the project's scripts as a user does (`deno run -A <script> …` from the repository root), for the tests
 * of the command-line tasks.
 *
 * @module
 */

import { REPO_ROOT } from "noisy-digits/data";

/** Runs `deno run -A ...args` in the repository root with `env`; returns its exit code and its output (stdout + stderr). */
export async function runScript(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd: REPO_ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr) };
}
