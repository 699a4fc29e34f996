/**
 * Finding Jupyter and the Deno kernel: Debian's Jupyter runs on
 * `/usr/bin/python3` (another `python3` may come first on PATH).
 *
 * @module
 */

/** The interpreter that has nbclient / nbconvert (override with `JUPYTER_PYTHON`). */
export const JUPYTER_PYTHON: string = Deno.env.get("JUPYTER_PYTHON") ?? "/usr/bin/python3";

/** Names of the installed Jupyter kernelspecs. */
export async function kernelNames(): Promise<string[]> {
  const out = await new Deno.Command(JUPYTER_PYTHON, {
    args: ["-m", "jupyter_client.kernelspecapp", "list", "--json"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `cannot list Jupyter kernels with ${JUPYTER_PYTHON} (install Debian's jupyter-client): ${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
  return Object.keys(JSON.parse(new TextDecoder().decode(out.stdout)).kernelspecs ?? {});
}

/** Installs the Deno kernelspec (`deno jupyter --install`) unless a `deno` kernel exists. */
export async function ensureKernel(): Promise<void> {
  if ((await kernelNames()).includes("deno")) return;
  const out = await new Deno.Command(Deno.execPath(), { args: ["jupyter", "--install", "--force"] }).output();
  if (!out.success) throw new Error(`deno jupyter --install failed: ${new TextDecoder().decode(out.stderr)}`);
}
