/**
 * Are a page's figures drawn? For the published pages' browser test (`tests/published_test.ts`) and, as a script,
 * for any page: `deno run -A tests/e2e/figures.ts DIR PAGE…` serves DIR over http (no directory listing), opens
 * each PAGE (a path inside DIR) in Chromium and prints every figure of its outputs with what is drawn in it; the
 * status is 1 when a figure is blank.
 *
 * A figure is an `<img>` or a top-level `<svg>` inside a cell's output. An `<img>` is drawn when it loaded and at
 * least {@linkcode MIN_INK} of its pixels, painted onto a canvas, are neither transparent nor near-white. An inline
 * `<svg>` is drawn when it holds a shape (path, rect, circle, line, polyline, polygon, ellipse or image) with a
 * non-zero box on the page. Counting `<svg>` tags is not enough: nbconvert 6 keeps the tags and strips what is
 * inside them.
 *
 * @module
 */

import { extname, join, normalize } from "node:path";
import type { Page } from "playwright-core";
import { launchChromium } from "./browser.ts";

/** The share of an image's pixels that must be ink (neither transparent nor near-white) for it to count as drawn. */
export const MIN_INK = 0.002;

/** One figure of a page and what is drawn in it. */
export interface FigureInk {
  /** `img` or `svg`, and the image's alternative text or source. */
  figure: string;
  /** For an image: the share of ink pixels; for an inline SVG: the number of drawn shapes. */
  ink: number;
  drawn: boolean;
  /** Why it is blank, when it is. */
  problem?: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".md": "text/markdown; charset=utf-8",
  ".ipynb": "application/json",
  ".csv": "text/csv",
};

/** Serves the files of `dir` on 127.0.0.1 (a free port) without directory listings; `url` is its root. */
export function serveDir(dir: string): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = normalize(decodeURIComponent(new URL(request.url).pathname));
    if (path.includes("..")) return new Response("forbidden", { status: 403 });
    try {
      const body = await Deno.readFile(join(dir, path));
      return new Response(body, { headers: { "content-type": TYPES[extname(path)] ?? "application/octet-stream" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return { url: `http://127.0.0.1:${server.addr.port}/`, close: () => server.shutdown() };
}

/** The figures of the page open in `page`, each with what is drawn in it. */
export function figureInk(page: Page): Promise<FigureInk[]> {
  return page.evaluate(async (minInk: number) => {
    const found = [...document.querySelectorAll(".jp-OutputArea-output img, .jp-OutputArea-output svg")]
      .filter((e) => !e.parentElement?.closest("svg"));
    const results = [];
    for (const el of found) {
      if (el instanceof HTMLImageElement) {
        const figure = `img ${el.alt && !el.alt.startsWith("No description") ? el.alt : el.src.slice(0, 60)}`;
        try {
          await el.decode();
        } catch { /* judged below */ }
        if (!el.complete || el.naturalWidth === 0) {
          results.push({ figure, ink: 0, drawn: false, problem: "the image did not load" });
          continue;
        }
        const canvas = document.createElement("canvas");
        canvas.width = el.naturalWidth;
        canvas.height = el.naturalHeight;
        const context = canvas.getContext("2d")!;
        context.drawImage(el, 0, 0);
        const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 32 && (data[i] < 230 || data[i + 1] < 230 || data[i + 2] < 230)) ink++;
        }
        const share = ink / (canvas.width * canvas.height);
        results.push({
          figure,
          ink: share,
          drawn: share >= minInk,
          problem: share >= minInk ? undefined : "no ink",
        });
      } else {
        const label = el.querySelector("text")?.textContent?.slice(0, 60) ?? "";
        const shapes = [...el.querySelectorAll("path, rect, circle, line, polyline, polygon, ellipse, image")]
          .filter((s) => {
            const box = s.getBoundingClientRect();
            return box.width > 0 || box.height > 0;
          }).length;
        results.push({
          figure: `svg ${label || el.textContent?.slice(0, 60)}`,
          ink: shapes,
          drawn: shapes > 0,
          problem: shapes > 0 ? undefined : "no drawn shape inside the <svg>",
        });
      }
    }
    return results;
  }, MIN_INK);
}

if (import.meta.main) {
  const [dir, ...pages] = Deno.args;
  if (!dir || !pages.length) {
    console.error("usage: deno run -A tests/e2e/figures.ts DIR PAGE…   (PAGE: a path inside DIR)");
    Deno.exit(2);
  }
  const server = serveDir(dir);
  const chromium = await launchChromium();
  let blank = 0;
  try {
    const page = await chromium.browser.contexts()[0].newPage();
    for (const p of pages) {
      await page.goto(server.url + p);
      const figures = await figureInk(page);
      const bad = figures.filter((f) => !f.drawn);
      blank += bad.length + (figures.length ? 0 : 1);
      console.log(`${p}: ${figures.length} figure(s), ${bad.length} blank`);
      for (const f of figures) {
        console.log(
          `  ${f.drawn ? "drawn" : "BLANK"}  ${f.ink.toFixed(4)}  ${f.figure}${f.problem ? ` (${f.problem})` : ""}`,
        );
      }
    }
  } finally {
    await chromium.stop();
    await server.close();
  }
  Deno.exit(blank ? 1 : 0);
}
