/**
 * Each layer's `mod.ts` is its face: it names what is public, one by one (no `export *`), and what a notebook or a
 * script takes from `lib/` it takes from a face, by a name the face shows. The modules behind a face hold more (the
 * training step, the worker pool, file formats): a test that tests such an internal imports its file directly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "noisy-digits/data";

/** The names listed by the export clauses of a face's source (`export { a, type B } from "./x.ts"`). */
export function faceNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).at(-1);
      if (name) names.push(name);
    }
  }
  return names;
}

/** One import of `lib/` in a source: the layer it reaches, whether through its face, and what it names. */
export interface LibImport {
  specifier: string;
  layer: string;
  /** Whether the specifier is the layer's face (`noisy-digits/<layer>` or `.../lib/<layer>/mod.ts`). */
  face: boolean;
  /** The names imported, or for `import * as ns` the names used as `ns.name`. */
  names: string[];
}

/** The imports of `lib/` in TypeScript source (a script, or a notebook's code cells joined). */
export function libImports(source: string): LibImport[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: LibImport[] = [];
  for (const m of code.matchAll(/\bimport\s+(?:type\s+)?([\s\S]*?)\s+from\s*["']([^"']+)["']/g)) {
    const [, clause, specifier] = m;
    const viaMap = /^noisy-digits\/([\w-]+)$/.exec(specifier);
    const viaPath = /(?:^|\/)lib\/([\w-]+)\/(.+\.ts)$/.exec(specifier);
    if (!viaMap && !viaPath) continue;
    const names: string[] = [];
    const braces = /\{([^}]*)\}/.exec(clause);
    for (const part of braces?.[1].split(",") ?? []) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
      if (name) names.push(name);
    }
    const ns = /\*\s+as\s+([\w$]+)/.exec(clause)?.[1];
    if (ns) names.push(...new Set([...code.matchAll(new RegExp(`\\b${ns}\\.([\\w$]+)`, "g"))].map((u) => u[1])));
    out.push({ specifier, layer: (viaMap ?? viaPath)![1], face: !!viaMap || viaPath![2] === "mod.ts", names });
  }
  return out;
}

/** What `source` takes from `lib/` that no face shows: deep paths, and names a face does not export. */
export function nonPublicImports(source: string, faces: Map<string, Set<string>>): string[] {
  const bad: string[] = [];
  for (const i of libImports(source)) {
    const face = faces.get(i.layer);
    if (!face) bad.push(`${i.specifier}: no layer ${i.layer}`);
    else if (!i.face) bad.push(`${i.specifier}: not a face (import from noisy-digits/${i.layer})`);
    else for (const name of i.names) if (!face.has(name)) bad.push(`${name} from ${i.specifier}: not public`);
  }
  return bad;
}

/** The layers: the folders of `lib/`. */
const LAYERS = [...Deno.readDirSync(join(REPO_ROOT, "lib"))].filter((e) => e.isDirectory).map((e) => e.name).sort();

function readFaces(): Map<string, Set<string>> {
  return new Map(LAYERS.map((layer) => {
    const source = Deno.readTextFileSync(join(REPO_ROOT, "lib", layer, "mod.ts"));
    return [layer, new Set(faceNames(source))];
  }));
}

Deno.test("libImports reads named, type and namespace imports of lib/, through a face or a deep path", () => {
  const source = [
    `import { fit, type History } from "noisy-digits/train";`,
    `import * as nets from "noisy-digits/networks";`,
    `import { splitRows } from "../lib/train/parallel.ts";`,
    `import { join } from "node:path";`,
    `import type { Dataset } from "../lib/data/mod.ts";`,
    `// nets.notThis\nconst m = nets.simpleCnn();\nnets.summary(m);`,
  ].join("\n");
  assert.deepEqual(libImports(source), [
    { specifier: "noisy-digits/train", layer: "train", face: true, names: ["fit", "History"] },
    { specifier: "noisy-digits/networks", layer: "networks", face: true, names: ["simpleCnn", "summary"] },
    { specifier: "../lib/train/parallel.ts", layer: "train", face: false, names: ["splitRows"] },
    { specifier: "../lib/data/mod.ts", layer: "data", face: true, names: ["Dataset"] },
  ]);
  const faces = new Map([["train", new Set(["fit", "History"])], ["networks", new Set(["simpleCnn"])]]);
  assert.deepEqual(nonPublicImports(source, new Map([...faces, ["data", new Set(["Dataset"])]])), [
    "summary from noisy-digits/networks: not public",
    "../lib/train/parallel.ts: not a face (import from noisy-digits/train)",
  ]);
});

Deno.test("every face lists its names (no export *), and noisy-digits/train shows at most 50", () => {
  for (const layer of LAYERS) {
    const source = Deno.readTextFileSync(join(REPO_ROOT, "lib", layer, "mod.ts"));
    assert.doesNotMatch(source, /export\s+\*/, `lib/${layer}/mod.ts re-exports a whole module`);
    assert.ok(faceNames(source).length > 0, `lib/${layer}/mod.ts exports nothing`);
  }
  const train = readFaces().get("train")!;
  assert.ok(train.size <= 50, `noisy-digits/train exports ${train.size} names`);
  for (const internal of ["splitRows", "affineRow", "directoryHandler", "batchLoss", "trainStep"]) {
    assert.ok(!train.has(internal), `${internal} is internal`);
  }
});

Deno.test("the names a face lists are the values its modules export (the face runs)", async () => {
  for (const layer of LAYERS) {
    const mod = await import(`../lib/${layer}/mod.ts`);
    const source = Deno.readTextFileSync(join(REPO_ROOT, "lib", layer, "mod.ts"));
    const values = faceNames(source.replace(/export\s+type\s+\{[^}]*\}/g, "").replace(/\btype\s+[\w$]+\s*,?/g, ""));
    for (const name of values) assert.ok(name in mod, `noisy-digits/${layer} lists ${name}, which is not a value`);
  }
});

Deno.test("notebooks and scripts import only public names, through the faces", () => {
  const faces = readFaces(), bad: string[] = [];
  const notebooks = join(REPO_ROOT, "notebooks"), scripts = join(REPO_ROOT, "scripts");
  for (const e of Deno.readDirSync(notebooks)) {
    if (!e.name.endsWith(".ipynb")) continue;
    const cells = JSON.parse(Deno.readTextFileSync(join(notebooks, e.name))).cells as {
      cell_type: string;
      source: string[];
    }[];
    const code = cells.filter((c) => c.cell_type === "code").map((c) => c.source.join("")).join("\n");
    bad.push(...nonPublicImports(code, faces).map((b) => `notebooks/${e.name}: ${b}`));
  }
  for (const e of Deno.readDirSync(scripts)) {
    if (!e.name.endsWith(".ts")) continue;
    const source = Deno.readTextFileSync(join(scripts, e.name));
    bad.push(...nonPublicImports(source, faces).map((b) => `scripts/${e.name}: ${b}`));
  }
  assert.deepEqual(bad.sort(), []);
});
