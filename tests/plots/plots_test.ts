import assert from "node:assert/strict";
import { join } from "node:path";
import { classHistogram, digitGrid, historyPlot } from "noisy-digits/plots";
import { encodeGrayPng } from "../../lib/plots/png.ts"; // internal: this test reaches behind the face on purpose
import { legendMarkup, onWhite, sideBySide, svgElement } from "../../lib/plots/figure.ts"; // internal: this test reaches behind the face on purpose
import { createDataset } from "noisy-digits/data";

Deno.test("class histogram draws one bar per class, labelled with its count", () => {
  const labels = Uint8Array.from([0, 0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 9]);
  const fig = classHistogram(labels, { title: "T" });
  assert.match(fig.svg, /^<svg/);
  assert.equal((fig.svg.match(/<rect /g) ?? []).length, 10);
  assert.match(fig.svg, />3</); // class 0 has three images
  assert.match(fig.svg, />T</);
});

Deno.test("figures display inline as SVG and save to a file", async () => {
  const fig = classHistogram([1, 2, 3]);
  const bundle = (fig as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.equal(bundle["image/svg+xml"], fig.svg);
  const dir = await Deno.makeTempDir();
  const path = await fig.save(dir);
  assert.equal(path, join(dir, "class-histogram.svg"));
  assert.equal(await Deno.readTextFile(path), fig.svg);
});

Deno.test("figures sit on white, so their black text stays readable in a dark theme (JupyterLab shows SVG as <img>)", () => {
  for (const fig of [classHistogram([1, 2, 3]), classHistogram([1, 2], { title: "T" })]) {
    assert.match(fig.svg, /^<svg[^>]* style="background:white">/);
    assert.equal((fig.svg.match(/background:white/g) ?? []).length, 1, "only the root is painted");
  }
  assert.equal(onWhite('<svg style="color:red"><svg></svg></svg>'), '<svg style="color:red"><svg></svg></svg>');
});

Deno.test("training history: whole-number epoch ticks, also for a single epoch", () => {
  const one = { epoch: [1], loss: [2.3], accuracy: [0.2], valLoss: [2.2], valAccuracy: [0.3] };
  const fig = historyPlot(one as Parameters<typeof historyPlot>[0]);
  assert.doesNotMatch(fig.svg, />1\.0{3,}</); // Plot's default format showed "1.000000"
  assert.match(fig.svg, />1</);
});

Deno.test("side by side: the right chart starts one chart width in, both below the title and legend band", () => {
  const svg = sideBySide('<svg id="l"></svg>', '<svg id="r"></svg>', {
    width: 300,
    height: 200,
    top: 44,
    title: "a < b",
    legend: '<text id="key"/>',
  });
  assert.match(svg, /^<svg [^>]*width="600" height="244" viewBox="0 0 600 244"/);
  assert.match(svg, /<svg x="0" y="44" id="l">/);
  assert.match(svg, /<svg x="300" y="44" id="r">/);
  assert.match(svg, />a &lt; b<\/text><text id="key"\/>/, "the title is escaped, the legend follows it");
  assert.doesNotMatch(sideBySide("<svg></svg>", "<svg></svg>", { width: 1, height: 1, top: 0 }), /<text/);
});

Deno.test("svgElement escapes attribute values and closes an empty element; legendMarkup lays out a row or a column", () => {
  assert.equal(svgElement("rect", { x: 1, fill: 'a"b' }), '<rect x="1" fill="a&quot;b"/>');
  assert.equal(svgElement("g", {}, "<a/>", "<b/>"), "<g><a/><b/></g>");
  const row = legendMarkup([{ label: "x < y", colour: "red" }, { label: "z", colour: "blue" }], {
    x: 10,
    y: 5,
    dx: 80,
    dy: 0,
  });
  assert.match(row, /^<rect x="10" y="5" width="14" height="3" fill="red"\/><text x="28" y="11"[^>]*>x &lt; y<\/text>/);
  assert.match(row, /<rect x="90" y="5" [^>]*fill="blue"\/><text x="108" y="11"[^>]*>z<\/text>$/);
  assert.match(
    legendMarkup([{ label: "a", colour: "red" }, { label: "b", colour: "blue" }], {
      x: 0,
      y: 30,
      dx: 0,
      dy: 16,
    }),
    /<rect x="0" y="46" /,
  );
});

Deno.test("digit grid: one image per digit and red captions for wrong predictions", async () => {
  const ds = createDataset(new Float32Array(4 * 784).fill(0.5), { labels: Uint8Array.from([1, 2, 3, 4]) });
  const fig = await digitGrid(ds, { predictions: [1, 7, 3, 9] });
  assert.equal((fig.svg.match(/<image /g) ?? []).length, 4);
  assert.equal((fig.svg.match(/fill="#d62728"/g) ?? []).length, 2);
  assert.match(fig.svg, /2 → 7/);
});

Deno.test("PNG encoder writes a valid grey-scale PNG", async () => {
  const png = await encodeGrayPng(new Float32Array(28 * 28).fill(1), 28, 28);
  assert.deepEqual(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  await assert.rejects(() => encodeGrayPng(new Float32Array(3), 2, 2), /3 values/);
});
