/**
 * Every figure quoted in the notebooks' prose and in the README's results is
 * traceable: to the report (named in the same sentence), to a cell output
 * above it in the published run's executed notebook, to the published run's
 * ledger, or to a fact of the design (tests/support/traceability.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ledgerFigures,
  ledgerSeedFigures,
  printedFigures,
  quotes,
  roundsTo,
  type Sources,
  untraced,
  untracedSpreads,
} from "../support/traceability.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const PUBLISHED = join(ROOT, "outputs", "published");
/** The report's figures (numbers only), kept in the repository so that the tests need nothing outside it. */
const REPORT_FIGURES: number[] = JSON.parse(
  Deno.readTextFileSync(join(ROOT, "tests", "fixtures", "report_figures.json")),
).figures;

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { text?: string | string[]; data?: Record<string, string | string[]> }[];
}
const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");
const cellsOf = (path: string): Cell[] => JSON.parse(Deno.readTextFileSync(path)).cells;

/** Every printed text of a code cell's outputs (streams, plain text, Markdown, HTML without its tags). */
function outputText(cell: Cell): string {
  return (cell.outputs ?? []).map((o) =>
    [
      text(o.text),
      text(o.data?.["text/plain"]),
      text(o.data?.["text/markdown"]),
      text(o.data?.["text/html"]).replace(/<[^>]+>/g, " "),
    ].join("\n")
  ).join("\n");
}

const sources = (above: number[], ledger: number[], report: number[]): Sources => ({ above, ledger, report });

Deno.test("traceability: quotes finds percentages and accuracies, not learning rates or arithmetic", () => {
  const found = quotes(
    "The CNN reaches 95.80 % on the holdout. Adadelta at lr 0.01 then 0.001. A stroke keeps 0.99^16 = 0.85 of its " +
      "value. Its radial kernel scores 0.782 by its confusion matrix.",
  );
  assert.deepEqual(found.map((q) => [q.text, q.percent, q.decimals]), [["95.80 %", 95.8, 2], ["0.782", 78.2, 1]]);
  // A p-value in a sentence about accuracy is not an accuracy.
  assert.deepEqual(quotes("It scores 0.962, better than 0.951, p < 0.001.").map((q) => q.text), ["0.962", "0.951"]);
});

Deno.test("traceability: a figure in a ledger row's own label is traced to the ledger", () => {
  const ledger = ledgerFigures([{
    model: "18 of ~15,000 updates: untrained, stopped at 0.12 % of them",
    testAccuracy: 0.1256,
  }]);
  assert.deepEqual(
    untraced("| model | test |\n| --- | --- |\n| stopped at 0.12 % | 12.56 % |", sources([], ledger, [])),
    [],
  );
  assert.deepEqual(untraced("It stopped at 0.13 % of them.", sources([], ledger, [])).map((q) => q.text), ["0.13 %"]);
});

Deno.test("traceability: a figure is traced by rounding, to the report only when the sentence names it", () => {
  const [q] = quotes("It scores 96 % on the test images.");
  assert.ok(roundsTo(95.8, q) && !roundsTo(95.4, q));
  // Printed above: traced. Not printed anywhere: untraced. The report's figure: only when the sentence says so.
  assert.deepEqual(untraced("It scores 95.80 %.", sources([95.8], [], [])), []);
  assert.deepEqual(untraced("It scores 95.80 %.", sources([95.81], [], [])).map((x) => x.text), ["95.80 %"]);
  assert.deepEqual(untraced("It scores 92.1 %.", sources([], [], [92.1])).map((x) => x.text), ["92.1 %"]);
  assert.deepEqual(untraced("The report's CNN scores 92.1 %.", sources([], [], [92.1])), []);
  assert.deepEqual(untraced("Ours scores 97.9 %.", sources([], [97.91], [])), []);
  assert.deepEqual(untraced("Chance is 10 %, one digit in ten.", sources([], [], [])), []);
  assert.deepEqual(printedFigures("holdout 0.9580 | 83.37 % | epoch 3"), [83.37, 95.8]);
});

