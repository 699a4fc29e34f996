/**
 * `ml-svm` (the SVM package the project's design first named) beside ours on the same images: one-vs-one RBF
 * SVMs (C=0.8, gamma=0.01, i.e. ml-kernel's sigma = sqrt(1 / (2 gamma))) on the first `SVM_BENCH_MLSVM_ROWS`
 * training images (default 1,500: its kernel is an array of arrays and its prediction evaluates the kernel one
 * support vector at a time, so the full 9,000 take far longer than the rest of the bench) and the first 500
 * holdout images; our `SVC` on exactly the same rows, so that times and accuracies compare.
 *
 * @module
 */

import SVM from "ml-svm";
import type { BenchEntry } from "./types.ts";
import { type Dataset, datasetMatrix, type Matrix, requireLabels, takeRows } from "noisy-digits/data";
import { SVC } from "noisy-digits/svm";
import { accuracy } from "noisy-digits/metrics";

const C = 0.8, GAMMA = 0.01, PREDICT_ROWS = 500;

function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

/** One-vs-one voting over ml-svm's binary classifiers. */
function fitMlSvm(x: number[][], y: Uint8Array) {
  const models: { a: number; b: number; svm: InstanceType<typeof SVM> }[] = [];
  for (let a = 0; a < 10; a++) {
    for (let b = a + 1; b < 10; b++) {
      const idx = [...y.keys()].filter((i) => y[i] === a || y[i] === b);
      const svm = new SVM({
        C,
        kernel: "rbf",
        kernelOptions: { sigma: Math.sqrt(1 / (2 * GAMMA)) },
        whitening: false,
      });
      svm.train(idx.map((i) => x[i]), idx.map((i) => (y[i] === a ? 1 : -1)));
      models.push({ a, b, svm });
    }
  }
  return (rows: number[][]) => {
    const votes = rows.map(() => new Int32Array(10));
    for (const { a, b, svm } of models) {
      const p = svm.predict(rows) as number[];
      p.forEach((v, i) => votes[i][v > 0 ? a : b]++);
    }
    return Int32Array.from(votes, (v) => v.indexOf(Math.max(...v)));
  };
}

/** ml-svm and our SVC on the same subset of the split. */
export async function mlSvmFigures(train: Dataset, holdout: Dataset): Promise<BenchEntry[]> {
  const n = Math.min(train.count, Number(Deno.env.get("SVM_BENCH_MLSVM_ROWS") ?? 1500));
  const first = (k: number) => Array.from({ length: k }, (_, i) => i);
  const xs = takeRows(datasetMatrix(train), first(n)), ys = requireLabels(train).slice(0, n);
  const hx = takeRows(datasetMatrix(holdout), first(Math.min(PREDICT_ROWS, holdout.count)));
  const hy = requireLabels(holdout).slice(0, hx.rows);
  const tag = `rbf C=${C} gamma=${GAMMA}, first ${n} train / ${hx.rows} holdout images`;

  const t0 = performance.now();
  const predict = fitMlSvm(rowsOf(xs), ys);
  const fitMl = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const accMl = accuracy(hy, predict(rowsOf(hx)));
  const predictMl = (performance.now() - t1) / 1000;

  const svc = new SVC({ kernel: "rbf", C, gamma: GAMMA });
  const t2 = performance.now();
  await svc.fit(xs, ys);
  const fitOurs = (performance.now() - t2) / 1000;
  const t3 = performance.now();
  const accOurs = accuracy(hy, await svc.predict(hx));
  const predictOurs = (performance.now() - t3) / 1000;
  const note = "one-vs-one over 45 binary ml-svm classifiers (ml-svm is binary only), no whitening";
  return [
    { name: `svm/ml-svm ${tag} fit`, value: +fitMl.toFixed(1), unit: "s", note },
    { name: `svm/ml-svm ${tag} predict`, value: +predictMl.toFixed(1), unit: "s" },
    { name: `svm/ml-svm ${tag} holdout accuracy`, value: +accMl.toFixed(4), unit: "accuracy" },
    { name: `svm/ours ${tag} fit`, value: +fitOurs.toFixed(1), unit: "s" },
    { name: `svm/ours ${tag} predict`, value: +predictOurs.toFixed(1), unit: "s" },
    { name: `svm/ours ${tag} holdout accuracy`, value: +accOurs.toFixed(4), unit: "accuracy" },
  ];
}
