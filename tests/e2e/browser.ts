/**
 * Headless Chromium for the browser test: Debian's `/usr/bin/chromium`,
 * started by us (so we know its process id) with a fresh temporary profile,
 * then driven through `playwright-core` over the DevTools protocol.
 *
 * @module
 */

import { type Browser, chromium } from "playwright-core";
import { killPid, within } from "../../scripts/jupyter_server.ts";

/** Where Debian installs Chromium (override with `CHROMIUM`). */
export const CHROMIUM_PATH: string = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";

/** Chromium flags for a quiet, sandbox-free, GPU-free headless run. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  "--mute-audio",
  "--window-size=1400,1000",
  "--remote-debugging-address=127.0.0.1",
  "--remote-debugging-port=0",
];

/** A running Chromium and the playwright connection to it. */
export interface LaunchedBrowser {
  browser: Browser;
  /** Process id of the Chromium we started. */
  pid: number;
  /** The temporary profile directory (removed by `stop`). */
  userDataDir: string;
  /** Closes the connection, stops Chromium by pid and removes its profile. */
  stop(): Promise<void>;
}

/** Reads Chromium's stderr until it prints its DevTools WebSocket URL. */
async function devtoolsUrl(stderr: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stderr.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const found = (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`chromium exited before it listened:\n${seen.slice(-2000)}`);
      seen += decoder.decode(value, { stream: true });
      const match = seen.match(/DevTools listening on (ws:\/\/\S+)/);
      if (match) return match[1];
    }
  })();
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`chromium did not listen within ${timeoutMs} ms:\n${seen}`)), timeoutMs)
  );
  try {
    return await Promise.race([found, timer]);
  } finally {
    // Keep draining stderr so Chromium never blocks on a full pipe.
    (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {
        // stream closed
      }
    })();
  }
}

/** Starts headless Chromium with a fresh profile and connects playwright to it. */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<LaunchedBrowser> {
  const userDataDir = await Deno.makeTempDir({ prefix: "noisy-digits-chromium-" });
  const child = new Deno.Command(CHROMIUM_PATH, {
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, "about:blank"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stopProcess = async () => {
    killPid(child.pid, "SIGTERM");
    if (!(await within(child.status, 5000))) {
      killPid(child.pid, "SIGKILL");
      await child.status;
    }
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  };
  try {
    const ws = await devtoolsUrl(child.stderr, options.timeoutMs ?? 30_000);
    const browser = await chromium.connectOverCDP(ws);
    return {
      browser,
      pid: child.pid,
      userDataDir,
      async stop() {
        await within(browser.close(), 5000);
        await stopProcess();
      },
    };
  } catch (error) {
    await stopProcess();
    throw error;
  }
}
