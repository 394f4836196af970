"""Imputation: the autoencoder against scikit-learn's imputers.

20% of the entries missing completely at random (seed 0), on:

* breast_cancer, wine, diabetes and digits, each scaled to [0, 1] per
  feature (MinMaxScaler), imputed in one ``fit_transform``;
* Fashion-MNIST: fitted on 10,000 training images with holes, imputing
  2,000 test images with holes (needs Debian's ``dataset-fashion-mnist``).

RMSE over the missing entries and the seconds of fit + transform, for
``SimpleImputer`` (mean), ``KNNImputer(5)``, ``IterativeImputer`` (not on
Fashion-MNIST's 784 features, where it is impractical) and
``DenoisingAutoencoderImputer(random_state=0)``, also with ``n_neighbors=5``
(fills from the nearest training rows' observed values), with the loss weight
of the hidden entries that "auto" does not pick (``corrupted_loss_weight=1``
on Fashion-MNIST, 5 on the small data) and, on the small data, with all that
"auto" picks for data with more than 200 features
(``hidden_layer_sizes=(256,), noise_factor=0.1, corrupted_loss_weight=5``),
and on Fashion-MNIST with all that it picks for up to 200 features (``(512,
256)``, 0.3 and 1). Then, downstream on digits (``X / 16``, 5-fold CV, on
three draws of the holes and their mean): the accuracy of
``make_pipeline(imputer, LogisticRegression(max_iter=3000))``, with the
transformer itself (which takes NaN) as front end too, and the classifier on
the complete data. Last, where the imputers differ on digits' held-out folds
(the first draw): a logistic regression trained on the complete training
rows scores the imputed test rows, and the RMSE is split between the missing
entries that are strokes (> 0) and background (0).

Writes ``docs/benchmarks/impute.json`` and ``impute.md``. About 18 minutes
on 2 cores. Run by hand: ``python benchmarks/impute.py``.
"""

import json
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skdae import DenoisingAutoencoderImputer, DenoisingAutoencoderTransformer
from skdae._data import DataUnavailableError, load_dataset

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
RATE = 0.2
# What "auto" picks on data with more than 200 features, on the small data,
# and what it picks with up to 200, on Fashion-MNIST.
WIDE = "skdae, (256,), masking 0.1, weight 5"
NARROW = "skdae, (512, 256), masking 0.3, weight 1"
# Fills from the nearest training rows' observed values.
NEIGHBOURS = "skdae, n_neighbors=5"
# The draws of holes the downstream accuracies are averaged over.
DRAWS = (0, 1, 2)


def imputers(small=True):
    """The imputers compared, on the small data or on Fashion-MNIST.

    The autoencoder with its defaults, with ``n_neighbors=5``, and with its
    loss weight of the hidden
    entries switched (1 on Fashion-MNIST and 5 on the small data, where
    "auto" picks the other); on the small data, also ``IterativeImputer``
    and the autoencoder with all that "auto" picks for wide data, and on
    Fashion-MNIST with all that it picks for narrow data.
    """
    found = {
        "mean": SimpleImputer(),
        "KNN(5)": KNNImputer(n_neighbors=5),
        "skdae": DenoisingAutoencoderImputer(random_state=0),
        NEIGHBOURS: DenoisingAutoencoderImputer(n_neighbors=5, random_state=0),
    }
    if not small:
        found["skdae, weight 1"] = DenoisingAutoencoderImputer(
            corrupted_loss_weight=1.0, random_state=0
        )
        found[NARROW] = DenoisingAutoencoderImputer(
            hidden_layer_sizes=(512, 256),
            noise_factor=0.3,
            corrupted_loss_weight=1.0,
            random_state=0,
        )
        return found
    found["skdae, weight 5"] = DenoisingAutoencoderImputer(
        corrupted_loss_weight=5.0, random_state=0
    )
    found["iterative"] = IterativeImputer(random_state=0, max_iter=10)
    found[WIDE] = DenoisingAutoencoderImputer(
        hidden_layer_sizes=(256,),
        noise_factor=0.1,
        corrupted_loss_weight=5.0,
        random_state=0,
    )
    return found


def with_holes(X, seed=0):
    missing = np.random.RandomState(seed).rand(*X.shape) < RATE
    return np.where(missing, np.nan, X), missing


def rmse(X_imputed, X, missing):
    return float(np.sqrt(np.mean((X_imputed[missing] - X[missing]) ** 2)))


def tabular():
    results = {}
    for name, loader in (
        ("breast_cancer", load_breast_cancer),
        ("wine", load_wine),
        ("diabetes", load_diabetes),
        ("digits", load_digits),
    ):
        X = MinMaxScaler().fit_transform(loader(return_X_y=True)[0])
        X_missing, missing = with_holes(X)
        results[name] = {}
        for label, imputer in imputers().items():
            start = time.perf_counter()
            filled = imputer.fit_transform(X_missing)
            seconds = time.perf_counter() - start
            results[name][label] = {
                "rmse": rmse(filled, X, missing),
                "seconds": seconds,
            }
        print(name, results[name], flush=True)
    return results


