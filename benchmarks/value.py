"""When does the transformer help? A classifier's accuracy behind each front end.

For each dataset, a ``LogisticRegression(max_iter=2000)`` is trained on clean
data behind each front end and scored on clean, Gaussian-noisy and masked
test data:

* front ends: none (the classifier alone); PCA(k); the transformer with its
  defaults, denoised and encoded (one fit serves both); and no front end
  but the classifier trained on noise-augmented data (the clean rows plus
  noisy copies with the transformer's training noise).
* test conditions: clean; Gaussian noise of standard deviation 0.5 (clipped
  to [0, 1] for [0, 1] data); masking noise setting 30% of the entries to 0.
* datasets: digits (/ 16, 3-fold CV); breast_cancer and wine (standardized,
  5-fold CV); Fashion-MNIST with 5,000 and 60,000 training images (tested on
  2,000 of the test images; needs Debian's ``dataset-fashion-mnist``).

Every transformer uses its defaults with ``random_state=0``. Standardized
data are corrupted in standardized units. Writes
``docs/benchmarks/value.json`` and ``value.md``; the docs build checks the
"When does it help?" page's claims against the JSON. About 25 minutes on 2
cores (``--quick`` leaves Fashion-MNIST 60,000 out; ``--only NAME ...``
reruns those datasets and keeps the others' results from ``value.json``).

Run by hand: ``python benchmarks/value.py [--quick] [--only NAME ...]``.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skdae import DenoisingAutoencoderTransformer, corrupt
from skdae._data import DataUnavailableError, load_dataset

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
FRONT_ENDS = ["none", "pca", "dae_denoised", "dae_encoded", "augmented"]
CONDITIONS = ["clean", "gaussian_0.5", "masking_0.3"]
DATASETS = [
    "digits",
    "breast_cancer",
    "wine",
    "fashion_mnist_5000",
    "fashion_mnist_60000",
]


def classifier():
    return LogisticRegression(max_iter=2000)


def conditions(X, unit, seed):
    """The test data under each condition."""
    clip = (0, 1) if unit else None
    return {
        "clean": X,
        "gaussian_0.5": corrupt(
            X, noise_factor=0.5, clip_range=clip, random_state=seed
        ),
        "masking_0.3": corrupt(X, noise="masking", noise_factor=0.3, random_state=seed),
    }


def evaluate(X_train, y_train, X_test, y_test, *, unit, n_components, copies, seed):
    """Accuracies ``{front end: {condition: accuracy}}`` and the DAE's fit time."""
    tests = conditions(X_test, unit, seed)
    scores = {}

    def score(transform, clf):
        return {
            name: float(clf.score(transform(X), y_test)) for name, X in tests.items()
        }

    scores["none"] = score(lambda X: X, classifier().fit(X_train, y_train))
    pca = PCA(n_components, random_state=0).fit(X_train)
    scores["pca"] = score(
        pca.transform, classifier().fit(pca.transform(X_train), y_train)
    )
    dae = DenoisingAutoencoderTransformer(random_state=0)
    start = time.perf_counter()
    dae.fit(X_train)
    fit_seconds = time.perf_counter() - start
    scores["dae_denoised"] = score(
        dae.transform, classifier().fit(dae.transform(X_train), y_train)
    )
    encoder = clone(dae).set_params(transform_output="encoded")
    encoder.__setstate__(dae.__getstate__())
    encoder.set_params(transform_output="encoded")
    scores["dae_encoded"] = score(
        encoder.transform, classifier().fit(encoder.transform(X_train), y_train)
    )
    # The classifier alone, trained on the clean rows and `copies` noisy
    # copies with the transformer's own training noise.
    clip = (0, 1) if unit else None
    augmented = [X_train] + [
        corrupt(
            X_train,
            noise_factor=dae.noise_factor_,
            clip_range=clip,
            random_state=seed + i,
        )
        for i in range(copies)
    ]
    clf = classifier().fit(np.vstack(augmented), np.tile(y_train, copies + 1))
    scores["augmented"] = score(lambda X: X, clf)
    return scores, fit_seconds, dae.n_iter_


