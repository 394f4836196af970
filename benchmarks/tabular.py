"""Tables: the tabular denoising-autoencoder recipe on real data.

Data, read offline from Debian's ``r-cran-mlbench`` package (plain ``.rda``
files, read with the ``rdata`` package)::

    sudo apt-get install r-cran-mlbench
    pip install rdata

Satellite (6,435 x 36 numeric), LetterRecognition (20,000 x 16 numeric),
Shuttle (58,000 x 9 numeric), DNA (3,186 x 180 binary categoricals),
HouseVotes84 (435 x 16 categoricals with missing votes, kept as a level of
their own) and Soybean (683 x 35 categoricals, the same).

Inputs: numeric columns standardized (``StandardScaler``), categoricals one-hot
encoded (all levels known up front, so that every fold has the same
columns). The tabular recipe feeds the autoencoder RankGauss numeric columns
(``QuantileTransformer(output_distribution="normal")``) and the same one-hot
columns, swapped whole (``feature_groups=one_hot_groups(...)``).

Front ends, each alone and beside the raw columns:

* ``PCA``: ``PCA(n_components=0.95)``;
* ``skdae defaults``: ``DenoisingAutoencoderTransformer(transform_output=
  "encoded")`` with every other parameter at its default;
* ``tabular recipe``: ``RECIPE`` below: swap noise 0.15, three ReLU layers of
  512 (``hidden_layer_sizes=(512, 512)``, the decoder mirrors the first), the
  1,536 hidden activations as features, 60 epochs of batch 128, Adam 1e-3;
* each autoencoder's denoised output too (``", denoised"``), from the same
  fit.

Classifiers: ``StandardScaler`` + ``LogisticRegression(max_iter=2000)`` and
``HistGradientBoostingClassifier``. Accuracy by 3-fold stratified CV, on the
clean test folds and on test folds with swap noise of 0.15 (each entry, with
probability 0.15, the same column's value from another row of the fold: a
categorical is swapped whole), drawn once per fold. The fit time of the
front end is the median over folds.

Writes ``docs/benchmarks/tabular.json`` (merged with earlier runs, by
dataset and seed) and ``tabular.md``; ``--stem`` names other files, e.g.
for a rerun on another machine kept apart from the table. Run by hand::

    python benchmarks/tabular.py                      # all, seed 0
    python benchmarks/tabular.py --datasets DNA --seeds 0 1 2
    python benchmarks/tabular.py --datasets Shuttle --max-rows 12000
    python benchmarks/tabular.py --seeds 0 1 2 --stem tabular_rerun  # apart
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, QuantileTransformer, StandardScaler

from skdae import DenoisingAutoencoderTransformer, corrupt, one_hot_groups

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
MLBENCH = Path("/usr/lib/R/site-library/mlbench/data")
# name: target column
DATASETS = {
    "Satellite": "classes",
    "DNA": "Class",
    "HouseVotes84": "Class",
    "Soybean": "Class",
    "LetterRecognition": "lettr",
    "Shuttle": "Class",
}
RECIPE = {
    "hidden_layer_sizes": (512, 512),
    "noise": "swap",
    "noise_factor": 0.15,
    "transform_output": "hidden",
    "epochs": 60,
    "batch_size": 128,
    "learning_rate": 1e-3,
}
SWAP = 0.15
FOLDS = 3


def read_mlbench(name, target):
    """``(features, labels)``: the package's data frame ``name`` without its
    column ``target``, and that column's category codes."""
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata: "Unknown encoding"
        frame = rdata.read_rda(MLBENCH / f"{name}.rda")[name]
    return frame.drop(columns=target), frame[target].cat.codes.to_numpy()


def load(name):
    """Numeric columns, categorical codes (-1: missing), labels, levels."""
    import pandas as pd

    features, y = read_mlbench(name, DATASETS[name])
    numeric = [
        c for c in features if not isinstance(features[c].dtype, pd.CategoricalDtype)
    ]
    categorical = [c for c in features if c not in numeric]
    X_num = features[numeric].to_numpy(dtype=float)
    codes = (
        np.column_stack([features[c].cat.codes.to_numpy() for c in categorical])
        if categorical
        else np.empty((len(features), 0))
    )
    levels = [sorted(set(codes[:, j])) for j in range(codes.shape[1])]
    return np.hstack([X_num, codes.astype(float)]), y, X_num.shape[1], levels


