/**
 * `deno task bench [suite…] [--profile-step]`: runs the benchmark suites in one process, prints one table and
 * writes `outputs/bench.json`. `--profile-step` adds the per-operation profile of one training step of the best
 * network beside PyTorch's (`bench/profile.ts`); alone, it runs only that.
 *
 * @module
 */

import type { BenchEntry, BenchSuite } from "./bench/types.ts";
import { loadSuite } from "./bench/load.ts";
import { augmentSuite } from "./bench/augment.ts";
import { trainSuite } from "./bench/train.ts";
import { svmSuite } from "./bench/svm.ts";
import { precisionSuite } from "./bench/precision.ts";
import { convSuite } from "./bench/conv.ts";
import { profileStep } from "./bench/profile.ts";
import { outputPath } from "noisy-digits/data";
import { writeFileAtomic } from "noisy-digits/util";
import { parseOptions, usageError } from "./args.ts";

/** Suite of an entry written before entries named theirs (by its name's prefix). */
function suiteOf(e: BenchEntry & { suite?: string }): string {
  if (e.suite) return e.suite;
  if (e.name.startsWith("svm/")) return "svm";
  if (e.name.startsWith("train:")) return "train";
  if (e.name.startsWith("augment")) return "augment";
  return "load";
}

/** Entries of `path` (an earlier bench.json) from suites other than `ran`, each with its date. */
function keptEntries(path: string, ran: Set<string>): BenchEntry[] {
  let old: { date?: string; entries?: (BenchEntry & { date?: string })[] };
  try {
    old = JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return [];
  }
  return (old.entries ?? []).filter((e) => !ran.has(suiteOf(e))).map((e) => ({
    ...e,
    suite: suiteOf(e),
    date: e.date ?? old.date,
  }));
}

const SUITES: BenchSuite[] = [
  loadSuite,
  augmentSuite,
  trainSuite,
  svmSuite,
  precisionSuite,
  convSuite,
];

const USAGE = `usage: deno task bench [suite…] [--profile-step]   (suites: ${
  SUITES.map((s) => s.name).join(", ")
}; default all but those run only when named (${
  SUITES.filter((s) => s.explicit).map((s) => s.name).join(", ")
}), or none with --profile-step alone)`;
const parsed = parseOptions({ "profile-step": { type: "boolean", default: false } }, USAGE, { allowPositionals: true });
const profile = parsed.values["profile-step"] as boolean;
const wanted: string[] = parsed.positionals as string[];
const unknown = wanted.filter((w) => !SUITES.some((s) => s.name === w));
if (unknown.length) usageError(`unknown suite(s): ${unknown.join(", ")}`, USAGE);
const entries: BenchEntry[] = [];
const ran = new Set<string>();
for (const suite of SUITES) {
  if (wanted.length ? !wanted.includes(suite.name) : profile || suite.explicit) continue;
  console.error(`running bench suite "${suite.name}"…`);
  entries.push(...(await suite.run()).map((e) => ({ ...e, suite: suite.name })));
  ran.add(suite.name);
}
if (profile) {
  // The per-operation profile of a training step (scripts/bench/profile.ts), kept with the train suite's figures.
  console.error("profiling one training step of the best network…");
  entries.push(...(await profileStep()).map((e) => ({ ...e, suite: "profile" })));
  ran.add("profile");
}
const rows = entries.map((e) => [e.name, String(e.value), e.unit, e.target ?? "", e.note ?? ""]);
const head = ["figure", "value", "unit", "target", "note"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
console.log(line(head));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
rows.forEach((r) => console.log(line(r)));
const path = outputPath("bench.json");
// The figures of suites not run this time stay (with the date they were measured).
const now = new Date().toISOString();
const kept = keptEntries(path, ran);
const all = [...kept, ...entries.map((e) => ({ ...e, date: now }))];
await writeFileAtomic(path, JSON.stringify({ date: now, entries: all }, null, 2) + "\n");
console.log(`\nwrote ${path}`);
