/**
 * Processes: who a process is (a pid alone is not enough: pids are reused,
 * after a reboot or a container restart even our own), whether it still
 * runs, the signals that end a command, and stopping a child process.
 *
 * A process is identified by its pid and its start: the boot it started in
 * (`/proc/sys/kernel/random/boot_id`) and its start time in clock ticks after
 * boot (field 22 of `/proc/<pid>/stat`). A record that names a pid and a
 * start is judged alive only while that very process runs.
 *
 * @example
 * ```ts
 * const me = processIdentity();
 * processAlive(me.pid, me.started); // true
 * ```
 *
 * @module
 */

/** A process as records name it: its pid and, when known, its start (see the module doc). */
export interface ProcessIdentity {
  pid: number;
  /** `<boot id>:<start ticks>`; absent in records written before it was kept. */
  started?: string;
}

let bootId: string | null | undefined;
function boot(): string | null {
  if (bootId === undefined) {
    try {
      bootId = Deno.readTextFileSync("/proc/sys/kernel/random/boot_id").trim();
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** Fields of `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** Whether this system has procfs, so that liveness can be judged at all. */
function hasProcfs(): boolean {
  try {
    Deno.statSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

/**
 * The start of process `pid` (`<boot id>:<start ticks>`), or null when it
 * does not run (or has ended and waits to be reaped) or procfs is missing.
 */
export function processStart(pid: number): string | null {
  const fields = statFields(pid); // fields[0] is field 3 (the state), so field 22 is fields[19]
  if (!fields || fields[0] === "Z" || fields[0] === "X") return null;
  return `${boot() ?? "?"}:${fields[19]}`;
}

let own: ProcessIdentity | undefined;
/** This process: its pid and start. */
export function processIdentity(): ProcessIdentity {
  own ??= { pid: Deno.pid, ...(processStart(Deno.pid) ? { started: processStart(Deno.pid)! } : {}) };
  return { ...own };
}

/**
 * Whether the process a record names still runs. With `started`, only that
 * very process counts (a reused pid does not); without it (an old record), a
 * process with that pid other than this one (this process writes `started`
 * in its records, so a record without it is not its own). Where procfs is
 * missing it cannot tell and answers true, so that nothing is taken over.
 */
export function processAlive(pid: number, started?: string): boolean {
  if (!hasProcfs()) return true;
  if (started !== undefined) return processStart(pid) === started;
  if (pid === Deno.pid) return false;
  return processStart(pid) !== null;
}

/** The signals that end a command from outside: Ctrl+C, `kill`, a closed terminal or SSH session. */
export const ENDING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** One of {@linkcode ENDING_SIGNALS}. */
export type EndingSignal = typeof ENDING_SIGNALS[number];

const SIGNAL_NUMBERS: Record<EndingSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The exit status a shell gives a command ended by `signal`: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function signalExitCode(signal: EndingSignal): number {
  return 128 + SIGNAL_NUMBERS[signal];
}

/**
 * Calls `handler` on the first of {@linkcode ENDING_SIGNALS} (later ones are
 * ignored while it runs: a second Ctrl+C does not cut the shutdown short).
 * Returns a function that removes the listeners.
 */
export function onEndingSignal(handler: (signal: EndingSignal) => void | Promise<void>): () => void {
  let seen = false;
  const listeners = ENDING_SIGNALS.map((signal) => {
    const listener = () => {
      if (seen) return;
      seen = true;
      void handler(signal);
    };
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return () => listeners.forEach(([signal, listener]) => Deno.removeSignalListener(signal, listener));
}

/**
 * Stops `child`: SIGTERM, then SIGKILL when it has not ended within
 * `graceMs`; resolves once it has ended, with its status.
 */
export async function stopChild(child: Deno.ChildProcess, graceMs = 5000): Promise<Deno.CommandStatus> {
  try {
    child.kill("SIGTERM");
  } catch { /* already ended */ }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), graceMs)));
  const first = await Promise.race([child.status, late]);
  clearTimeout(timer);
  if (first !== "late") return first;
  try {
    child.kill("SIGKILL");
  } catch { /* ended meanwhile */ }
  return await child.status;
}

/** The pids of the processes whose parent is this process (Linux; none elsewhere). */
export function childPids(): number[] {
  const pids: number[] = [];
  try {
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      const fields = statFields(Number(e.name)); // fields[1] is field 4, the parent pid
      if (fields && Number(fields[1]) === Deno.pid && fields[0] !== "Z") pids.push(Number(e.name));
    }
  } catch { /* no procfs */ }
  return pids;
}

/**
 * Stops every child process of this one (a notebook executor, an HTML
 * renderer, whatever a command started): SIGTERM, then SIGKILL to those left
 * after `graceMs`; resolves once none runs, so that nothing this command
 * started writes after it exits.
 */
export async function stopChildren(graceMs = 5000): Promise<void> {
  const signal = (pids: number[], sig: Deno.Signal) =>
    pids.forEach((pid) => {
      try {
        Deno.kill(pid, sig);
      } catch { /* ended meanwhile */ }
    });
  signal(childPids(), "SIGTERM");
  const deadline = performance.now() + graceMs;
  let left = childPids();
  while (left.length && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = childPids();
  }
  signal(left, "SIGKILL");
  while ((left = childPids()).length) await new Promise((resolve) => setTimeout(resolve, 20));
}

let setpriv: string | null | undefined;
/**
 * `command` and `args` arranged so that the child is sent SIGTERM when this
 * process ends, however it ends (`setpriv --pdeathsig`, where util-linux has
 * it; unchanged elsewhere). For helpers a command runs and waits for (an
 * HTML renderer), so that a `kill -9` of the command does not leave them
 * writing.
 */
export function boundToParent(command: string, args: string[]): { command: string; args: string[] } {
  if (setpriv === undefined) {
    setpriv = null;
    for (const candidate of ["/usr/bin/setpriv", "/bin/setpriv"]) {
      try {
        if (Deno.statSync(candidate).isFile) setpriv = candidate;
      } catch { /* not there */ }
      if (setpriv) break;
    }
  }
  return setpriv ? { command: setpriv, args: ["--pdeathsig", "SIGTERM", "--", command, ...args] } : { command, args };
}