def encoder(n_numeric, levels, numeric):
    """Numeric columns scaled by ``numeric``, categoricals one-hot."""
    parts = []
    if n_numeric:
        parts.append(("numeric", numeric, list(range(n_numeric))))
    if levels:
        parts.append(
            (
                "onehot",
                OneHotEncoder(categories=levels, sparse_output=False),
                list(range(n_numeric, n_numeric + len(levels))),
            )
        )
    return ColumnTransformer(parts)


def front_ends(n_numeric, levels, n_train, seed):
    """name: (input encoder, front end or None)."""
    raw = encoder(n_numeric, levels, StandardScaler())
    rank_gauss = encoder(
        n_numeric,
        levels,
        QuantileTransformer(
            output_distribution="normal",
            n_quantiles=min(1000, n_train),
            random_state=seed,
        ),
    )
    groups = one_hot_groups(levels, start=n_numeric) if levels else None
    return {
        "raw": (raw, None),
        "PCA": (raw, PCA(n_components=0.95, random_state=seed)),
        "skdae defaults": (
            raw,
            DenoisingAutoencoderTransformer(
                transform_output="encoded", random_state=seed
            ),
        ),
        "tabular recipe": (
            rank_gauss,
            DenoisingAutoencoderTransformer(
                **RECIPE, feature_groups=groups, random_state=seed
            ),
        ),
    }


def classifiers(seed):
    return {
        "LogisticRegression": make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=2000)
        ),
        "HistGradientBoosting": HistGradientBoostingClassifier(random_state=seed),
    }


def run(name, seed, max_rows=None):
    X, y, n_numeric, levels = load(name)
    if max_rows is not None and len(y) > max_rows:  # a stratified subsample
        keep, _ = train_test_split(
            np.arange(len(y)), train_size=max_rows, stratify=y, random_state=0
        )
        X, y = X[np.sort(keep)], y[np.sort(keep)]
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    scores, seconds = {}, {}
    for fold, (train, test) in enumerate(folds.split(X, y)):
        noisy = corrupt(X[test], noise="swap", noise_factor=SWAP, random_state=fold)
        raw_encoder = encoder(n_numeric, levels, StandardScaler()).fit(X[train])
        raw = {
            "train": raw_encoder.transform(X[train]),
            "clean": raw_encoder.transform(X[test]),
            "noisy": raw_encoder.transform(noisy),
        }
        for front, (inputs, model) in front_ends(
            n_numeric, levels, len(train), seed
        ).items():
            if model is None:
                variants = {"raw": raw}
            else:
                start = time.perf_counter()
                inputs = clone(inputs).fit(X[train])
                model = clone(model).fit(inputs.transform(X[train]))
                seconds.setdefault(front, []).append(time.perf_counter() - start)
                variants = {}
                # One fit, two outputs: the features and the reconstruction.
                outputs = {front: None}
                if isinstance(model, DenoisingAutoencoderTransformer):
                    outputs = {
                        front: model.transform_output,
                        f"{front}, denoised": "denoised",
                    }
                for variant, output in outputs.items():
                    if output is not None:
                        model.set_params(transform_output=output)
                    features = {
                        "train": model.transform(inputs.transform(X[train])),
                        "clean": model.transform(inputs.transform(X[test])),
                        "noisy": model.transform(inputs.transform(noisy)),
                    }
                    variants[variant] = features
                    variants[f"raw + {variant}"] = {
                        k: np.hstack([raw[k], features[k]]) for k in raw
                    }
            for variant, data in variants.items():
                for label, classifier in classifiers(seed).items():
                    fitted = clone(classifier).fit(data["train"], y[train])
                    for kind in ("clean", "noisy"):
                        accuracy = float(np.mean(fitted.predict(data[kind]) == y[test]))
                        scores.setdefault(variant, {}).setdefault(label, {}).setdefault(
                            kind, []
                        ).append(accuracy)
        print(f"{name} seed {seed} fold {fold} done", flush=True)
    return {
        "shape": list(X.shape),
        "scores": {
            variant: {
                label: {kind: float(np.mean(v)) for kind, v in kinds.items()}
                for label, kinds in by_classifier.items()
            }
            for variant, by_classifier in scores.items()
        },
        "fit_seconds": {front: float(np.median(v)) for front, v in seconds.items()},
    }


