/**
 * `deno task lab [--profile NAME] [--port N] [--token T] [--no-browser] [--lab | --notebook] [--autosave]`: opens the
 * notebooks in a Jupyter front end, leaving the repository clean.
 *
 * Starts JupyterLab when it is installed (in the project's `.venv/`, where `.ci/setup` puts it, or on `PATH`), else
 * Jupyter Notebook (Debian's `jupyter-notebook`), on `notebooks/`, on 127.0.0.1 with a random token (or `--token`),
 * installs the Deno kernel first if needed, and prints the URL to open (it never opens a browser itself;
 * `--no-browser` is accepted for those used to Jupyter's flag). The kernels get the profile (`--profile`, else
 * `NOISY_DIGITS_PROFILE` as `lib/data/profile.ts` reads it, default `quick`) and the data folder.
 *
 * JupyterLab runs with autosave off (an `overrides.json` in its own settings folder, see {@linkcode LAB_OVERRIDES};
 * `--autosave` keeps JupyterLab's default): running a cell never writes outputs into the tracked notebooks behind
 * the user's back. Saving on purpose (Ctrl+S) still writes; when the server stops, a notebook left with outputs is
 * named, with `deno task strip` to clear it. Ctrl+C stops the server and its kernels.
 *
 * @module
 */

import { join, relative } from "node:path";
import { activeProfile, dataDir, PROFILE_VARIABLE, type ProfileName, PROFILES, REPO_ROOT } from "noisy-digits/data";
import { onEndingSignal } from "noisy-digits/util";
import { ensureKernel } from "./notebook_runner.ts";
import { freePort, type FrontEnd, type JupyterServer, pickFrontEnd, startJupyter } from "./jupyter_server.ts";
import { intOption, orUsageError, parseOptions, usageError } from "./args.ts";
import { stripNotebook, trackedNotebooks } from "./strip_outputs.ts";

/** JupyterLab's setting that saves documents by itself, and its default interval (seconds). */
export const AUTOSAVE_PLUGIN = "@jupyterlab/docmanager-extension:plugin";

/**
 * The defaults `deno task lab` gives JupyterLab (its `overrides.json`): autosave off, so that outputs reach a
 * notebook file only when the user saves. A user's own setting still wins.
 */
export function labOverrides(options: { autosave?: boolean; autosaveInterval?: number } = {}) {
  const docmanager: Record<string, unknown> = { autosave: options.autosave ?? false };
  if (options.autosaveInterval !== undefined) docmanager.autosaveInterval = options.autosaveInterval;
  return { [AUTOSAVE_PLUGIN]: docmanager };
}

/** Options of {@linkcode startLab}. */
export interface LabOptions {
  frontEnd?: FrontEnd;
  /** The folder served (default `notebooks/`). */
  dir?: string;
  port?: number;
  token?: string;
  profile: ProfileName;
  /** Keep JupyterLab's autosave (default false: off). */
  autosave?: boolean;
  /** Autosave interval in seconds (JupyterLab's default 120; tests shorten it). */
  autosaveInterval?: number;
  /** More environment for the server and its kernels. */
  env?: Record<string, string>;
  logFile?: string;
  extraArgs?: string[];
}

