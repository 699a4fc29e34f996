import assert from "node:assert/strict";
import { REPO_ROOT } from "noisy-digits/data";
import {
  findExecutable,
  freePort,
  type FrontEnd,
  type JupyterServer,
  pickFrontEnd,
  randomToken,
  serverArgs,
  startJupyter,
  VENV_DIR,
} from "../../scripts/jupyter_server.ts";
import { DENO_KERNELSPEC } from "../../scripts/notebook_metadata.ts";

Deno.test("JupyterLab is preferred, Jupyter Notebook is the fallback, a named one is required", () => {
  const only = (installed: string[]) => (name: string) => installed.includes(name) ? `/bin/${name}` : null;
  assert.deepEqual(pickFrontEnd(undefined, only(["jupyter-lab", "jupyter-notebook"])), {
    frontEnd: "lab",
    command: "/bin/jupyter-lab",
  });
  assert.equal(pickFrontEnd(undefined, only(["jupyter-notebook"]))?.frontEnd, "notebook");
  assert.equal(pickFrontEnd("lab", only(["jupyter-notebook"])), null);
  assert.equal(pickFrontEnd(undefined, only([])), null);
});

Deno.test("the server listens on loopback only, on the given port, without a browser", () => {
  const args = serverArgs({ port: 1234, dir: "/x", root: false });
  assert.ok(args.includes("--ip=127.0.0.1") && args.includes("--port=1234") && args.includes("--no-browser"));
  assert.ok(args.includes("--notebook-dir=/x") && args.includes("--port-retries=0"));
  assert.ok(!args.includes("--allow-root"));
  assert.ok(serverArgs({ port: 1, dir: "/x", root: true }).includes("--allow-root"));
});

Deno.test("ports are free and tokens are random", () => {
  const port = freePort();
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  listener.close();
  assert.match(randomToken(), /^[0-9a-f]{48}$/);
  assert.notEqual(randomToken(), randomToken());
});

/**
 * Starts `frontEnd` on the repository, checks that the API refuses a request without the token, runs `body` with
 * the kernelspecs it lists, then stops it and returns the server (exited).
 */
async function withServer(
  frontEnd: FrontEnd,
  body: (server: JupyterServer, specs: { kernelspecs: Record<string, { spec: Record<string, unknown> }> }) => unknown,
): Promise<JupyterServer> {
  const logFile = await Deno.makeTempFile({ suffix: ".log" });
  const server = await startJupyter({ dir: REPO_ROOT, frontEnd, logFile });
  try {
    const anonymous = await fetch(`${server.url}/api/kernelspecs`);
    await anonymous.body?.cancel();
    assert.equal(anonymous.status, 403);
    await body(server, await (await server.api("/api/kernelspecs")).json());
  } finally {
    await server.stop();
    await Deno.remove(logFile);
  }
  return server;
}

Deno.test({
  name: "a started Jupyter Notebook requires its token and is gone after stop",
  ignore: findExecutable("jupyter-notebook") === null,
  async fn() {
    const server = await withServer("notebook", (_, specs) => assert.ok("kernelspecs" in specs));
    const status = await server.exited;
    assert.ok(status.signal === "SIGTERM" || status.code !== undefined);
    assert.throws(() => Deno.kill(server.pid, "SIGCONT"));
  },
});

Deno.test({
  name: "JupyterLab from the project's .venv starts, requires its token and offers the Deno kernel (TypeScript)",
  ignore: findExecutable("jupyter-lab") === null,
  async fn() {
    assert.ok(findExecutable("jupyter-lab")!.startsWith(VENV_DIR), "the project's venv comes before PATH");
    await withServer("lab", async (server, specs) => {
      const deno = specs.kernelspecs.deno?.spec;
      assert.ok(deno, `kernels: ${Object.keys(specs.kernelspecs).join(", ")}`);
      assert.deepEqual({ language: deno.language, display_name: deno.display_name }, {
        language: DENO_KERNELSPEC.language,
        display_name: DENO_KERNELSPEC.display_name,
      });
      const page = await server.api("/lab");
      await page.body?.cancel();
      assert.equal(page.status, 200);
    });
  },
});
