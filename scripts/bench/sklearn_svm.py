"""Side-by-side reference for `deno task bench svm`: scikit-learn (libsvm) on the
exact split the bench used. A comparison only; the project never depends on it.

usage: python3 sklearn_svm.py DIR [config...]  -> JSON lines on stdout
DIR holds the split as raw little-endian arrays written by scripts/bench/svm.ts:
train_x.f32, train_y.u8, holdout_x.f32, holdout_y.u8 (784 features per row).
"""
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

folder = sys.argv[1]
xtr = np.fromfile(f"{folder}/train_x.f32", dtype="<f4").reshape(-1, 784)
ytr = np.fromfile(f"{folder}/train_y.u8", dtype=np.uint8).astype(int)
xho = np.fromfile(f"{folder}/holdout_x.f32", dtype="<f4").reshape(-1, 784)
yho = np.fromfile(f"{folder}/holdout_y.u8", dtype=np.uint8).astype(int)
configs = {
    "rbf C=0.8 gamma=0.01": lambda: SVC(kernel="rbf", C=0.8, gamma=0.01, cache_size=1000),
    "linear C=0.6": lambda: SVC(kernel="linear", C=0.6, cache_size=1000),
    "pca150w + rbf C=10 gamma=0.005": lambda: make_pipeline(
        PCA(n_components=150, whiten=True, svd_solver="randomized", random_state=42),
        SVC(kernel="rbf", C=10, gamma=0.005, class_weight="balanced", cache_size=1000)),
}
wanted = sys.argv[2:] or list(configs)
for name in wanted:
    model = configs[name]()
    t0 = time.time()
    model.fit(xtr, ytr)
    t1 = time.time()
    acc = float((model.predict(xho) == yho).mean())
    t2 = time.time()
    print(json.dumps({"config": name, "fit_s": t1 - t0, "predict_s": t2 - t1, "accuracy": acc}), flush=True)
