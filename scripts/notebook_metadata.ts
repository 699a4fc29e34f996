/**
 * The notebook metadata that JupyterLab, Jupyter Notebook and VS Code's
 * Jupyter extension need to pick the Deno kernel and TypeScript highlighting
 * without asking, and a check of a notebook file against it (plus the
 * repository's rule that notebooks are committed with outputs cleared).
 *
 * @module
 */

/** The kernelspec every notebook names: the one `deno jupyter --install` registers. */
export const DENO_KERNELSPEC = { name: "deno", display_name: "Deno", language: "typescript" } as const;

/** The `language_info` the Deno kernel reports (what editors use for highlighting and file type). */
export const TYPESCRIPT_LANGUAGE_INFO = {
  name: "typescript",
  codemirror_mode: "typescript",
  file_extension: ".ts",
  mimetype: "text/x.typescript",
  nbconvert_exporter: "script",
  pygments_lexer: "typescript",
} as const;

/** Minimal shape of an `.ipynb` file read as JSON. */
export interface NotebookJson {
  nbformat?: number;
  nbformat_minor?: number;
  metadata?: { kernelspec?: Record<string, unknown>; language_info?: Record<string, unknown> };
  cells?: { cell_type?: string; source?: string | string[]; outputs?: unknown[]; execution_count?: unknown }[];
}

/** Options of {@linkcode notebookProblems}. */
export interface NotebookCheckOptions {
  /** Require every code cell to have no outputs and no execution count (default true). */
  cleared?: boolean;
}

/**
 * What is wrong with a notebook for the editors and for committing: an empty
 * list when nothing is.
 *
 * @example
 * ```ts
 * const nb = JSON.parse(await Deno.readTextFile("notebooks/01_data_exploration.ipynb"));
 * console.log(notebookProblems(nb)); // []
 * ```
 */
export function notebookProblems(nb: NotebookJson, options: NotebookCheckOptions = {}): string[] {
  const problems: string[] = [];
  if (nb.nbformat !== 4 || (nb.nbformat_minor ?? 0) < 4) {
    problems.push(`nbformat ${nb.nbformat}.${nb.nbformat_minor}, expected 4.4 or later`);
  }
  const spec = nb.metadata?.kernelspec ?? {};
  for (const [key, want] of Object.entries(DENO_KERNELSPEC)) {
    if (spec[key] !== want) problems.push(`metadata.kernelspec.${key} is ${JSON.stringify(spec[key])}, not "${want}"`);
  }
  const info = nb.metadata?.language_info ?? {};
  for (const key of ["name", "file_extension"] as const) {
    const want = TYPESCRIPT_LANGUAGE_INFO[key];
    if (info[key] !== want) {
      problems.push(`metadata.language_info.${key} is ${JSON.stringify(info[key])}, not "${want}"`);
    }
  }
  const cells = nb.cells ?? [];
  if (!cells.some((c) => c.cell_type === "code")) problems.push("no code cell");
  if (options.cleared ?? true) {
    cells.forEach((cell, i) => {
      if (cell.cell_type !== "code") return;
      if ((cell.outputs ?? []).length) problems.push(`cell ${i} has outputs (commit notebooks with outputs cleared)`);
      if (cell.execution_count != null) problems.push(`cell ${i} has an execution count`);
    });
  }
  return problems;
}
