/**
 * Shared shape of benchmark figures: every suite returns entries and
 * `deno task bench` prints them side by side and writes `outputs/bench.json`.
 *
 * @module
 */

/** One measured figure. */
export interface BenchEntry {
  /** Suite-qualified name, e.g. "load/train_data.csv cold". */
  name: string;
  value: number | string;
  /** Unit, e.g. "s", "img/s", "accuracy". */
  unit: string;
  /** Optional target and whether it is met, for the table. */
  target?: string;
  note?: string;
  /** Suite that measured it (set by `scripts/bench.ts`, which keeps other suites' figures in bench.json). */
  suite?: string;
  /** When it was measured (ISO time, in bench.json). */
  date?: string;
}

/** A bench suite: a named async function producing entries. */
export interface BenchSuite {
  name: string;
  /** Runs only when named on the command line (not in the default "all"). */
  explicit?: boolean;
  run(): Promise<BenchEntry[]>;
}
