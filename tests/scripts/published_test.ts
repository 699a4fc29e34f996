/**
 * The published run (`outputs/published/`, written by a `full` run of
 * `deno task reproduce`, its pages re-rendered by `deno task pages`):
 * self-contained, small, with relative paths only, and its index page, served
 * over http without directory listings and opened in Chromium, leads to the
 * report's page, every figure file and every notebook's page, where every
 * figure is drawn (`tests/e2e/figures.ts`).
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { launchChromium } from "../e2e/browser.ts";
import { figureInk, serveDir } from "../e2e/figures.ts";
import { STYLED_MIME_TYPES } from "../../scripts/published.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const PUBLISHED = join(ROOT, "outputs", "published");
const NOTEBOOKS = [...Deno.readDirSync(join(ROOT, "notebooks"))].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
  .sort();

function files(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory ? files(join(dir, e.name)) : e.isFile ? [join(dir, e.name)] : []
  );
}

Deno.test({
  name: "published run: there, the full profile, every notebook executed and rendered, under 20 MB",
}, () => {
  const all = files(PUBLISHED);
  const names = all.map((f) => relative(PUBLISHED, f));
  for (const need of ["index.html", "REPORT.md", "REPORT.html", "results.json", "notebooks/notebook.css"]) {
    assert.ok(names.includes(need), `${need} missing`);
  }
  for (const nb of NOTEBOOKS) {
    assert.ok(names.includes(`notebooks/${nb}`), `executed ${nb} missing`);
    assert.ok(names.includes(`notebooks/${nb.replace(/\.ipynb$/, ".html")}`), `page of ${nb} missing`);
  }
  const rows = JSON.parse(Deno.readTextFileSync(join(PUBLISHED, "results.json")));
  assert.ok(rows.length > 0 && rows.every((r: { profile?: string }) => r.profile === "full"), "a full run's ledger");
  assert.match(Deno.readTextFileSync(join(PUBLISHED, "REPORT.md")), /^Profile `full`/m);
  const bytes = all.reduce((n, f) => n + Deno.statSync(f).size, 0);
  assert.ok(bytes < 20 * 2 ** 20, `the published folder holds ${(bytes / 2 ** 20).toFixed(1)} MB`);
});

Deno.test({ name: "published run: no file names a machine's absolute path" }, () => {
  const machinePaths = [ROOT.replace(/\/$/, ""), "/work/", "/home/", "/tmp/", "/root/"];
  for (const f of files(PUBLISHED)) {
    const body = Deno.readTextFileSync(f);
    for (const p of machinePaths) {
      assert.ok(!body.includes(p), `${relative(ROOT, f)} names the absolute path ${p}`);
    }
  }
});

Deno.test({ name: "published run: every page under 200 KB, loading nothing from outside the folder" }, () => {
  for (const f of files(PUBLISHED).filter((f) => f.endsWith(".html"))) {
    const name = relative(PUBLISHED, f), body = Deno.readTextFileSync(f);
    assert.ok(body.length < 200 * 1024, `${name} is ${(body.length / 1024).toFixed(0)} KB`);
    assert.ok(!/<script\b/i.test(body), `${name} runs a script`);
    assert.ok(!/file:\/\//.test(body), `${name} names a file:// URL`);
    for (const m of body.matchAll(/\b(?:src|href)="([^"#][^"]*)"/g)) {
      const url = m[1];
      if (url.startsWith("data:")) continue;
      assert.ok(!/^[a-z]+:/i.test(url) && !url.startsWith("/"), `${name} loads ${url} from outside the folder`);
      const target = join(f, "..", decodeURIComponent(url));
      assert.ok(target.startsWith(PUBLISHED), `${name} links ${url}, outside the folder`);
      assert.ok(files(join(target, "..")).includes(target), `${name} links ${url}, which is missing`);
    }
  }
});

Deno.test({
  name: "published run: the index, served over http and opened in Chromium, leads to every page, each figure drawn",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const executed = (nb: string) => JSON.parse(Deno.readTextFileSync(join(PUBLISHED, "notebooks", nb)));
    const server = serveDir(PUBLISHED);
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.contexts()[0].newPage();
      await page.goto(`${server.url}index.html`);
      const links = await page.$$eval("a.notebook", (as) => as.map((a) => (a as HTMLAnchorElement).href));
      assert.equal(links.length, NOTEBOOKS.length, "one link per notebook");
      // Every figure file is linked by name (no directory listing needed), and each link answers.
      const figureLinks = await page.$$eval("a.figure", (as) => as.map((a) => (a as HTMLAnchorElement).href));
      const figureFiles = [...Deno.readDirSync(join(PUBLISHED, "figures"))].map((e) => e.name).sort();
      assert.deepEqual(figureLinks.map((u) => decodeURIComponent(u.split("/").pop()!)).sort(), figureFiles);
      for (const url of [...figureLinks, `${server.url}REPORT.html`]) {
        const response = await fetch(url);
        await response.body?.cancel();
        assert.equal(response.status, 200, url);
      }
      await page.goto(`${server.url}REPORT.html`);
      assert.ok((await page.$$("table")).length >= 3, "the report's page shows its tables");
      for (const [i, nb] of NOTEBOOKS.entries()) {
        assert.ok(links[i].endsWith(`/notebooks/${nb.replace(/\.ipynb$/, ".html")}`), `link ${i} is ${links[i]}`);
        await page.goto(links[i]);
        // Every figure the executed notebook holds (SVG or PNG outputs) is on its page, with something drawn in it.
        const expected = executed(nb).cells.flatMap((c: { outputs?: { data?: object }[] }) => c.outputs ?? [])
          .filter((o: { data?: object }) => Object.keys(o.data ?? {}).some((k) => k.startsWith("image/"))).length;
        const figures = await figureInk(page);
        assert.equal(
          figures.length,
          expected,
          `${nb}: ${figures.length} figures on the page, the notebook holds ${expected}`,
        );
        const blank = figures.filter((f) => !f.drawn).map((f) => `${f.figure} (${f.problem})`);
        assert.deepEqual(blank, [], `${nb}: blank figures`);
        const title = await page.textContent("h1");
        assert.ok(title && title.length > 0, `${nb}: the page has its title`);
        const styled = await page.$eval("body", (b) => getComputedStyle(b).getPropertyValue("--jp-ui-font-family"));
        assert.ok(styled.trim().length > 0, `${nb}: the shared stylesheet is applied`);
      }
    } finally {
      await chromium.stop();
      await server.close();
    }
  },
});

Deno.test("published run: every output MIME type the pages' stylesheet selects on is one the compaction keeps", () => {
  const css = Deno.readTextFileSync(join(PUBLISHED, "notebooks", "notebook.css"));
  const selected = new Set([...css.matchAll(/data-mime-type=['"]([^'"]+)['"]/g)].map((m) => m[1]));
  assert.ok(selected.size > 0, "the stylesheet selects on some MIME type (else this test reads the wrong file)");
  assert.deepEqual([...selected].filter((t) => !STYLED_MIME_TYPES.includes(t)), []);
});
