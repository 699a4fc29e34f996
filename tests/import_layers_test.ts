/**
 * The layers of `lib/` import in one direction: a module may import from its
 * own folder and from the folders below it, never from a folder above. The
 * order is docs/architecture.md's ("Layers"); a new folder must be placed in it.
 * Nor do the modules import in a circle, inside a folder either.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";

/** The folders of `lib/`, lowest first. */
export const LAYERS = [
  "util",
  "display",
  "metrics",
  "data",
  "runtime",
  "decomposition",
  "svm",
  "networks",
  "train",
  "plots",
  "study",
] as const;

/** Relative module specifiers of a source: static and dynamic imports, re-exports, `new URL(...)` workers. */
export function relativeSpecifiers(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)["'](\.{1,2}\/[^"']+\.ts)["']/g;
  for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

/** The layer folder of a path relative to `lib/` (its first segment). */
function layerOf(pathInLib: string): string {
  return pathInLib.split("/")[0];
}

/** Imports that go from a layer to a higher one, as "from -> to" lines. */
export function upwardImports(files: Map<string, string>): string[] {
  const rank = (layer: string) => {
    const i = (LAYERS as readonly string[]).indexOf(layer);
    if (i < 0) throw new Error(`lib/${layer}/ is not in LAYERS (tests/import_layers_test.ts): place it in the order`);
    return i;
  };
  const bad: string[] = [];
  for (const [path, source] of files) {
    rank(layerOf(path));
    for (const spec of relativeSpecifiers(source)) {
      const target = normalize(join(dirname(path), spec));
      if (target.startsWith("..")) {
        bad.push(`${path} -> ${spec} (outside lib/)`);
      } else if (rank(layerOf(target)) > rank(layerOf(path))) {
        bad.push(`${path} -> ${target} (${layerOf(path)} may not import ${layerOf(target)})`);
      }
    }
  }
  return bad;
}

/** A source without its comments (whose examples import what they show, the module itself included). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Import circles among `files` (paths relative to `lib/`), each as "a -> b -> a"; type-only imports count. */
export function importCircles(files: Map<string, string>): string[] {
  const graph = new Map<string, string[]>();
  for (const [path, source] of files) {
    graph.set(path, relativeSpecifiers(withoutComments(source)).map((spec) => normalize(join(dirname(path), spec))));
  }
  const state = new Map<string, "open" | "done">(), stack: string[] = [], circles: string[] = [];
  const visit = (path: string) => {
    state.set(path, "open");
    stack.push(path);
    for (const next of graph.get(path) ?? []) {
      if (state.get(next) === "open") circles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, "done");
  };
  for (const path of [...graph.keys()].sort()) if (!state.has(path)) visit(path);
  return circles;
}

function libSources(): Map<string, string> {
  const lib = join(REPO_ROOT, "lib"), files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) walk(p);
      else if (e.name.endsWith(".ts")) files.set(relative(lib, p), Deno.readTextFileSync(p));
    }
  };
  walk(lib);
  return files;
}

Deno.test("relativeSpecifiers finds static, type-only, dynamic and re-export imports and worker URLs", () => {
  const src = [
    `import { a } from "./a.ts";`,
    `import type { B } from "../b/b.ts";`,
    `import "../c/register.ts";`,
    `export { d } from "./d.ts";`,
    `const e = await import("../e/e.ts");`,
    `new Worker(new URL("./worker.ts", import.meta.url).href);`,
    `import * as tf from "@tensorflow/tfjs";`,
  ].join("\n");
  assert.deepEqual(relativeSpecifiers(src), [
    "./a.ts",
    "../b/b.ts",
    "../c/register.ts",
    "./d.ts",
    "../e/e.ts",
    "./worker.ts",
  ]);
});

Deno.test("upwardImports reports a low layer importing a higher one, and only that", () => {
  const files = new Map([
    ["data/load.ts", `import { show } from "../display/show.ts";\nimport { x } from "./csv.ts";`],
    ["display/table.ts", `import { recordResults } from "../study/results.ts";`],
    ["train/fit.ts", `import type { Dataset } from "../data/dataset.ts";`],
  ]);
  assert.deepEqual(upwardImports(files), [
    "display/table.ts -> study/results.ts (display may not import study)",
  ]);
  assert.throws(() => upwardImports(new Map([["misc/x.ts", ""]])), /lib\/misc\/ is not in LAYERS/);
});

Deno.test("lib/ imports only downwards: no module imports from a layer above its own", () => {
  assert.deepEqual(upwardImports(libSources()), []);
});

Deno.test("importCircles finds a circle through type-only imports, and not an import in a comment", () => {
  const files = new Map([
    ["train/augment.ts", `import type { BatchTransform } from "./fit.ts";`],
    ["train/fit.ts", `import { evaluate } from "./predict.ts";\nimport { tf } from "../runtime/backend.ts";`],
    ["train/predict.ts", `/**\n * import { fit } from "./fit.ts";\n */\nimport { shifted } from "./tta.ts";`],
    ["train/tta.ts", `// import { x } from "./predict.ts";\nimport { transformBatch } from "./augment.ts";`],
    ["runtime/backend.ts", ""],
  ]);
  assert.deepEqual(importCircles(files), [
    "train/augment.ts -> train/fit.ts -> train/predict.ts -> train/tta.ts -> train/augment.ts",
  ]);
  files.set("train/augment.ts", `import type { BatchTransform } from "./transform.ts";`);
  assert.deepEqual(importCircles(files), []);
});

Deno.test("lib/ has no import circle", () => {
  assert.deepEqual(importCircles(libSources()), []);
});

Deno.test("every layer of lib/ has a mod.ts and the import map names it", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(REPO_ROOT, "deno.json")));
  for (const layer of LAYERS) {
    const mod = join(REPO_ROOT, "lib", layer, "mod.ts");
    assert.ok(Deno.statSync(mod).isFile, `lib/${layer}/mod.ts is missing`);
    assert.equal(
      config.imports[`noisy-digits/${layer}`],
      `./lib/${layer}/mod.ts`,
      `deno.json imports noisy-digits/${layer}`,
    );
  }
  const folders = [...Deno.readDirSync(join(REPO_ROOT, "lib"))].filter((e) => e.isDirectory).map((e) => e.name);
  assert.deepEqual(folders.sort(), [...LAYERS].sort(), "lib/ has exactly the folders of LAYERS");
});

Deno.test("notebooks import lib/ only through the layers' modules (noisy-digits/<layer>), never a deep path", () => {
  const dir = join(REPO_ROOT, "notebooks");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"));
  assert.ok(names.length >= 8);
  for (const name of names) {
    const cells = JSON.parse(Deno.readTextFileSync(join(dir, name))).cells as { cell_type: string; source: string[] }[];
    const code = cells.filter((c) => c.cell_type === "code").map((c) => c.source.join("")).join("\n");
    assert.doesNotMatch(code, /from\s+["']\.{1,2}\//, `${name} imports a relative path`);
    for (const m of code.matchAll(/from\s+["']noisy-digits\/([\w-]+)["']/g)) {
      assert.ok((LAYERS as readonly string[]).includes(m[1]), `${name} imports noisy-digits/${m[1]}, not a layer`);
    }
  }
});
