/**
 * Starting and stopping a Jupyter front end (JupyterLab or Jupyter Notebook) on
 * a loopback port with a token, for `deno task lab` and the browser test.
 * Everything started here is stopped by process id.
 *
 * @module
 */

import { delimiter, join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { boundToParent } from "noisy-digits/util";

/**
 * The project's virtual environment, where `.ci/setup` installs JupyterLab from
 * the local wheelhouse. Its `bin/` is searched before `PATH`.
 */
export const VENV_DIR: string = join(REPO_ROOT, ".venv");

/** A Jupyter front end that can serve the notebooks. */
export type FrontEnd = "lab" | "notebook";

/** Executable of each front end, as Debian and pip install them. */
export const FRONT_END_COMMANDS: Record<FrontEnd, string> = { lab: "jupyter-lab", notebook: "jupyter-notebook" };

/**
 * Full path of `name` in the project's `.venv/bin`, on `PATH`, or in `/usr/bin`
 * (where Debian puts Jupyter), in that order; `null` when absent.
 */
export function findExecutable(name: string, path: string = Deno.env.get("PATH") ?? ""): string | null {
  const dirs = [join(VENV_DIR, "bin"), ...path.split(delimiter).filter(Boolean), "/usr/bin"];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * The front end to use: `preferred` if given and installed, else JupyterLab if
 * installed, else Jupyter Notebook. Returns `null` when neither is installed.
 */
export function pickFrontEnd(
  preferred?: FrontEnd,
  find: (name: string) => string | null = findExecutable,
): { frontEnd: FrontEnd; command: string } | null {
  const order: FrontEnd[] = preferred ? [preferred] : ["lab", "notebook"];
  for (const frontEnd of order) {
    const command = find(FRONT_END_COMMANDS[frontEnd]);
    if (command) return { frontEnd, command };
  }
  return null;
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A random token of 48 hex digits. */
export function randomToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Command-line arguments that serve `dir` on `127.0.0.1:port` without opening a
 * browser. Both Notebook 6 and jupyter_server (JupyterLab, Notebook 7) accept
 * them; the token travels in `JUPYTER_TOKEN`, which both read. As root
 * (containers, CI) `--allow-root` is added, without which both refuse to start.
 */
export function serverArgs(options: { port: number; dir: string; root?: boolean }): string[] {
  return [
    ...(options.root ?? Deno.uid() === 0 ? ["--allow-root"] : []),
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${options.port}`,
    "--port-retries=0",
    `--notebook-dir=${options.dir}`,
  ];
}

/** Options of {@linkcode startJupyter}. */
export interface StartJupyterOptions {
  /** Directory to serve (the tree the UI shows). */
  dir: string;
  /** Front end; by default JupyterLab when installed, else Jupyter Notebook. */
  frontEnd?: FrontEnd;
  /** Port (default: a free one). */
  port?: number;
  /** Token (default: a random one). */
  token?: string;
  /** Extra environment for the server and the kernels it starts. */
  env?: Record<string, string>;
  /** File that receives the server's stdout and stderr (default: inherit). */
  logFile?: string;
  /** Seconds to wait for the server to answer (default 60). */
  timeoutS?: number;
  /** Extra command-line arguments for the server (e.g. `--LabApp.expose_app_in_browser=True`). */
  extraArgs?: string[];
}

/** A running Jupyter server. */
export interface JupyterServer {
  frontEnd: FrontEnd;
  /** Base URL, e.g. `http://127.0.0.1:8888`. */
  url: string;
  token: string;
  /** Process id of the server. */
  pid: number;
  /** `url` + `path` with the token as a query parameter. */
  urlFor(path?: string): string;
  /** Calls the REST API with the token (`GET` unless `init` says otherwise). */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Resolves when the server process exits. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Shuts every kernel down through the API, then stops the server by pid (SIGTERM, SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Sends `signal` to `pid`, ignoring a process that is already gone. */
export function killPid(pid: number, signal: Deno.Signal = "SIGTERM"): boolean {
  try {
    Deno.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits for `done` at most `ms` milliseconds; true when it settled in time. */
export async function within(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  const result = await Promise.race([done.then(() => true, () => true), timeout]);
  clearTimeout(timer);
  return result;
}

/**
 * Starts JupyterLab or Jupyter Notebook on a loopback port with a token and
 * waits until its API answers. Throws (after stopping it) if it does not come
 * up in time.
 *
 * @example
 * ```ts
 * const server = await startJupyter({ dir: "notebooks" });
 * console.log(server.urlFor("/tree"));
 * await server.stop();
 * ```
 */
export async function startJupyter(options: StartJupyterOptions): Promise<JupyterServer> {
  const picked = pickFrontEnd(options.frontEnd);
  if (!picked) {
    throw new Error(
      `no Jupyter front end found (${Object.values(FRONT_END_COMMANDS).join(", ")}); install Debian's jupyter-notebook`,
    );
  }
  const port = options.port ?? freePort();
  const token = options.token ?? randomToken();
  const log = options.logFile ? await Deno.open(options.logFile, { create: true, write: true, truncate: true }) : null;
  // The server (and through it its kernels) ends when this process does, even by kill -9.
  const launch = boundToParent(picked.command, [
    ...serverArgs({ port, dir: options.dir }),
    ...(options.extraArgs ?? []),
  ]);
  const child = new Deno.Command(launch.command, {
    args: launch.args,
    env: { ...options.env, JUPYTER_TOKEN: token },
    stdin: "null",
    stdout: log ? "piped" : "inherit",
    stderr: log ? "piped" : "inherit",
  }).spawn();
  if (log) {
    // Both streams into one file; each write is a whole chunk.
    const sink = (stream: ReadableStream<Uint8Array>) =>
      stream.pipeTo(new WritableStream({ write: (chunk) => void log.writeSync(chunk) })).catch(() => {});
    Promise.all([sink(child.stdout), sink(child.stderr)]).finally(() => log.close());
  }
  const url = `http://127.0.0.1:${port}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { ...init.headers, Authorization: `token ${token}` } });
  let exitedEarly = false;
  const exited = child.status.then((s) => (exitedEarly = true, s));

  const server: JupyterServer = {
    frontEnd: picked.frontEnd,
    url,
    token,
    pid: child.pid,
    urlFor: (path = "/") => `${url}${path}${path.includes("?") ? "&" : "?"}token=${token}`,
    api,
    exited,
    async stop() {
      if (!exitedEarly) {
        try {
          const kernels = await (await api("/api/kernels")).json() as { id: string }[];
          await Promise.all(
            kernels.map((k) => api(`/api/kernels/${k.id}`, { method: "DELETE" }).then((r) => r.body?.cancel())),
          );
        } catch {
          // the server is not answering; stopping it below still ends its kernels' parent
        }
      }
      killPid(child.pid, "SIGTERM");
      if (!(await within(exited, 5000))) {
        killPid(child.pid, "SIGKILL");
        await exited;
      }
    },
  };

  const deadline = performance.now() + (options.timeoutS ?? 60) * 1000;
  while (performance.now() < deadline && !exitedEarly) {
    try {
      const response = await api("/api/kernelspecs");
      await response.body?.cancel();
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop();
  throw new Error(
    `${picked.command} did not answer on ${url} within ${options.timeoutS ?? 60} s${
      options.logFile ? ` (see ${options.logFile})` : ""
    }`,
  );
}
