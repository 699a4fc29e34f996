/**
 * Where a quoted figure comes from. The study's prose may quote a percentage
 * (or an accuracy as a fraction) only when it can be traced:
 *
 * - to the report, when the sentence (or table row) names the report;
 * - to a cell above it, whose output prints the same figure (to the quote's rounding);
 * - to the published run's ledger (`outputs/published/results.json`);
 * - or it is one of a few fixed facts of the design ({@linkcode DESIGN_FIGURES}).
 *
 * {@linkcode untraced} returns every quoted figure that none of these explain.
 *
 * @module
 */

import { seedSummary } from "noisy-digits/metrics";

/** Percentages that are facts of the design, not results: chance (10 %), the 75 / 25 split, all (100 %). */
export const DESIGN_FIGURES: readonly number[] = [10, 25, 75, 100];

/** A quoted figure, in percent, with the decimals it was quoted to. */
export interface Quote {
  /** The text as quoted, e.g. "95.80 %" or "0.782". */
  text: string;
  percent: number;
  decimals: number;
  /** The sentence it stands in. */
  sentence: string;
}

// A figure after "±" is a spread over seeds, traced by {@linkcode untracedSpreads}, not an accuracy.
const PERCENT = /(?<![\d.]|±\s?)(\d{1,3}(?:\.\d+)?)\s?%(?!\s?±)/g;
const FRACTION = /(?<![\d.]|±\s?)(0\.\d{2,4})(?![\d])/g;
const ACCURACY_WORDS = /accura|score|precision|recall/i;

/**
 * Splits prose into sentences; a table row is one sentence, read together with
 * its table's header row (so a column named "report's figure" names the report).
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let header: string | null = null, prose: string[] = [];
  const flush = () => {
    out.push(...prose.join("\n").split(/(?<=[.!?:])\s+(?=[A-Z(*_`])|\n\s*\n/));
    prose = [];
  };
  for (const line of text.split("\n")) {
    if (line.trimStart().startsWith("|")) {
      flush();
      if (header === null) header = line;
      else if (!/^[\s|:-]+$/.test(line)) out.push(`${header}\n${line}`);
    } else {
      header = null;
      prose.push(line);
    }
  }
  flush();
  return out.map((s) => s.trim()).filter(Boolean);
}

/** The percentages and accuracy fractions quoted in `text`. */
export function quotes(text: string): Quote[] {
  const out: Quote[] = [];
  for (const sentence of sentences(text)) {
    for (const m of sentence.matchAll(PERCENT)) {
      out.push({ text: m[0], percent: Number(m[1]), decimals: (m[1].split(".")[1] ?? "").length, sentence });
    }
    if (!ACCURACY_WORDS.test(sentence)) continue; // elsewhere 0.01 is a learning rate, 0.99^16 arithmetic
    for (const m of sentence.matchAll(FRACTION)) {
      const before = sentence.slice(0, m.index);
      if (/(=|\^|rate|lr)\s*$/i.test(before) || /\bp\s*[<>]\s*$/.test(before)) continue; // p < 0.001: a p-value
      out.push({ text: m[0], percent: Number(m[1]) * 100, decimals: Math.max(0, m[1].length - 4), sentence });
    }
  }
  return out;
}

/** Every figure `text` prints, in percent: percentages as they are, fractions below 1 times 100. */
export function printedFigures(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?<![\d.])(\d{1,3}(?:\.\d+)?)\s?%/g)) out.push(Number(m[1]));
  for (const m of text.matchAll(/(?<![\d.])(0\.\d+)(?![\d])/g)) out.push(Number(m[1]) * 100);
  return out;
}

/** Whether `value` (percent) rounds to the quote. */
export function roundsTo(value: number, quote: Quote): boolean {
  return Math.abs(value - quote.percent) <= 0.5 * 10 ** -quote.decimals + 1e-9;
}

/** Where a prose figure may come from. */
export interface Sources {
  /** Every figure of the report, in percent. */
  report: readonly number[];
  /** Figures printed above the prose (cell outputs), in percent. */
  above: readonly number[];
  /** Every accuracy of the published ledger, in percent. */
  ledger: readonly number[];
}

/** The quotes of `text` that no source explains. */
export function untraced(text: string, sources: Sources): Quote[] {
  return quotes(text).filter((q) => {
    if (/report/i.test(q.sentence) && sources.report.some((v) => roundsTo(v, q))) return false;
    if (q.decimals === 0 && DESIGN_FIGURES.includes(q.percent)) return false;
    return !sources.above.some((v) => roundsTo(v, q)) && !sources.ledger.some((v) => roundsTo(v, q));
  });
}

/** The accuracies of ledger rows, in percent, and the figures printed in their labels. */
export function ledgerFigures(rows: readonly Record<string, unknown>[]): number[] {
  return rows.flatMap((r) => [
    ...["holdoutAccuracy", "testAccuracy", "reportAccuracy"].map((k) => r[k]).filter((v): v is number =>
      typeof v === "number"
    ).map((v) => v * 100),
    // A figure inside a row's own label ("stopped at 0.12 % of the report's updates") is the ledger's too.
    ...(typeof r.model === "string" ? printedFigures(r.model) : []),
  ]);
}

/** Mean and sample standard deviation, in percent, of one accuracy of one model over its seeds. */
export interface SeedFigure {
  mean: number;
  sd: number;
  seeds: number;
}

/**
 * Per model id and profile with two seeds or more in the ledger: the mean and standard deviation over its seeds of
 * its holdout and of its test accuracy (rows scored on the same number of test images), in percent.
 */
export function ledgerSeedFigures(rows: readonly Record<string, unknown>[]): SeedFigure[] {
  type Row = Record<string, unknown>;
  const groupings: [string, (r: Row) => string][] = [
    ["holdoutAccuracy", () => ""],
    ["testAccuracy", (r) => String(r.testImages ?? "")],
  ];
  const out: SeedFigure[] = [];
  for (const [k, by] of groupings) {
    const groups = new Map<string, number[]>();
    for (const r of rows) {
      if (typeof r.id !== "string" || typeof r.seed !== "number" || typeof r[k] !== "number") continue;
      const key = `${r.id}\u0000${r.profile}\u0000${by(r)}`;
      groups.set(key, [...(groups.get(key) ?? []), (r[k] as number) * 100]);
    }
    for (const values of groups.values()) {
      if (values.length < 2) continue;
      const { mean, sd, n } = seedSummary(values);
      out.push({ mean, sd, seeds: n });
    }
  }
  return out;
}

/** The "mean % ± sd" figures of `text` that no seed figure of the ledger rounds to (mean and sd both). */
export function untracedSpreads(text: string, figures: readonly SeedFigure[]): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(\d{1,3}\.\d+)\s?%\s?±\s?(\d+(?:\.\d+)?)/g)) {
    // Each figure is traced to its own rounding, as roundsTo does for a single quote.
    const [mean, sd] = [m[1], m[2]].map((text) => ({
      text,
      percent: Number(text),
      decimals: (text.split(".")[1] ?? "").length,
      sentence: m[0],
    }));
    if (!figures.some((f) => roundsTo(f.mean, mean) && roundsTo(f.sd, sd))) {
      out.push(`${mean.percent} % ± ${sd.percent}`);
    }
  }
  return out;
}
