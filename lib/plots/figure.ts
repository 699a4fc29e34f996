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

const SVG_NS = "http://www.w3.org/2000/svg", XLINK_NS = "http://www.w3.org/1999/xlink";

/**
 * The markup of one SVG element: its attributes in the order given, values escaped, then its children's markup as
 * given (text escaped by the caller); an element without children closes itself. The one way figures compose
 * SVG beyond what Plot draws (titles, legends, panels side by side).
 *
 * @example
 * ```ts
 * svgElement("text", { x: 4, y: 19, "font-size": 15 }, "a &lt; b"); // <text x="4" y="19" font-size="15">a &lt; b</text>
 * ```
 */
export function svgElement(tag: string, attributes: Record<string, string | number>, ...children: string[]): string {
  const attrs = Object.entries(attributes).map(([name, value]) =>
    ` ${name}="${escapeHtml(String(value)).replaceAll('"', "&quot;")}"`
  ).join("");
  return children.length ? `<${tag}${attrs}>${children.join("")}</${tag}>` : `<${tag}${attrs}/>`;
}

/** A figure's title, drawn at its top left (nothing for no title). */
function titleMarkup(title: string | undefined): string {
  return title
    ? svgElement("text", { x: 4, y: 19, "font-size": 15, "font-weight": 600, fill: "#222" }, escapeHtml(title))
    : "";
}

/** A legend entry: a label and its colour. */
export interface LegendEntry {
  label: string;
  colour: string;
}

/**
 * A legend: per entry a short line in its colour and its label to the right, the first at (`x`, `y`), each next
 * one `dx` to the right and `dy` below (a row or a column).
 */
export function legendMarkup(entries: LegendEntry[], place: { x: number; y: number; dx: number; dy: number }): string {
  return entries.map(({ label, colour }, i) => {
    const x = place.x + i * place.dx, y = place.y + i * place.dy;
    return svgElement("rect", { x, y, width: 14, height: 3, fill: colour }) +
      svgElement("text", { x: x + 18, y: y + 6, "font-size": 12, fill: "#222" }, escapeHtml(label));
  }).join("");
}

/** The root `<svg>` of a composed figure of `width` by `height`, holding `children`. */
function figureRoot(width: number, height: number, namespaces: string[], ...children: string[]): string {
  const xmlns: Record<string, string> = namespaces.includes("xlink")
    ? { xmlns: SVG_NS, "xmlns:xlink": XLINK_NS }
    : { xmlns: SVG_NS };
  const size = { width, height, viewBox: `0 0 ${width} ${height}`, "font-family": "system-ui, sans-serif" };
  return svgElement("svg", { ...xmlns, ...size }, ...children);
}

/**
 * `chart`, the markup of an `<svg>` (as Plot draws it), with `attributes` put first on its root element: its
 * position in the figure around it, or the namespaces that make it a standalone file.
 */
function withRootAttributes(chart: string, attributes: Record<string, string | number>): string {
  if (!chart.startsWith("<svg")) throw new Error(`not an <svg> chart: ${chart.slice(0, 40)}`);
  return svgElement("svg", attributes).slice(0, -"/>".length) + chart.slice("<svg".length);
}

/**
 * Serialises what `Plot.plot` returned to standalone SVG text. When Plot
 * wrapped the chart in a `<figure>` (because of a title), the title is drawn
 * as SVG text above the chart so the result is still a single SVG.
 */
export function toSvg(node: Element): string {
  if (node.tagName.toLowerCase() === "svg") {
    const svg = node.outerHTML;
    return svg.includes(`xmlns="${SVG_NS}"`)
      ? svg
      : withRootAttributes(svg, { xmlns: SVG_NS, "xmlns:xlink": XLINK_NS });
  }
  const charts = Array.from(node.querySelectorAll("svg"));
  const chart = charts[charts.length - 1];
  if (!chart) throw new Error("toSvg: no <svg> in the rendered figure");
  const title = node.querySelector("h2")?.textContent ?? "";
  const width = Number(chart.getAttribute("width") ?? 640);
  const height = Number(chart.getAttribute("height") ?? 400);
  const offset = title ? 28 : 0;
  chart.setAttribute("y", String(offset));
  return figureRoot(width, height + offset, ["xlink"], titleMarkup(title), chart.outerHTML);
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
  return figureRoot(
    2 * width,
    height + top,
    [],
    titleMarkup(options.title),
    options.legend ?? "",
    withRootAttributes(left, { x: 0, y: top }),
    withRootAttributes(right, { x: width, y: top }),
  );
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
