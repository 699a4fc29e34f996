import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import { markdown, show, table } from "noisy-digits/display";
import { bundleOf } from "../../lib/display/show.ts"; // internal: this test reaches behind the face on purpose
import { createFigure } from "noisy-digits/plots";

Deno.test("show: a figure displays as its SVG, with its name as the plain-text form", () => {
  const figure = createFigure("tiny", '<svg width="4" height="4"></svg>', "full");
  const bundle = bundleOf(figure);
  assertEquals(bundle["image/svg+xml"], figure.svg);
  assertEquals(figure.svg, '<svg width="4" height="4" style="background:white"></svg>');
  assertEquals(bundle["text/plain"], "[figure tiny]");
});

Deno.test("show: strings display as themselves, other values as Deno's inspection", () => {
  assertEquals(bundleOf("3 epochs in 2 min"), { "text/plain": "3 epochs in 2 min" });
  assertEquals(bundleOf([5, 0, 4]), { "text/plain": "[ 5, 0, 4 ]" });
  assertEquals(bundleOf(undefined), { "text/plain": "undefined" });
});

Deno.test("show: markdown displays as formatted prose, and prints as its source text", () => {
  const text = "The CNN reaches **95.80 %**.";
  assertEquals(bundleOf(markdown(text)), { "text/markdown": text, "text/plain": text });
  assertEquals(String(markdown(text)), text);
});

Deno.test("show: a table keeps its own bundle (HTML and text)", () => {
  const bundle = bundleOf(table([{ digit: 1, images: 1349 }], { title: "counts" }));
  assert.match(String(bundle["text/html"]), /<table[\s\S]*1349/);
  assert.match(String(bundle["text/plain"]), /1349/);
});

Deno.test("show: outside a notebook it prints each value's text, in order", async () => {
  const printed: string[] = [];
  const log = console.log;
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await show("first", createFigure("second", "<svg></svg>"), 3);
  } finally {
    console.log = log;
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
  assertEquals(printed, ["first", "[figure second]", "3"]);
});

Deno.test("show saves a figure under its name in outputs/figures/, once", async () => {
  const outputs = await Deno.makeTempDir();
  Deno.env.set("NOISY_DIGITS_OUTPUTS", outputs);
  const log = console.log;
  console.log = () => {};
  try {
    const figure = createFigure("histogram", '<svg width="2"></svg>');
    await show(figure);
    assertEquals(figure.path, `${outputs}/figures/histogram.svg`);
    // The file holds the figure as shown: its SVG, on the white background that createFigure gives it.
    assertEquals(await Deno.readTextFile(figure.path!), '<svg width="2" style="background:white"></svg>');
    await Deno.remove(figure.path!);
    await show(figure); // already saved: not written again
    assertEquals([...Deno.readDirSync(`${outputs}/figures`)].length, 0);
  } finally {
    console.log = log;
    Deno.env.delete("NOISY_DIGITS_OUTPUTS");
    await Deno.remove(outputs, { recursive: true });
  }
});

Deno.test("show: a figure of a quick or smoke run says so below it; a full run's is unchanged", () => {
  const raw = '<svg width="40" height="30"><rect width="5" height="5"/></svg>';
  const full = createFigure("f", raw, "full");
  assertEquals(full.svg.includes("run-profile"), false);
  const quick = createFigure("f", raw, "quick");
  assertEquals(/<text class="run-profile"[^>]*>quick run: fewer images and epochs/.test(quick.svg), true);
  assertEquals(/^<svg[^>]* width="40" height="48" viewBox="0 0 40 48"/.test(quick.svg), true);
  assertEquals(quick.svg.includes(raw), true, "the figure itself is kept whole inside");
});
