/**
 * The published run (`outputs/published/`, written by a `full` run of
 * `deno task reproduce`): self-contained, small, with relative paths only, and
 * its index page, opened in Chromium, leads to every notebook's page with its
 * figures.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { launchChromium } from "../e2e/browser.ts";

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
  for (const need of ["index.html", "REPORT.md", "results.json"]) assert.ok(names.includes(need), `${need} missing`);
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

Deno.test({
  name: "published run: the index, opened in Chromium, links every notebook's page, and each shows its figures",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const executed = (nb: string) => JSON.parse(Deno.readTextFileSync(join(PUBLISHED, "notebooks", nb)));
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.contexts()[0].newPage();
      await page.goto(`file://${join(PUBLISHED, "index.html")}`);
      const links = await page.$$eval("a.notebook", (as) => as.map((a) => (a as HTMLAnchorElement).href));
      assert.equal(links.length, NOTEBOOKS.length, "one link per notebook");
      for (const [i, nb] of NOTEBOOKS.entries()) {
        assert.ok(links[i].endsWith(`/notebooks/${nb.replace(/\.ipynb$/, ".html")}`), `link ${i} is ${links[i]}`);
        await page.goto(links[i]);
        // The figures the executed notebook holds (SVG or PNG outputs) are all on its page, drawn.
        const expected = executed(nb).cells.flatMap((c: { outputs?: { data?: object }[] }) => c.outputs ?? [])
          .filter((o: { data?: object }) => Object.keys(o.data ?? {}).some((k) => k.startsWith("image/"))).length;
        const drawn = await page.$$eval(
          ".jp-OutputArea-output svg, .jp-OutputArea-output img",
          (els) => els.filter((e) => e.getBoundingClientRect().width > 50).length,
        );
        assert.ok(drawn >= expected, `${nb}: ${drawn} figures drawn, the notebook holds ${expected}`);
        const title = await page.textContent("h1");
        assert.ok(title && title.length > 0, `${nb}: the page has its title`);
      }
      if (NOTEBOOKS.length) assert.ok(links.length > 0);
    } finally {
      await chromium.stop();
    }
  },
});