def fashion():
    data = load_dataset("fashion-mnist")
    X_train = data.X_train[:10_000].astype(np.float64)
    X_test = data.X_test[:2000].astype(np.float64)
    train_missing, _ = with_holes(X_train, seed=0)
    test_missing, missing = with_holes(X_test, seed=1)
    result = {}
    for label, imputer in imputers(small=False).items():
        start = time.perf_counter()
        filled = imputer.fit(train_missing).transform(test_missing)
        seconds = time.perf_counter() - start
        result[label] = {"rmse": rmse(filled, X_test, missing), "seconds": seconds}
        print("fashion-mnist", label, result[label], flush=True)
    return result


def downstream():
    """Accuracy behind each front end, for each of ``DRAWS`` draws of holes.

    Which entries are missing moves the accuracies by up to 0.7 points (KNN:
    0.919 to 0.925), so each front end is scored on the same three draws and
    compared by the mean.
    """
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    front_ends = {
        **imputers(),
        "skdae transformer": DenoisingAutoencoderTransformer(
            noise="masking", noise_factor=0.1, random_state=0
        ),
    }
    result = {}
    for label, front in front_ends.items():
        pipe = make_pipeline(front, LogisticRegression(max_iter=3000))
        draws = [
            float(cross_val_score(pipe, with_holes(X, seed)[0], y, cv=5).mean())
            for seed in DRAWS
        ]
        result[label] = {"draws": draws, "mean": float(np.mean(draws))}
        print("downstream", label, result[label], flush=True)
    complete = make_pipeline(LogisticRegression(max_iter=3000))
    result["complete data"] = float(cross_val_score(complete, X, y, cv=5).mean())
    return result


def diagnosis():
    """Where KNN and the autoencoder differ, on the folds of ``downstream``."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_missing, missing = with_holes(X)
    labels = ("KNN(5)", "skdae", NEIGHBOURS)
    sums = {label: np.zeros(3) for label in labels}
    folds = StratifiedKFold(5).split(X, y)  # cross_val_score's folds
    for train, test in folds:
        classifier = LogisticRegression(max_iter=3000).fit(X[train], y[train])
        holes = missing[test]
        strokes, background = holes & (X[test] > 0), holes & (X[test] == 0)
        for label in labels:
            imputer = imputers(small=False)[label].fit(X_missing[train])
            filled = imputer.transform(X_missing[test])
            sums[label] += [
                classifier.score(filled, y[test]),
                rmse(filled, X[test], strokes),
                rmse(filled, X[test], background),
            ]
    keys = ("complete-data classifier", "rmse strokes", "rmse background")
    result = {
        label: dict(zip(keys, (float(v) for v in total / 5), strict=True))
        for label, total in sums.items()
    }
    print("diagnosis", result, flush=True)
    return result


def table(results):
    labels = ["mean", "KNN(5)", "iterative", "skdae", NEIGHBOURS]
    labels += ["skdae, weight 1", "skdae, weight 5", WIDE, NARROW]
    lines = [
        "| data | " + " | ".join(labels) + " |",
        "| --- | " + " | ".join("---" for _ in labels) + " |",
    ]
    for name, row in results["rmse"].items():
        cells = []
        best = min(v["rmse"] for v in row.values())
        for label in labels:
            if label not in row:
                cells.append("-")
                continue
            text = f"{row[label]['rmse']:.3f} ({row[label]['seconds']:.1f} s)"
            cells.append(f"**{text}**" if row[label]["rmse"] == best else text)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    draws = " | ".join(f"holes {seed}" for seed in DRAWS)
    lines += [
        "",
        f"| front end on digits with 20% missing | {draws} | mean |",
        "| --- |" + " --- |" * (len(DRAWS) + 1),
    ]
    means = {
        label: row["mean"]
        for label, row in results["downstream"].items()
        if label != "complete data"
    }
    for label, accuracy in results["downstream"].items():
        if label == "complete data":
            cells = [""] * len(DRAWS) + [f"{accuracy:.3f}"]
        else:
            cells = [f"{a:.3f}" for a in accuracy["draws"]]
            mean = f"{accuracy['mean']:.3f}"
            cells.append(f"**{mean}**" if means[label] == max(means.values()) else mean)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| digits' test folds (holes 0), imputed by | complete-data classifier's "
        "accuracy | RMSE on strokes (> 0) | RMSE on background (0) |",
        "| --- | --- | --- | --- |",
    ]
    for label, row in results["diagnosis"].items():
        cells = [f"{value:.3f}" for value in row.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main():
    results = {"rmse": tabular()}
    try:
        results["rmse"]["fashion_mnist_10k"] = fashion()
    except DataUnavailableError as exc:
        print(f"Fashion-MNIST skipped: {exc}")
    results["downstream"] = downstream()
    results["diagnosis"] = diagnosis()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "impute.json").write_text(json.dumps(results, indent=1) + "\n")
    (OUT / "impute.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