def cross_validated(X, y, *, cv, standardize, n_components):
    folds = []
    for i, (train, test) in enumerate(
        StratifiedKFold(cv, shuffle=True, random_state=0).split(X, y)
    ):
        X_train, X_test = X[train], X[test]
        if standardize:
            scaler = StandardScaler().fit(X_train)
            X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        folds.append(
            evaluate(
                X_train,
                y[train],
                X_test,
                y[test],
                unit=not standardize,
                n_components=n_components,
                copies=4,
                seed=i,
            )
        )
    return {
        "scores": {
            front: {
                cond: float(np.mean([f[0][front][cond] for f in folds]))
                for cond in CONDITIONS
            }
            for front in FRONT_ENDS
        },
        "dae_fit_seconds": float(np.median([f[1] for f in folds])),
        "dae_epochs": [f[2] for f in folds],
    }


def fashion(n_train, n_components):
    data = load_dataset("fashion-mnist")
    X_train, y_train = data.X_train[:n_train], data.y_train[:n_train]
    X_test, y_test = data.X_test[:2000], data.y_test[:2000]
    scores, seconds, epochs = evaluate(
        X_train,
        y_train,
        X_test,
        y_test,
        unit=True,
        n_components=n_components,
        # Four noisy copies of 60,000 images make LogisticRegression slow: one.
        copies=4 if n_train <= 10_000 else 1,
        seed=0,
    )
    return {"scores": scores, "dae_fit_seconds": seconds, "dae_epochs": [epochs]}


def table(results):
    names = {
        "none": "none",
        "pca": "PCA",
        "dae_denoised": "DAE denoised",
        "dae_encoded": "DAE encoded",
        "augmented": "noise-augmented LR",
    }
    lines = [
        "| data | front end | clean | Gaussian 0.5 | masking 0.3 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for dataset, result in results.items():
        best = {c: max(s[c] for s in result["scores"].values()) for c in CONDITIONS}
        for front in FRONT_ENDS:
            cells = []
            for cond in CONDITIONS:
                value = result["scores"][front][cond]
                text = f"{value:.3f}"
                cells.append(f"**{text}**" if value == best[cond] else text)
            lines.append(f"| {dataset} | {names[front]} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| data | DAE fit (median, s) | epochs |")
    lines.append("| --- | --- | --- |")
    for dataset, result in results.items():
        epochs = ", ".join(map(str, result["dae_epochs"]))
        lines.append(f"| {dataset} | {result['dae_fit_seconds']:.1f} | {epochs} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", choices=DATASETS, metavar="NAME")
    args = parser.parse_args()
    results = {}
    if args.only:
        previous = json.loads((OUT / "value.json").read_text())
        results = {name: previous[name] for name in DATASETS if name in previous}
    wanted = set(args.only or DATASETS)
    if "digits" in wanted:
        X, y = load_digits(return_X_y=True)
        results["digits"] = cross_validated(
            X / 16.0, y, cv=3, standardize=False, n_components=32
        )
        print("digits", results["digits"], flush=True)
    for name, loader, k in (
        ("breast_cancer", load_breast_cancer, 10),
        ("wine", load_wine, 8),
    ):
        if name not in wanted:
            continue
        X, y = loader(return_X_y=True)
        results[name] = cross_validated(X, y, cv=5, standardize=True, n_components=k)
        print(name, results[name], flush=True)
    sizes = [5000] if args.quick else [5000, 60000]
    for n in sizes:
        if f"fashion_mnist_{n}" not in wanted:
            continue
        try:
            results[f"fashion_mnist_{n}"] = fashion(n, 32)
        except DataUnavailableError as exc:
            print(f"Fashion-MNIST skipped: {exc}")
            break
        print(n, results[f"fashion_mnist_{n}"], flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "value.json").write_text(json.dumps(results, indent=1) + "\n")
    (OUT / "value.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
