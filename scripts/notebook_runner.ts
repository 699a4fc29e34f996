/**
 * Running notebooks headlessly: finding Jupyter and the Deno kernel (Debian's Jupyter runs on
 * `/usr/bin/python3`; another `python3` may come first on PATH) and executing a notebook.
 *
 * @module
 */

import { stopChild } from "noisy-digits/util";

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

/**
 * A stand-in for Jupyter, for tests of the scripts around the notebooks: when
 * `NOISY_DIGITS_NOTEBOOK_STUB` names a Deno script, {@linkcode runNotebook}
 * runs `deno run -A <script> <notebook> <executed copy>` with the same
 * environment instead of executing the notebook, and no kernel is needed.
 */
export const NOTEBOOK_STUB: string | undefined = Deno.env.get("NOISY_DIGITS_NOTEBOOK_STUB") || undefined;

/** Installs the Deno kernelspec (`deno jupyter --install`) unless a `deno` kernel exists. */
export async function ensureKernel(): Promise<void> {
  if (NOTEBOOK_STUB) return;
  if ((await kernelNames()).includes("deno")) return;
  const out = await new Deno.Command(Deno.execPath(), { args: ["jupyter", "--install", "--force"] }).output();
  if (!out.success) throw new Error(`deno jupyter --install failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** Notebook file names in `dir`, in execution order (sorted by name). */
export function listNotebooks(dir: string): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ipynb")).map((e) => e.name).sort();
}

let running: Deno.ChildProcess | null = null, stopping = false;

/**
 * Stops the notebook run in progress, if any: its executor gets SIGTERM
 * (SIGKILL after `graceMs`), kills its kernels and ends; resolves once it
 * has ended, so that nothing of the run writes after the caller exits.
 */
export async function stopRunningNotebook(graceMs = 5000): Promise<void> {
  stopping = true;
  if (running) await stopChild(running, graceMs);
}

/** Options of {@linkcode runNotebook}. */
export interface RunNotebookOptions {
  profile: string;
  dataDir: string;
  outputsDir: string;
  /** Also run the re-execution checks (default true). */
  rerun?: boolean;
}

/**
 * Executes `notebooks/<name>` with nbclient on the Deno kernel
 * (`scripts/execute_notebook.py`), writing the executed copy to
 * `<outputs>/notebooks/<name>`. Output streams to this process's. Once
 * {@linkcode stopRunningNotebook} was called it never resolves.
 */
export async function runNotebook(
  path: string,
  options: RunNotebookOptions,
): Promise<{ ok: boolean; seconds: number }> {
  const t0 = performance.now();
  const name = path.split("/").pop()!;
  const args = [
    new URL("./execute_notebook.py", import.meta.url).pathname,
    path,
    `${options.outputsDir}/notebooks/${name}`,
  ];
  if (options.rerun === false) args.push("--no-rerun");
  const child = new Deno.Command(NOTEBOOK_STUB ? Deno.execPath() : JUPYTER_PYTHON, {
    args: NOTEBOOK_STUB ? ["run", "-A", NOTEBOOK_STUB, ...args.slice(1)] : args,
    env: {
      // The executor ends, its kernels with it, when this process is gone (scripts/execute_notebook.py).
      NOISY_DIGITS_PARENT_PID: String(Deno.pid),
      NOISY_DIGITS_PROFILE: options.profile,
      NOISY_DIGITS_DATA: options.dataDir,
      NOISY_DIGITS_OUTPUTS: options.outputsDir,
    },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  running = child;
  const status = await child.status;
  // A stopped run reports nothing: whoever stopped it (a signal handler) speaks and exits.
  if (stopping) await new Promise(() => {});
  running = null;
  return { ok: status.success, seconds: (performance.now() - t0) / 1000 };
}
