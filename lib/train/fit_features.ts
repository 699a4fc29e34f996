/**
 * Training a small classifier head on pre-computed features (transfer
 * learning with a frozen base: the base runs once, see
 * `lib/networks/features.ts`, and only the head trains, for many cheap epochs).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "../data/dataset.ts";
import type { Features } from "../networks/features.ts";
import { createProgress } from "../display/progress.ts";
import { emptyHistory, type History } from "./fit.ts";
import { oneHot } from "../runtime/tensors.ts";
import { accuracy } from "../metrics/accuracy.ts";
import { createOptimizer, getLearningRate, type OptimizerSpec } from "./optimizers.ts";

/** Options of {@linkcode fitOnFeatures}. */
export interface FitOnFeaturesOptions {
  epochs?: number;
  batchSize?: number;
  /** Adam learning rate (default 1e-3), or the rate of `optimizer` when it names none. */
  learningRate?: number;
  /** Optimizer by name (default Adam), e.g. the report's `{ name: "sgd", learningRate: 1e-4 }`. */
  optimizer?: OptimizerSpec;
  /** Features of a labelled holdout, evaluated after every epoch. */
  validation?: Features;
  /** Seed of the shuffles (default 1). */
  seed?: number;
}

function tensorOf(f: Features): tf.Tensor {
  return tf.tensor(f.values, [f.count, ...f.shape]);
}

function requireFeatureLabels(f: Features): Uint8Array {
  if (!f.labels) throw new Error("fitOnFeatures: features without labels");
  return f.labels;
}

/** Trains `head` (input shape = one feature map) on labelled features; returns a Keras-like history and the seconds. */
export async function fitOnFeatures(
  head: tf.LayersModel,
  train: Features,
  options: FitOnFeaturesOptions = {},
): Promise<{ history: History; seconds: number }> {
  const epochs = options.epochs ?? 20;
  const optimizer = createOptimizer({ name: "adam", learningRate: options.learningRate ?? 1e-3, ...options.optimizer });
  const lr = getLearningRate(optimizer);
  head.compile({
    optimizer,
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  const x = tensorOf(train);
  const y = tf.tensor2d(oneHot(requireFeatureLabels(train)), [train.count, NUM_CLASSES]);
  const v = options.validation;
  const vx = v ? tensorOf(v) : null;
  const vy = v ? tf.tensor2d(oneHot(requireFeatureLabels(v)), [v.count, NUM_CLASSES]) : null;
  const history = emptyHistory();
  const bar = createProgress({ total: epochs, label: "train head", unit: "epoch" });
  const t0 = performance.now();
  let epochStart = t0;
  try {
    await head.fit(x, y, {
      epochs,
      batchSize: options.batchSize ?? 128,
      shuffle: true,
      validationData: vx && vy ? [vx, vy] : undefined,
      verbose: 0,
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          history.epoch.push(epoch + 1);
          history.loss.push(logs?.loss ?? NaN);
          history.accuracy.push(logs?.acc ?? logs?.accuracy ?? NaN);
          if (v) {
            history.valLoss.push(logs?.val_loss ?? NaN);
            history.valAccuracy.push(logs?.val_acc ?? logs?.val_accuracy ?? NaN);
          }
          history.lr.push(lr);
          history.seconds.push((performance.now() - epochStart) / 1000);
          epochStart = performance.now();
          bar.tick(1, { loss: logs?.loss ?? NaN, ...(v ? { val_acc: logs?.val_acc ?? NaN } : {}) });
        },
      },
    });
  } finally {
    tf.dispose([x, y, ...(vx ? [vx] : []), ...(vy ? [vy] : [])]);
  }
  bar.finish();
  return { history, seconds: (performance.now() - t0) / 1000 };
}

/** The class `head` predicts for each row of `f` (labels not needed). */
export function predictOnFeatures(head: tf.LayersModel, f: Features): Int32Array {
  return tf.tidy(() => (head.predict(tensorOf(f)) as tf.Tensor).argMax(-1).dataSync() as Int32Array);
}

/** Accuracy of `head` on labelled features. */
export function accuracyOnFeatures(head: tf.LayersModel, f: Features): number {
  const labels = requireFeatureLabels(f);
  return accuracy(labels, predictOnFeatures(head, f));
}