Deno.test({
  name:
    "traceability: every figure in the notebooks' prose is printed above it, in the published ledger or the report's",
  fn() {
    const ledger = ledgerFigures(JSON.parse(Deno.readTextFileSync(join(PUBLISHED, "results.json"))));
    const report = REPORT_FIGURES;
    const problems: string[] = [];
    const notebooks = [...Deno.readDirSync(join(ROOT, "notebooks"))].map((e) => e.name).filter((n) =>
      n.endsWith(".ipynb")
    ).sort();
    for (const name of notebooks) {
      const executed = cellsOf(join(PUBLISHED, "notebooks", name));
      for (const cell of cellsOf(join(ROOT, "notebooks", name)).filter((c) => c.cell_type === "markdown")) {
        const prose = text(cell.source);
        const at = executed.findIndex((c) => c.cell_type === "markdown" && text(c.source) === prose);
        if (at < 0) {
          problems.push(`${name}: prose not in the published run (re-run it): "${prose.slice(0, 80)}…"`);
          continue;
        }
        const above = executed.slice(0, at).filter((c) => c.cell_type === "code").flatMap((c) =>
          printedFigures(outputText(c))
        );
        for (const q of untraced(prose, sources(above, ledger, report))) {
          problems.push(`${name}: "${q.text}" in "${q.sentence.slice(0, 160)}"`);
        }
      }
    }
    assert.deepEqual(
      problems,
      [],
      `figures that no cell above prints and the published ledger lacks:\n${problems.join("\n")}`,
    );
  },
});

Deno.test({
  name: "traceability: the README's headline and results quote the published ledger or the report",
  fn() {
    const rows = JSON.parse(Deno.readTextFileSync(join(PUBLISHED, "results.json")));
    const ledger = ledgerFigures(rows);
    const report = REPORT_FIGURES;
    const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
    // The part above the first section, and the results section.
    const intro = readme.slice(0, readme.indexOf("\n## "));
    const results = /\n## Results[^\n]*\n([\s\S]*?)(?=\n## |$)/.exec(readme)?.[1];
    assert.ok(results, "the README has a Results section");
    const problems = untraced(`${intro}\n\n${results}`, sources([], ledger, report)).map((q) =>
      `"${q.text}" in "${q.sentence.slice(0, 160)}"`
    );
    // "mean % ± sd": both from one model's seeds in the ledger.
    problems.push(...untracedSpreads(`${intro}\n\n${results}`, ledgerSeedFigures(rows)).map((s) => `over seeds: ${s}`));
    assert.deepEqual(problems, [], `README figures not in the published ledger:\n${problems.join("\n")}`);
  },
});

Deno.test("traceability: a mean ± sd is traced to one model's seeds in the ledger, not to any accuracy", () => {
  const rows = [0.9, 0.92, 0.94].map((testAccuracy, i) => ({ id: "m", seed: 7 + i, profile: "full", testAccuracy }));
  const figures = ledgerSeedFigures(rows);
  assert.deepEqual(untracedSpreads("It scores 92.00 % ± 2.00 over 3 seeds.", figures), []);
  assert.deepEqual(untracedSpreads("It scores 92.00 % ± 1.00 over 3 seeds.", figures), ["92 % ± 1"]);
  assert.deepEqual(untracedSpreads("It scores 91.00 % ± 2.00 over 3 seeds.", figures), ["91 % ± 2"]);
  // Neither the mean nor the spread is read as an accuracy of its own: both are traced together, above.
  assert.deepEqual(quotes("Its test accuracy is 92.00 % ± 0.02 over seeds, 91.50 % for one seed.").map((q) => q.text), [
    "91.50 %",
  ]);
});

Deno.test("traceability: a table row is read with its header", () => {
  const table = "| model | ours | report's figure |\n| --- | --- | --- |\n| CNN | 95.80 % | 92.1 % |";
  assert.deepEqual(untraced(table, sources([], [95.8], [92.1])), []);
  assert.deepEqual(
    untraced(table.replace("report's figure", "other"), sources([], [95.8], [92.1])).map((q) => q.text),
    [
      "92.1 %",
    ],
  );
});
