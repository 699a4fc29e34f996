/**
 * The pages of a published run (`scripts/published.ts`, `scripts/pages.ts`): the report's Markdown as HTML, a
 * notebook page made smaller without changing what it shows, wall times read back from a report, and a clear error
 * where only an nbconvert older than 7 (Debian's, which strips inline SVG) is there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compactPage, indexPage, markdownToHtml, reportPage } from "../../scripts/published.ts";
import { parseDuration, runFromReport } from "../../scripts/pages.ts";
import { formatDuration } from "noisy-digits/display";

Deno.test("pages: the report's Markdown becomes headings, tables, images and escaped inline text", () => {
  const html = markdownToHtml(
    "# Title\n\nProfile `full`, data <from> _here_.\n\n| a | b |\n| :--- | :--- |\n| **x** | 1 |\n\n" +
      "![f.svg](figures/f.svg)\n",
  );
  assert.match(html, /<h1>Title<\/h1>/);
  assert.match(html, /<code>full<\/code>, data &lt;from&gt; <em>here<\/em>\./);
  assert.match(
    html,
    /<thead><tr><th>a<\/th><th>b<\/th><\/tr><\/thead><tbody>\n<tr><td><strong>x<\/strong><\/td><td>1<\/td><\/tr>/,
  );
  assert.match(html, /<img src="figures\/f\.svg" alt="f\.svg">/);
  assert.match(reportPage("# R\n\nbody\n"), /<title>R<\/title>[\s\S]*<a href="index\.html">/);
});

Deno.test("pages: a figure that is also a file is linked, another stays inline, blank tokens and MIME types go", () => {
  const svg = '<svg width="4" height="4"><rect width="4" height="4"/></svg>';
  const other = '<svg width="2" height="2"><circle r="1"/></svg>';
  const b64 = (s: string) => btoa(s);
  const page = `<img alt="No description" src="data:image/svg+xml;base64,${b64(svg)}"/>` +
    `<img alt="No description" src="data:image/svg+xml;base64,${b64(other)}"/>` +
    `<span class="k">const</span><span class="w"> </span><span class="nx">a</span>` +
    `<div class="jp-Collapser jp-InputCollapser jp-Cell-inputCollapser">\n</div>\n<p>kept</p>`;
  const out = compactPage(page, new Map([["a b.svg", svg]]));
  assert.ok(out.includes('<img alt="figure a b.svg" src="../figures/a%20b.svg"/>'));
  assert.ok(out.includes(`src="data:image/svg+xml;base64,${b64(other)}"`), "a figure with no file stays inline");
  assert.ok(out.includes("const a"), "the blank token's text stays (no stylesheet here, so no token is coloured)");
  assert.ok(!out.includes("jp-Collapser") && out.includes("<p>kept</p>"));
  const outputs = '<div class="jp-RenderedText" data-mime-type="text/plain">a</div>' +
    '<div class="jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr">b</div>';
  assert.equal(
    compactPage(outputs, new Map()),
    '<div class="jp-RenderedText">a</div>' +
      '<div class="jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr">b</div>',
    "an output's MIME type goes unless the stylesheet selects on it (stderr's red background)",
  );
});

Deno.test("pages: neighbouring plain-text outputs become one, in order; stderr and rich outputs stay apart", () => {
  const child = (text: string, attrs = "") =>
    `<div class="jp-OutputArea-child">\n<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>\n` +
    `<div class="jp-RenderedText jp-OutputArea-output"${attrs} tabindex="0">\n<pre>${text}</pre>\n</div>\n</div>\n`;
  const stderr = ' data-mime-type="application/vnd.jupyter.stderr"';
  const page = child("train 100% [1.0s&lt;0.0s]") + child("predict 100%") + child("a warning", stderr) +
    child("after") + child('<span class="ansi-red-fg">red</span>') + child("last");
  const out = compactPage(page, new Map());
  assert.equal(
    out,
    child("train 100% [1.0s&lt;0.0s]\npredict 100%") + child("a warning", stderr) + child("after") +
      child('<span class="ansi-red-fg">red</span>') + child("last"),
  );
  const text = (h: string) => h.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
  assert.equal(text(out), text(page), "the same text, in the same order");
  assert.ok(out.length < page.length);
});

Deno.test("pages: token spans the stylesheet does not colour go, spans that show the same merge across blanks, CSS comments go", () => {
  const style = '<style type="text/css">\n.highlight .k { color: red } /* Keyword */\n' +
    ".highlight .s2 { color: green } /* Literal.String.Double */\n.highlight .sb { color: green }\n</style>";
  const code = '<span class="k">const</span> <span class="nx">a</span> = <span class="s2">"x"</span>' +
    '<span class="sb">`y`</span><span class="k">let</span> <span class="k">in</span>';
  const out = compactPage(style + code, new Map());
  assert.ok(!out.includes("/* Keyword */") && out.includes(".highlight .k { color: red }"));
  const shown = out.slice(out.indexOf("</style>") + 8);
  assert.equal(shown, '<span class=k>const</span> a = <span class=s2>"x"`y`</span><span class=k>let in</span>');
  // What a reader sees is the same text, each character in the same colour as before.
  const text = (h: string) => h.replace(/<[^>]+>/g, "");
  assert.equal(text(shown), text(code));
});

