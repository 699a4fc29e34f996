/**
 * The Deno kernel can forward a cell's output after reporting the cell idle; with queued cells (Run All) the
 * output is then dropped or shown under the next cell. `show` must not be affected: this queues 120 cells
 * that each end with `await show(...)` and requires every output on time, under the right cell.
 */
import assert from "node:assert/strict";
import { REPO_ROOT } from "noisy-digits/data";

const python = "/usr/bin/python3";
const hasJupyterClient = (() => {
  try {
    return new Deno.Command(python, { args: ["-c", "import jupyter_client"], stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "kernel: 120 queued cells ending with `await show(...)` each get their output, on time, in their cell",
  ignore: !hasJupyterClient,
  sanitizeResources: false,
  async fn() {
    const out = await new Deno.Command(python, {
      args: [`${REPO_ROOT}/tests/fixtures/kernel_order.py`, "40", "3", 'await show("CELL{k}");'],
      stderr: "piped",
      stdout: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
    const [result] = text.trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(
      { late: result.late, wrong: result.wrong, missing: result.missing },
      { late: 0, wrong: 0, missing: 0 },
      `outputs astray out of ${result.cells} cells: ${text}`,
    );
  },
});