/** The lab of `deno task lab`: the server, and `stop` (server, kernels, the settings folder). */
export async function startLab(options: LabOptions): Promise<{ server: JupyterServer; stop(): Promise<void> }> {
  const settings = await Deno.makeTempDir({ prefix: "noisy-digits-lab-settings-" });
  await Deno.writeTextFile(
    join(settings, "overrides.json"),
    JSON.stringify(labOverrides({ autosave: options.autosave, autosaveInterval: options.autosaveInterval }), null, 1),
  );
  // Jupyter Notebook 6 has no such settings: only JupyterLab is given the folder.
  const frontEnd = options.frontEnd ?? pickFrontEnd()?.frontEnd;
  const settingsArgs = frontEnd === "lab" ? [`--LabApp.app_settings_dir=${settings}`] : [];
  try {
    const server = await startJupyter({
      dir: options.dir ?? join(REPO_ROOT, "notebooks"),
      frontEnd,
      port: options.port ?? freePort(),
      token: options.token,
      env: { ...options.env, [PROFILE_VARIABLE]: options.profile, NOISY_DIGITS_DATA: dataDir() },
      logFile: options.logFile,
      extraArgs: [...settingsArgs, ...(options.extraArgs ?? [])],
    });
    return {
      server,
      async stop() {
        await server.stop();
        await Deno.remove(settings, { recursive: true }).catch(() => {});
      },
    };
  } catch (error) {
    await Deno.remove(settings, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** Tracked notebooks that hold outputs or kernel metadata (saved from an editor), relative to the repository. */
export async function notebooksWithOutputs(): Promise<string[]> {
  const out: string[] = [];
  for (const f of trackedNotebooks()) {
    const text = await Deno.readTextFile(f);
    if (stripNotebook(text, f) !== text) out.push(relative(REPO_ROOT, f));
  }
  return out;
}

if (import.meta.main) {
  const USAGE = "usage: deno task lab [--profile smoke|quick|full] [--port N] [--token T] [--no-browser] " +
    "[--lab | --notebook] [--autosave]\n" +
    "Starts JupyterLab (else Jupyter Notebook) on notebooks/ with autosave off and prints the URL to open.";
  const { values } = parseOptions({
    lab: { type: "boolean", default: false },
    notebook: { type: "boolean", default: false },
    port: { type: "string" },
    token: { type: "string" },
    profile: { type: "string" },
    "no-browser": { type: "boolean", default: false },
    autosave: { type: "boolean", default: false },
  }, USAGE);
  const port = intOption(values.port, "--port", USAGE, 1);
  if (values.profile !== undefined && !(PROFILES as readonly string[]).includes(values.profile)) {
    usageError(`--profile must be one of ${PROFILES.join(", ")}, got "${values.profile}"`, USAGE);
  }
  const profile = (values.profile as ProfileName | undefined) ?? activeProfile();
  const preferred: FrontEnd | undefined = values.lab ? "lab" : values.notebook ? "notebook" : undefined;
  const picked = pickFrontEnd(preferred);
  if (!picked) {
    console.error(
      preferred
        ? `jupyter-${preferred} is not installed`
        : "neither JupyterLab nor Jupyter Notebook is installed: run `bash .ci/setup` (JupyterLab into .venv/ from the wheelhouse, or Debian's jupyter-notebook)",
    );
    Deno.exit(1);
  }
  const data = orUsageError(() => dataDir());
  await ensureKernel();
  const lab = await startLab({
    frontEnd: picked.frontEnd,
    port,
    token: values.token,
    profile,
    autosave: values.autosave,
  });
  const { server } = lab;
  const path = picked.frontEnd === "lab" ? "/lab" : "/tree";
  console.log(`\n${picked.command} (pid ${server.pid}) serves ${join(REPO_ROOT, "notebooks")}`);
  console.log(`profile ${profile}, data ${data}; open:\n\n    ${server.urlFor(path)}\n`);
  console.log(
    picked.frontEnd === "lab" && !values.autosave
      ? "Autosave is off: Ctrl+S saves a notebook, outputs included (`deno task strip` clears them before a commit)."
      : "Autosave is on: notebooks are saved with their outputs; `deno task strip` clears them before a commit.",
  );
  console.log("Ctrl+C stops it.");

  let stopping = false;
  const finish = async (code: number) => {
    await lab.stop();
    const saved = await notebooksWithOutputs();
    if (saved.length) console.log(`saved with outputs: ${saved.join(", ")}; \`deno task strip\` clears them`);
    Deno.exit(code);
  };
  // Ctrl+C, kill, a closed terminal: the kernels are shut down and the server stopped before this process exits.
  onEndingSignal((signal) => {
    stopping = true;
    console.log(`\n${signal}: stopping the server and its kernels…`);
    return finish(0);
  });
  const status = await server.exited;
  if (!stopping) await finish(status.code);
}