Deno.test("pages: wall times and the run are read back from a report as formatDuration wrote them", () => {
  for (const s of [7.5, 353, 3720]) assert.equal(formatDuration(parseDuration(formatDuration(s))), formatDuration(s));
  assert.ok(Number.isNaN(parseDuration("ok")) && Number.isNaN(parseDuration("")));
  const report = "# r\n\nProfile `full`, data from `data`, started 2026-12-01T20:20:25.001Z, total 6m00s.\n\n" +
    "Machine: x. Training engine: native (a. b). Peak (`deno task bench`'s).\n\n## Headline (test)\n\n| | test |\n| :--- | :--- |\n| m | 1 % |\n\n" +
    "## Steps\n\n| step | wall time | status |\n| :--- | :--- | :--- |\n| data | 3.2s | built |\n" +
    "| 01_a.ipynb | 5m56s | ok |\n| 02_b.ipynb | 2m32s | ok, run on its own 2026-12-04 |\n";
  const { run, steps, statuses, headlineHtml } = runFromReport(report);
  assert.deepEqual(run, {
    profile: "full",
    started: "2026-12-01T20:20:25.001Z",
    totalSeconds: 511.2,
    engine: "native (a. b). Peak (`deno task bench`'s)",
  });
  assert.equal(steps.get("01_a.ipynb"), 356);
  assert.equal(statuses.get("02_b.ipynb"), "ok, run on its own 2026-12-04");
  // The index shows a status that says more than "ok" beside the wall time, and nothing for a plain "ok".
  const notebook = (name: string) => ({
    name,
    title: name,
    seconds: steps.get(name)!,
    figures: 0,
    status: statuses.get(name),
  });
  const index = indexPage(run, [notebook("01_a.ipynb"), notebook("02_b.ipynb")], headlineHtml);
  assert.match(index, /2m32s <span class="status">\(ok, run on its own 2026-12-04\)<\/span>/);
  assert.doesNotMatch(index, /5m56s <span/);
  // The engine line's Markdown code spans are drawn as code, not shown as backticks.
  assert.match(index, /Peak \(<code>deno task bench<\/code>'s\)/);
  assert.match(headlineHtml, /<td>m<\/td><td>1 %<\/td>/);
  assert.throws(() => runFromReport("# nothing\n", "x/REPORT.md"), /x\/REPORT\.md: no "Profile/);
});

Deno.test({
  name: "pages: with only Debian's nbconvert 6 the pages are refused with what to do, nothing written",
  ignore: !(await Deno.stat("/usr/bin/python3").then(() => true, () => false)),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(join(dir, "notebooks"));
      await Deno.mkdir(join(dir, "figures"));
      const nb = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
      await Deno.writeTextFile(join(dir, "notebooks", "a.ipynb"), JSON.stringify(nb));
      await Deno.writeTextFile(
        join(dir, "REPORT.md"),
        "Profile `full`, data from `d`, started s, total 1.0s.\n\nTraining engine: e.\n",
      );
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("../../scripts/pages.ts", import.meta.url).pathname, "--dir", dir],
        env: { NOISY_DIGITS_NBCONVERT_PYTHON: "/usr/bin/python3" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.success, false);
      assert.match(stderr, /need nbconvert 7 or newer; \/usr\/bin\/python3 (has nbconvert 6|cannot import)/);
      assert.match(stderr, /bash \.ci\/setup/);
      assert.deepEqual([...Deno.readDirSync(join(dir, "notebooks"))].map((e) => e.name), ["a.ipynb"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
