import assert from "node:assert/strict";
import { REPO_ROOT } from "../lib/data/paths.ts";
import {
  findExecutable,
  freePort,
  pickFrontEnd,
  randomToken,
  serverArgs,
  startJupyter,
  VENV_DIR,
} from "../scripts/jupyter_server.ts";
import { DENO_KERNELSPEC } from "../scripts/notebook_metadata.ts";

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

Deno.test({
  name: "a started Jupyter Notebook requires its token and is gone after stop",
  ignore: findExecutable("jupyter-notebook") === null,
  async fn() {
    const logFile = await Deno.makeTempFile({ suffix: ".log" });
    const server = await startJupyter({ dir: REPO_ROOT, frontEnd: "notebook", logFile });
    try {
      const anonymous = await fetch(`${server.url}/api/kernels`);
      await anonymous.body?.cancel();
      assert.equal(anonymous.status, 403);
      const specs = await (await server.api("/api/kernelspecs")).json();
      assert.ok("kernelspecs" in specs);
    } finally {
      await server.stop();
      await Deno.remove(logFile);
    }
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
    const logFile = await Deno.makeTempFile({ suffix: ".log" });
    const server = await startJupyter({ dir: REPO_ROOT, frontEnd: "lab", logFile });
    try {
      const anonymous = await fetch(`${server.url}/api/kernelspecs`);
      await anonymous.body?.cancel();
      assert.equal(anonymous.status, 403);
      const specs = await (await server.api("/api/kernelspecs")).json();
      const deno = specs.kernelspecs.deno?.spec;
      assert.ok(deno, `kernels: ${Object.keys(specs.kernelspecs).join(", ")}`);
      assert.deepEqual({ language: deno.language, display_name: deno.display_name }, {
        language: DENO_KERNELSPEC.language,
        display_name: DENO_KERNELSPEC.display_name,
      });
      const page = await server.api("/lab");
      await page.body?.cancel();
      assert.equal(page.status, 200);
    } finally {
      await server.stop();
      await Deno.remove(logFile);
    }
  },
});
