/**
 * `deno task strip [--check] [file…]`: the notebooks as the repository keeps them: code cells without outputs or
 * execution counts, and no `language_info.version` (the Deno kernel adds it when a notebook is opened). By default
 * every `notebooks/*.ipynb` is cleared in place (atomically; a file already clean is not rewritten); with `--check`
 * nothing is written and the status is 1 when a notebook would change, naming it.
 *
 * As a git clean filter (`--stdin`: a notebook on stdin, the kept form on stdout), so that outputs saved by an
 * editor never reach a commit even before this check runs:
 *
 * ```sh
 * git config filter.notebook-outputs.clean "deno run -A scripts/strip_outputs.ts --stdin"
 * git config filter.notebook-outputs.smudge cat
 * ```
 *
 * (`.gitattributes` names the filter for `notebooks/*.ipynb`; without the `git config` lines git ignores it.)
 *
 * @module
 */

import { join, relative } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";
import { writeFileAtomic } from "noisy-digits/util";
import { parseOptions } from "./args.ts";

interface Notebook {
  metadata?: { language_info?: Record<string, unknown> };
  cells?: { cell_type?: string; outputs?: unknown[]; execution_count?: unknown }[];
}

/**
 * A notebook's text as the repository keeps it (see the module notes), in Jupyter's layout (one-space indent,
 * final newline). `source` names the file in the error for text that is not a notebook.
 */
export function stripNotebook(text: string, source = "notebook"): string {
  let nb: Notebook;
  try {
    nb = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${error instanceof Error ? error.message : error})`);
  }
  if (typeof nb !== "object" || nb === null || !Array.isArray(nb.cells)) {
    throw new Error(`${source}: not a notebook (no "cells" list)`);
  }
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  if (nb.metadata?.language_info) delete nb.metadata.language_info.version;
  return JSON.stringify(nb, null, 1) + "\n";
}

/** The tracked notebooks: `notebooks/*.ipynb`, sorted. */
export function trackedNotebooks(dir: string = join(REPO_ROOT, "notebooks")): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ipynb")).map((e) => join(dir, e.name))
    .sort();
}

if (import.meta.main) {
  const USAGE = "usage: deno task strip [--check] [file…]   |   deno run -A scripts/strip_outputs.ts --stdin";
  const { values, positionals } = parseOptions(
    {
      check: { type: "boolean", default: false },
      stdin: { type: "boolean", default: false },
    },
    USAGE,
    { allowPositionals: true },
  );
  if (values.stdin) {
    const text = await new Response(Deno.stdin.readable).text();
    await Deno.stdout.write(new TextEncoder().encode(stripNotebook(text, "stdin")));
    Deno.exit(0);
  }
  const files = positionals.length ? positionals : trackedNotebooks();
  const changed: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    const kept = stripNotebook(text, file);
    if (kept === text) continue;
    changed.push(relative(Deno.cwd(), file));
    if (!values.check) await writeFileAtomic(file, kept);
  }
  if (values.check && changed.length) {
    console.error(`${changed.join(", ")}: saved with outputs or kernel metadata; \`deno task strip\` clears them`);
    Deno.exit(1);
  }
  console.log(changed.length ? `cleared ${changed.join(", ")}` : `${files.length} notebook(s) already clear`);
}
