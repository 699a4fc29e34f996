/**
 * `deno task lab [--notebook|--lab] [--port N]`: opens the notebooks in a
 * Jupyter front end. Starts JupyterLab when it is installed (in the project's
 * `.venv/`, where `.ci/setup` puts it, or on `PATH`), else Jupyter Notebook
 * (Debian's `jupyter-notebook`), on `notebooks/`, on 127.0.0.1 with a
 * random token, installs the Deno kernel first if needed, and prints the URL to
 * open. Ctrl+C stops the server and its kernels.
 *
 * @module
 */

import { join } from "node:path";
import { dataDir, REPO_ROOT } from "../lib/data/paths.ts";
import { activeProfile } from "../lib/study/profile.ts";
import { ensureKernel } from "./notebook_runner.ts";
import { freePort, type FrontEnd, pickFrontEnd, startJupyter } from "./jupyter_server.ts";
import { intOption, orUsageError, parseOptions } from "./args.ts";
import { onEndingSignal } from "../lib/util/process.ts";

const USAGE = "usage: deno task lab [--lab | --notebook] [--port N]\n" +
  "Starts JupyterLab (else Jupyter Notebook) on notebooks/ and prints the URL.";
const { values } = parseOptions({
  lab: { type: "boolean", default: false },
  notebook: { type: "boolean", default: false },
  port: { type: "string" },
}, USAGE);
const port = intOption(values.port, "--port", USAGE, 1);

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
const dir = join(REPO_ROOT, "notebooks");
const server = await startJupyter({
  dir,
  frontEnd: picked.frontEnd,
  port: port ?? freePort(),
  env: { NOTEBOOK_PROFILE: activeProfile(), NOISY_DIGITS_DATA: data },
  logFile: undefined,
});
const path = picked.frontEnd === "lab" ? "/lab" : "/tree";
console.log(`\n${picked.command} (pid ${server.pid}) serves ${dir}`);
console.log(`profile ${activeProfile()}, data ${data}; open:\n\n    ${server.urlFor(path)}\n`);
console.log("Ctrl+C stops it.");

let stopping = false;
// Ctrl+C, kill, a closed terminal: the kernels are shut down and the server stopped before this process exits.
onEndingSignal(async (signal) => {
  stopping = true;
  console.log(`\n${signal}: stopping the server and its kernels…`);
  await server.stop();
  Deno.exit(0);
});
const status = await server.exited;
if (!stopping) Deno.exit(status.code);
