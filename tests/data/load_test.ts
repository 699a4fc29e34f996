import assert from "node:assert/strict";
import { join } from "node:path";
import { DataFormatError, loadCsvDataset, loadLabelsCsv, parseMatrix } from "noisy-digits/data";

const enc = new TextEncoder();
const row = (values: number[], label?: string) => values.join(",") + (label === undefined ? "" : `,${label}`);
const pixels = (v = 0.5) => new Array(784).fill(v);

async function writeCsv(text: string, name = "train_data.csv"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "noisy-digits-load-" });
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return path;
}

async function expectError(text: string, hasLabels: boolean, pattern: RegExp, line: number, column: number) {
  const path = await writeCsv(text);
  const err = await loadCsvDataset(path, hasLabels, { cache: false }).then(() => null, (e) => e);
  assert.ok(err instanceof DataFormatError, `expected a DataFormatError, got ${err}`);
  assert.match(err.message, pattern);
  assert.ok(err.message.startsWith(path), `message names the file: ${err.message}`);
  assert.equal(err.line, line, `line in ${err.message}`);
  assert.equal(err.column, column, `column in ${err.message}`);
}

Deno.test("labels may be written 5 or 5.0; CRLF and a final newline are fine", async () => {
  const text = [row(pixels(0.25), "5"), row(pixels(1), "7.0"), row(pixels(0), "0")].join("\r\n") + "\r\n";
  const ds = await loadCsvDataset(await writeCsv(text), true, { cache: false });
  assert.equal(ds.count, 3);
  assert.deepEqual(Array.from(ds.labels!), [5, 7, 0]);
  assert.equal(ds.pixels[0], 0.25);
  assert.equal(ds.pixels[784], 1);
});

Deno.test("exponent notation parses", () => {
  const m = parseMatrix(enc.encode(row(["1e-3", "5E-1", ...pixels(0).slice(2)] as unknown as number[], "1")), {
    file: "x",
    pixelColumns: 784,
    hasLabels: true,
  });
  assert.ok(Math.abs(m.pixels[0] - 0.001) < 1e-9);
  assert.equal(m.pixels[1], 0.5);
});

Deno.test("wrong column count names the line", async () => {
  const text = row(pixels(), "1") + "\n" + row(pixels().slice(1), "1") + "\n";
  await expectError(text, true, /expected 785 columns \(784 pixels and a label\), found 784/, 2, 0);
});

Deno.test("too many columns names the line and column", async () => {
  await expectError(row(pixels(), "1") + ",3\n", true, /too many columns: expected 785/, 1, 786);
});

Deno.test("a non-numeric cell names line and column", async () => {
  const bad = pixels();
  bad[10] = "abc" as unknown as number;
  await expectError(row(pixels(), "1") + "\n" + row(bad, "1") + "\n", true, /expected a number, found "abc"/, 2, 11);
});

Deno.test("NaN is rejected", async () => {
  const bad = pixels();
  bad[3] = NaN;
  await expectError(row(bad, "4") + "\n", true, /expected a number, found "NaN"/, 1, 4);
});

Deno.test("an empty cell is rejected", async () => {
  const bad: (number | string)[] = pixels();
  bad[0] = "";
  await expectError(row(bad as number[], "4") + "\n", true, /empty cell/, 1, 1);
});

Deno.test("pixels outside [0, 1] are rejected", async () => {
  const bad = pixels();
  bad[783] = 1.5;
  await expectError(row(bad, "4") + "\n", true, /pixel value 1\.5 outside \[0, 1\]/, 1, 784);
  const neg = pixels();
  neg[0] = -0.1;
  await expectError(row(neg, "4") + "\n", true, /pixel value -0\.1 outside/, 1, 1);
});

Deno.test("labels outside 0-9 or not integral are rejected", async () => {
  await expectError(row(pixels(), "10") + "\n", true, /label 10 is not an integer class 0-9/, 1, 785);
  await expectError(row(pixels(), "3.5") + "\n", true, /label 3\.5 is not an integer/, 1, 785);
});

Deno.test("an empty file is rejected", async () => {
  await expectError("", true, /empty file/, 0, 0);
  await expectError("\n\n", false, /empty file/, 0, 0);
});

Deno.test("a truncated file says so", async () => {
  const text = row(pixels(), "1") + "\n" + row(pixels()).slice(0, 700);
  await expectError(text, true, /ends in the middle of a row.*truncated/, 2, 176);
});

Deno.test("a missing file says where and what to do", async () => {
  const err = await loadCsvDataset("/nonexistent/train_data.csv", true).then(() => null, (e) => e);
  assert.ok(err instanceof DataFormatError);
  assert.match(err.message, /\/nonexistent\/train_data\.csv: file not found - run `deno task data`/);
});

Deno.test("test files have 784 columns (a label column is an error there)", async () => {
  await expectError(row(pixels(), "1") + "\n", false, /too many columns: expected 784/, 1, 785);
});

Deno.test("Id,Category files: header, ids in order and categories 0-9", async () => {
  assert.deepEqual(Array.from(await loadLabelsCsv(await writeCsv("Id,Category\n0,3\n1,9\n", "s.csv"))), [3, 9]);
  await assert.rejects(
    () => writeCsv("id,cat\n0,1\n", "s.csv").then(loadLabelsCsv),
    /expected the header "Id,Category"/,
  );
  await assert.rejects(() => writeCsv("Id,Category\n0,1\n2,1\n", "s.csv").then(loadLabelsCsv), /:3:1: expected Id 1/);
  await assert.rejects(() => writeCsv("Id,Category\n0,12\n", "s.csv").then(loadLabelsCsv), /:2:2: expected a Category/);
});
