/**
 * The notebooks stay thin and readable (issue "one house"): code lines of at most 120 characters, `const` / `let`
 * rather than `var`, a setup cell of at most 12 lines, imports included, and no other cell over 25 lines.
 * `deno fmt` does not cover the notebooks (its check of `.ipynb` files fails on a fresh cache), so this test does.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { listNotebooks } from "../../scripts/notebook_runner.ts";

const MAX_WIDTH = 120, MAX_SETUP = 12, MAX_CELL = 25;

interface Cell {
  cell_type: string;
  source: string | string[];
}

/** The lines of a cell's source, without a trailing empty line. */
function linesOf(cell: Cell): string[] {
  const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  return text.replace(/\n$/, "").split("\n");
}

/** What in a notebook breaks the style rules, one message per problem (empty when none). */
function styleProblems(cells: Cell[]): string[] {
  const problems: string[] = [];
  const code = cells.filter((c) => c.cell_type === "code");
  code.forEach((cell, i) => {
    const lines = linesOf(cell);
    lines.forEach((line, j) => {
      if (line.length > MAX_WIDTH) problems.push(`code cell ${i + 1}, line ${j + 1}: ${line.length} characters`);
      if (/(^|[\s;({])var\s/.test(line)) problems.push(`code cell ${i + 1}, line ${j + 1}: var (use const or let)`);
    });
    if (i === 0) {
      if (lines.length > MAX_SETUP) {
        problems.push(`setup cell: ${lines.length} lines (at most ${MAX_SETUP}, imports included)`);
      }
    } else if (lines.length > MAX_CELL) {
      problems.push(`code cell ${i + 1}: ${lines.length} lines (at most ${MAX_CELL})`);
    }
  });
  return problems;
}

const dir = join(REPO_ROOT, "notebooks");
for (const name of listNotebooks(dir)) {
  Deno.test(`notebooks/${name} is thin: short lines, const, a small setup cell, no cell over ${MAX_CELL} lines`, async () => {
    const nb = JSON.parse(await Deno.readTextFile(join(dir, name)));
    assert.deepEqual(styleProblems(nb.cells), []);
  });
}

Deno.test("the style check reports long lines, var, a long setup and a long cell, and passes a thin notebook", () => {
  const code = (source: string): Cell => ({ cell_type: "code", source });
  const setup = code('import { a, b } from "x";\nimport { c } from "y";\n// note\nconst d = a + b + c;');
  assert.deepEqual(styleProblems([setup, { cell_type: "markdown", source: "x".repeat(200) }, code("1")]), []);
  const long = code("x".repeat(121));
  assert.match(styleProblems([setup, long])[0], /121 characters/);
  assert.match(styleProblems([setup, code("var x = 1;")])[0], /var/);
  assert.match(styleProblems([code(Array(13).fill("f();").join("\n"))])[0], /setup cell: 13 lines/);
  const imports = Array(10).fill('import { a } from "x";').join("\n");
  assert.match(styleProblems([code(`${imports}\nf();\ng();\nh();`)])[0], /setup cell: 13 lines .*imports included/);
  assert.match(styleProblems([setup, code(Array(26).fill("f();").join("\n"))])[0], /26 lines/);
});
