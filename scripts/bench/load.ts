/**
 * Bench suite for data loading: both CSVs parsed cold (cache cleared) and
 * served from the cache, plus the general-purpose CSV parsers measured on
 * the training file for comparison.
 *
 * @module
 */

import type { BenchEntry, BenchSuite } from "./types.ts";
import {
  cacheDirFor,
  clearCache,
  dataFile,
  generateData,
  type LoadInfo,
  loadTest,
  loadTrain,
  sourceIdentity,
} from "noisy-digits/data";
import { csvParseRows } from "d3-dsv";
import Papa from "papaparse";
import { parse as csvParseSync } from "csv-parse/sync";

async function timeIt(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Data-loading figures. */
export const loadSuite: BenchSuite = {
  name: "load",
  async run(): Promise<BenchEntry[]> {
    // A full build of the three files into a scratch directory, then the project's data (built if absent).
    const scratch = await Deno.makeTempDir({ prefix: "noisy-digits-bench-" });
    const build = await generateData({ dir: scratch, progress: "silent" });
    await Deno.remove(scratch, { recursive: true });
    await generateData({ progress: "silent" });
    const entries: BenchEntry[] = [
      {
        name: "data: build the three CSVs (deno task data)",
        value: +build.seconds.toFixed(2),
        unit: "s",
        target: "<= 60",
      },
    ];
    // Only the cache's own entries go (never the folder's other files, nor a folder of another name).
    await clearCache(cacheDirFor(dataFile("train")));
    await clearCache(cacheDirFor(dataFile("test")));
    const cold = [{}, {}] as Partial<LoadInfo>[];
    await loadTrain({}, cold[0]);
    await loadTest({}, cold[1]);
    const warm = [{}, {}] as Partial<LoadInfo>[];
    await loadTrain({}, warm[0]);
    await loadTest({}, warm[1]);
    const sum = (xs: Partial<LoadInfo>[]) => xs.reduce((s, x) => s + (x.seconds ?? 0), 0);
    const keyed = await timeIt(async () => {
      await sourceIdentity(dataFile("train"));
      await sourceIdentity(dataFile("test"));
    });
    entries.push(
      { name: "load: train_data.csv cold", value: +cold[0].seconds!.toFixed(3), unit: "s" },
      { name: "load: test_data.csv cold", value: +cold[1].seconds!.toFixed(3), unit: "s" },
      { name: "load: both CSVs cold", value: +sum(cold).toFixed(3), unit: "s", target: "<= 3" },
      { name: "load: both from cache", value: +sum(warm).toFixed(3), unit: "s", target: "<= 0.5" },
      {
        name: "load: of which the cache key (content checksum of both CSVs)",
        value: +keyed.toFixed(3),
        unit: "s",
      },
    );
    // General-purpose parsers on the training file (12,000 x 785), cells converted to numbers.
    const text = await Deno.readTextFile(dataFile("train"));
    const toNumbers = (rows: string[][]) => {
      const out = new Float32Array(rows.length * 785);
      rows.forEach((r, i) => r.forEach((c, j) => (out[i * 785 + j] = +c)));
      return out;
    };
    entries.push(
      {
        name: "csv parser: d3-dsv csvParseRows, train",
        value: +(await timeIt(() => toNumbers(csvParseRows(text)))).toFixed(3),
        unit: "s",
      },
      {
        name: "csv parser: papaparse, train",
        value: +(await timeIt(() => toNumbers(Papa.parse<string[]>(text, { skipEmptyLines: true }).data))).toFixed(3),
        unit: "s",
      },
      {
        name: "csv parser: csv-parse/sync, train",
        value: +(await timeIt(() => toNumbers(csvParseSync(text) as string[][]))).toFixed(3),
        unit: "s",
      },
      { name: "csv parser: ours (streaming, cold), train", value: +cold[0].seconds!.toFixed(3), unit: "s" },
    );
    return entries;
  },
};