def table(results):
    """Markdown: per dataset, the median over seeds of each accuracy."""
    lines = [
        "Accuracy, 3-fold stratified CV (median over the seeds run); clean "
        "test folds, and test folds with swap noise 0.15. Fit time: median "
        "seconds to fit the front end on a training fold, 2 CPU cores.",
        "",
        "| data | front end | seeds | LR clean | LR swap 0.15 | HGB clean "
        "| HGB swap 0.15 | fit s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in DATASETS:
        runs = results.get(name, {})
        if not runs:
            continue
        first = next(iter(runs.values()))
        for variant in first["scores"]:
            cells = []
            for label in ("LogisticRegression", "HistGradientBoosting"):
                for kind in ("clean", "noisy"):
                    values = [r["scores"][variant][label][kind] for r in runs.values()]
                    cells.append(f"{np.median(values):.3f}")
            front = variant.removeprefix("raw + ").removesuffix(", denoised")
            fit = [r["fit_seconds"].get(front) for r in runs.values()]
            fit = "" if fit[0] is None else f"{np.median(fit):.0f}"
            shape = "x".join(map(str, first["shape"]))
            lines.append(
                f"| {name} ({shape}) | {variant} | {len(runs)} | "
                + " | ".join(cells)
                + f" | {fit} |"
            )
    return "\n".join(lines) + "\n"


def classifier_table(caption, column, results, scores):
    """Markdown: per dataset and row of ``scores(run)`` (``{row: {classifier:
    accuracy}}``), the median over seeds of the two classifiers' accuracy;
    ``column`` heads the rows."""
    lines = [
        caption,
        "",
        f"| data | {column} | seeds | LR | HGB |",
        "|---|---|---|---|---|",
    ]
    for name, by_seed in results.items():
        runs = [scores(run) for run in by_seed.values()]
        for row in runs[0]:
            medians = [
                float(np.median([r[row][label] for r in runs]))
                for label in ("LogisticRegression", "HistGradientBoosting")
            ]
            lines.append(
                f"| {name} | {row} | {len(runs)} | "
                + " | ".join(f"{m:.3f}" for m in medians)
                + " |"
            )
    return "\n".join(lines) + "\n"


def run_seeds(stem, datasets, seeds, run, table):
    """``run(name, seed)`` for every dataset and seed, merged into
    ``OUT/<stem>.json`` (earlier runs kept, by dataset and seed); the JSON and
    ``OUT/<stem>.md`` (``table(results)``) are written after every seed."""
    path = OUT / f"{stem}.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for name in datasets:
        for seed in seeds:
            results.setdefault(name, {})[str(seed)] = run(name, seed)
            path.write_text(json.dumps(results, indent=1) + "\n")
            (OUT / f"{stem}.md").write_text(table(results))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS)
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument(
        "--max-rows",
        type=int,
        default=None,
        help="a stratified subsample of larger data sets (the table says so)",
    )
    parser.add_argument(
        "--stem",
        default="tabular",
        help="write docs/benchmarks/STEM.json and STEM.md (default: tabular); "
        "e.g. tabular_rerun for a rerun on another machine",
    )
    args = parser.parse_args(argv)
    results = run_seeds(
        args.stem,
        args.datasets,
        args.seeds,
        lambda name, seed: run(name, seed, args.max_rows),
        table,
    )
    print(table(results))


if __name__ == "__main__":
    main()
