/**
 * Bench suite for the classical models on the report's 9,000 / 3,000 split:
 * fit time, predict time and holdout accuracy of RBF (C=0.8, gamma=0.01) and
 * linear (C=0.6) SVMs on raw pixels and of PCA(150, whitened, randomized) +
 * RBF (C=10, gamma=0.005); then, when Debian's `python3-sklearn` is
 * installed, scikit-learn on the exact same split, side by side (a
 * comparison only, never a dependency); and `ml-svm` beside ours on a subset
 * (`ml_svm.ts`). `SVM_BENCH_CONFIGS` (comma-separated "rbf", "linear", "pca",
 * "ml-svm") restricts the configurations.
 *
 * @module
 */

import type { BenchEntry, BenchSuite } from "./types.ts";
import { loadTrain, requireLabels, stratifiedSplit } from "noisy-digits/data";
import { SVC } from "noisy-digits/svm";
import { PCA } from "noisy-digits/decomposition";
import { accuracy } from "noisy-digits/metrics";
import { mlSvmFigures } from "./ml_svm.ts";

interface Config {
  key: string;
  name: string;
  build: () => { pca?: PCA; svc: SVC };
}

const CONFIGS: Config[] = [
  { key: "rbf", name: "rbf C=0.8 gamma=0.01", build: () => ({ svc: new SVC({ kernel: "rbf", C: 0.8, gamma: 0.01 }) }) },
  { key: "linear", name: "linear C=0.6", build: () => ({ svc: new SVC({ kernel: "linear", C: 0.6 }) }) },
  {
    key: "pca",
    name: "pca150w + rbf C=10 gamma=0.005",
    build: () => ({
      pca: new PCA({ nComponents: 150, whiten: true, solver: "randomized", seed: 42 }),
      svc: new SVC({ kernel: "rbf", C: 10, gamma: 0.005, classWeight: "balanced" }),
    }),
  },
];

async function sklearnAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("/usr/bin/python3", { args: ["-c", "import sklearn"], stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Classical-model figures. */
export const svmSuite: BenchSuite = {
  name: "svm",
  async run(): Promise<BenchEntry[]> {
    const wanted = (Deno.env.get("SVM_BENCH_CONFIGS") ?? "rbf,linear,pca,ml-svm").split(",");
    const configs = CONFIGS.filter((c) => wanted.includes(c.key));
    const split = stratifiedSplit(await loadTrain(), { holdoutFraction: 0.25, seed: 42 });
    const truth = requireLabels(split.holdout);
    const entries: BenchEntry[] = [];
    const ours = new Map<string, number>();
    for (const config of configs) {
      const { pca, svc } = config.build();
      const t0 = performance.now();
      const train = pca ? await pca.fitTransform(split.train) : split.train;
      await svc.fit(train, requireLabels(split.train));
      const fit = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const predicted = await svc.predict(pca ? await pca.transform(split.holdout) : split.holdout);
      const predict = (performance.now() - t1) / 1000;
      const acc = accuracy(truth, predicted);
      ours.set(config.name, acc);
      const target = config.key === "rbf" ? "<= 60 s" : undefined;
      entries.push(
        { name: `svm/${config.name} fit (9000)`, value: +fit.toFixed(1), unit: "s", target },
        { name: `svm/${config.name} predict (3000)`, value: +predict.toFixed(1), unit: "s" },
        {
          name: `svm/${config.name} holdout accuracy`,
          value: +acc.toFixed(4),
          unit: "accuracy",
          note: `${svc.supportCount} support vectors`,
        },
      );
    }
    if (wanted.includes("ml-svm")) entries.push(...await mlSvmFigures(split.train, split.holdout));
    if (!(await sklearnAvailable())) {
      entries.push({ name: "svm/scikit-learn", value: "skipped", unit: "", note: "python3-sklearn not installed" });
      return entries;
    }
    const dir = await Deno.makeTempDir({ prefix: "noisy-digits-svm-" });
    try {
      const bytes = (a: Float32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      await Deno.writeFile(`${dir}/train_x.f32`, bytes(split.train.pixels));
      await Deno.writeFile(`${dir}/train_y.u8`, requireLabels(split.train));
      await Deno.writeFile(`${dir}/holdout_x.f32`, bytes(split.holdout.pixels));
      await Deno.writeFile(`${dir}/holdout_y.u8`, truth);
      const script = new URL("./sklearn_svm.py", import.meta.url).pathname;
      const out = await new Deno.Command("/usr/bin/python3", {
        args: [script, dir, ...configs.map((c) => c.name)],
        stderr: "inherit",
      }).output();
      const lines = new TextDecoder().decode(out.stdout).trim().split("\n").filter(Boolean);
      for (const line of lines) {
        const r = JSON.parse(line) as { config: string; fit_s: number; predict_s: number; accuracy: number };
        const mine = ours.get(r.config);
        const gap = mine === undefined ? undefined : (mine - r.accuracy) * 100;
        entries.push(
          { name: `svm/sklearn ${r.config} fit (9000)`, value: +r.fit_s.toFixed(1), unit: "s" },
          { name: `svm/sklearn ${r.config} predict (3000)`, value: +r.predict_s.toFixed(1), unit: "s" },
          {
            name: `svm/sklearn ${r.config} holdout accuracy`,
            value: +r.accuracy.toFixed(4),
            unit: "accuracy",
            target: gap === undefined ? undefined : `ours within 1 pt: ${Math.abs(gap) <= 1 ? "yes" : "NO"}`,
            note: gap === undefined ? undefined : `ours - sklearn = ${gap.toFixed(2)} pt`,
          },
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    return entries;
  },
};
