"""Imputation in front of a classifier, beyond ``benchmarks/impute.py``.

``KNNImputer(5)`` against ``DenoisingAutoencoderImputer(random_state=0)``
without and with ``n_neighbors=5``, each followed by a logistic regression
(``max_iter=3000``), entries missing completely at random:

* digits (``X / 16``, 5-fold CV as in ``impute.py``) with 5% and 40%
  missing, one draw of the holes (seed 0);
* breast_cancer and wine (scaled to [0, 1] per feature, then
  ``StandardScaler`` before the classifier; shuffled stratified 5-fold CV)
  with 20% missing, the mean of three draws of the holes.

Writes ``docs/benchmarks/impute_more.json`` and ``impute_more.md``. About
10 minutes on 2 cores. Run by hand: ``python benchmarks/impute_more.py``.
"""

import json
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.impute import KNNImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from skdae import DenoisingAutoencoderImputer

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
DIGITS_RATES = (0.05, 0.4)
TABULAR_DRAWS = (0, 1, 2)


def front_ends():
    return {
        "KNN(5)": KNNImputer(n_neighbors=5),
        "skdae": DenoisingAutoencoderImputer(random_state=0),
        "skdae, n_neighbors=5": DenoisingAutoencoderImputer(
            n_neighbors=5, random_state=0
        ),
    }


def with_holes(X, rate, seed):
    missing = np.random.RandomState(seed).rand(*X.shape) < rate
    return np.where(missing, np.nan, X)


def digits():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    results = {}
    for rate in DIGITS_RATES:
        X_missing = with_holes(X, rate, seed=0)
        row = {}
        for label, front in front_ends().items():
            pipe = make_pipeline(front, LogisticRegression(max_iter=3000))
            row[label] = float(cross_val_score(pipe, X_missing, y, cv=5).mean())
            print("digits", rate, label, row[label], flush=True)
        results[f"digits, {rate:.0%} missing"] = row
    return results


def tabular():
    results = {}
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for name, loader in (("breast_cancer", load_breast_cancer), ("wine", load_wine)):
        X, y = loader(return_X_y=True)
        X = MinMaxScaler().fit_transform(X)
        row = {}
        for label, front in front_ends().items():
            # cross_val_score fits clones: one pipeline serves every draw.
            pipe = make_pipeline(
                front, StandardScaler(), LogisticRegression(max_iter=3000)
            )
            scores = [
                cross_val_score(pipe, with_holes(X, 0.2, seed), y, cv=folds).mean()
                for seed in TABULAR_DRAWS
            ]
            row[label] = float(np.mean(scores))
            print(name, label, row[label], flush=True)
        results[f"{name}, 20% missing"] = row
    return results


def table(results):
    labels = list(front_ends())
    lines = [
        "| data | " + " | ".join(labels) + " |",
        "| --- |" + " --- |" * len(labels),
    ]
    for name, row in results.items():
        best = max(row.values())
        cells = [
            f"**{row[k]:.3f}**" if row[k] == best else f"{row[k]:.3f}" for k in labels
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main():
    results = {**digits(), **tabular()}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "impute_more.json").write_text(json.dumps(results, indent=1) + "\n")
    (OUT / "impute_more.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
