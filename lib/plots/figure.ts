/**
 * Figures: Observable Plot rendered in Deno against a `linkedom` document,
 * kept as SVG text that displays inline in a notebook and saves to
 * `outputs/figures/`.
 *
 * @module
 */

import { escapeHtml } from "../display/format.ts";
import { parseHTML } from "linkedom";
import { join } from "node:path";
import { outputsDir } from "../data/paths.ts";
import { activeProfile, type ProfileName } from "../data/profile.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** A rendered figure. Displays itself as SVG when it is a cell's last value. */
export interface Figure {
  /** Stable name, used as the file name when saved. */
  readonly name: string;
  /** The SVG markup. */
  readonly svg: string;
  /** Path it was saved to, if saved. */
  readonly path?: string;
  /** Writes `<outputs>/figures/<name>.svg` (or `dir/<name>.svg`) and returns the path. */
  save(dir?: string): Promise<string>;
}

/** A fresh DOM document for Plot's `document` option. */
export function createDocument(): Document {
  const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  return document as unknown as Document;
}

/** A figure's title, drawn at its top left (nothing for no title). */
function titleMarkup(title: string | undefined): string {
  return title ? `<text x="4" y="19" font-size="15" font-weight="600" fill="#222">${escapeHtml(title)}</text>` : "";
}

/**
 * Serialises what `Plot.plot` returned to standalone SVG text. When Plot
 * wrapped the chart in a `<figure>` (because of a title), the title is drawn
 * as SVG text above the chart so the result is still a single SVG.
 */
export function toSvg(node: Element): string {
  const withNs = (svg: string) =>
    svg.includes('xmlns="http://www.w3.org/2000/svg"')
      ? svg
      : svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"');
  if (node.tagName.toLowerCase() === "svg") return withNs(node.outerHTML);
  const charts = Array.from(node.querySelectorAll("svg"));
  const chart = charts[charts.length - 1];
  if (!chart) throw new Error("toSvg: no <svg> in the rendered figure");
  const title = node.querySelector("h2")?.textContent ?? "";
  const width = Number(chart.getAttribute("width") ?? 640);
  const height = Number(chart.getAttribute("height") ?? 400);
  const offset = title ? 28 : 0;
  chart.setAttribute("y", String(offset));
  return withNs(
    `<svg width="${width}" height="${height + offset}" viewBox="0 0 ${width} ${
      height + offset
    }" font-family="system-ui, sans-serif">` +
      titleMarkup(title) +
      `${chart.outerHTML}</svg>`,
  );
}

/** Options of {@linkcode sideBySide}. */
export interface SideBySideOptions {
  /** Width of each chart. */
  width: number;
  /** Height of each chart. */
  height: number;
  /** Space above the charts, for the title and the legend. */
  top: number;
  /** Title drawn at the top left (default none). */
  title?: string;
  /** SVG markup of the legend, drawn in the space above the charts (default none). */
  legend?: string;
}

/**
 * Two charts of equal size side by side in one SVG, under a title and a legend: the layout of the loss and accuracy
 * panels of {@linkcode historyPlot} and {@linkcode runsPlot}.
 *
 * @example
 * ```ts
 * const svg = sideBySide("<svg></svg>", "<svg></svg>", { width: 420, height: 280, top: 28, title: "Loss and accuracy" });
 * ```
 */
export function sideBySide(left: string, right: string, options: SideBySideOptions): string {
  const { width, height, top } = options;
  const nest = (svg: string, x: number) => svg.replace("<svg", `<svg x="${x}" y="${top}"`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * width}" height="${height + top}" ` +
    `viewBox="0 0 ${2 * width} ${height + top}" font-family="system-ui, sans-serif">` +
    titleMarkup(options.title) + (options.legend ?? "") + nest(left, 0) + nest(right, width) + "</svg>";
}

/**
 * Gives the root `<svg>` a white background (unless it already has a `style`).
 * JupyterLab shows `image/svg+xml` as an `<img>`, where the figure's text
 * (`currentColor`, i.e. black) would otherwise sit on the page colour: unreadable
 * in a dark theme.
 */
export function onWhite(svg: string): string {
  return svg.replace(
    /^<svg\b([^>]*)>/,
    (tag, attrs: string) => /\sstyle=/.test(attrs) ? tag : `<svg${attrs} style="background:white">`,
  );
}

/**
 * Marks a figure drawn under another profile than `full` (`quick`, `smoke`): a strip below the figure says so, so
 * that a figure of a first look is never taken for the report's. Unchanged under `full`, or when the root `<svg>`
 * has no numeric width and height.
 */
export function labelRun(svg: string, profile: ProfileName): string {
  if (profile === "full") return svg;
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]), height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) return svg;
  const total = height + 18;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" ` +
    `font-family="system-ui, sans-serif">${svg}` +
    `<text class="run-profile" x="${width - 4}" y="${total - 5}" text-anchor="end" font-size="11" fill="#a33">` +
    `${profile} run: fewer images and epochs than the report's</text></svg>`;
}

/**
 * Wraps SVG text as a {@linkcode Figure}, on a white background ({@linkcode onWhite}), labelled with the run's
 * profile unless it is `full` ({@linkcode labelRun}).
 */
export function createFigure(name: string, rawSvg: string, profile: ProfileName = activeProfile()): Figure {
  const svg = onWhite(labelRun(rawSvg, profile));
  const figure = {
    name,
    svg,
    path: undefined as string | undefined,
    async save(dir?: string): Promise<string> {
      const path = join(dir ?? join(outputsDir(), "figures"), `${name}.svg`);
      await writeFileAtomic(path, svg);
      figure.path = path;
      return path;
    },
    [Symbol.for("Jupyter.display")]() {
      return { "image/svg+xml": svg };
    },
  };
  return figure;
}
