/**
 * The one interface through which any trained model of the study is scored
 * and ranked, whatever it is (a network, an SVM pipeline): it predicts the
 * class of every image of a {@linkcode Dataset}, and is disposed of after.
 *
 * @example
 * ```ts
 * import type { Classifier } from "./classifier.ts";
 * import { scoreClassifier } from "./classifier.ts";
 * import { createDataset } from "./dataset.ts";
 *
 * const zeros: Classifier = { predict: (ds) => Promise.resolve(new Uint8Array(ds.count)), dispose() {} };
 * const ds = createDataset(new Float32Array(2 * 784), { name: "two", labels: Uint8Array.from([0, 1]) });
 * await scoreClassifier(zeros, ds); // 0.5
 * ```
 *
 * @module
 */

import { accuracy } from "../metrics/accuracy.ts";
import { type Dataset, requireLabels } from "./dataset.ts";

/** A trained model seen from outside: labels in, nothing else assumed. */
export interface Classifier {
  /** The predicted class of every image of `ds`. */
  predict(ds: Dataset): Promise<ArrayLike<number>>;
  /** Releases what the model holds (tensors, workers); it cannot predict afterwards. */
  dispose(): void;
}

/** Accuracy of `classifier` on a labelled data set. */
export async function scoreClassifier(classifier: Classifier, ds: Dataset): Promise<number> {
  return accuracy(requireLabels(ds), await classifier.predict(ds));
}
