"""The imputer on real missing data, in front of a classifier.

Data with missing values of their own, read offline from Debian's
``r-cran-mlbench`` package (``sudo apt-get install r-cran-mlbench``,
``pip install rdata``):

* PimaIndiansDiabetes2 (768 x 8 numeric, 10.6% of the entries missing,
  standardized first: ``StandardScaler`` ignores NaN);
* HouseVotes84 (435 x 16 votes, 5.6% missing) and Soybean (683 x 35
  categoricals, 9.1% missing): one-hot encoded, a missing value leaves all
  of its feature's columns missing (NaN).

Front ends before ``LogisticRegression(max_iter=2000)``: ``SimpleImputer``
(mean), ``KNNImputer(5)``, ``IterativeImputer(max_iter=10)``,
``DenoisingAutoencoderImputer`` with its defaults and with
``n_neighbors=5``; then ``HistGradientBoostingClassifier`` on the data with
its NaN (its native handling) and behind the imputers. On the categoricals
also the usual way around imputing: the missing value as a level of its own.

Accuracy by 3-fold stratified CV, median over seeds 0, 1 and 2 (the folds
and the autoencoder's seed). Writes ``docs/benchmarks/impute_real.json``
and ``impute_real.md`` after every row. Run by hand (``IterativeImputer`` on
Soybean's 99 columns is the slow part)::

    python benchmarks/impute_real.py
    python benchmarks/impute_real.py --datasets Soybean --resume  # missing rows
"""

import argparse
import json
import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tabular import OUT, read_mlbench  # benchmarks/tabular.py, beside this file

from skdae import DenoisingAutoencoderImputer

TARGETS = {
    "PimaIndiansDiabetes2": "diabetes",
    "HouseVotes84": "Class",
    "Soybean": "Class",
}
SEEDS = (0, 1, 2)


def load(name):
    """``(X with NaN, X with missing as a level or None, y)``."""
    import pandas as pd

    features, y = read_mlbench(name, TARGETS[name])
    categorical = [
        c for c in features if isinstance(features[c].dtype, pd.CategoricalDtype)
    ]
    if not categorical:
        X = features.to_numpy(dtype=float)
        return StandardScaler().fit_transform(X), None, y
    with_nan, with_level = [], []
    for column in categorical:
        codes = features[column].cat.codes.to_numpy()
        levels = np.arange(len(features[column].cat.categories))
        onehot = (codes[:, None] == levels).astype(float)
        with_nan.append(np.where(codes[:, None] < 0, np.nan, onehot))
        with_level.append(np.hstack([onehot, (codes < 0)[:, None].astype(float)]))
    return np.hstack(with_nan), np.hstack(with_level), y


def imputers(seed):
    return {
        "mean": SimpleImputer(),
        "KNN(5)": KNNImputer(n_neighbors=5),
        "iterative": IterativeImputer(max_iter=10, random_state=seed),
        "skdae": DenoisingAutoencoderImputer(random_state=seed),
        "skdae, n_neighbors=5": DenoisingAutoencoderImputer(
            n_neighbors=5, random_state=seed
        ),
    }


def scores(name, results=None, save=lambda: None):
    """Accuracy of every front end on ``name``, into ``results[name]``.

    Rows already in ``results[name]["accuracy"]`` are kept, not rerun;
    ``save()`` is called after each new row."""
    X, X_level, y = load(name)
    results = {} if results is None else results
    entry = results.setdefault(name, {})
    entry.update(shape=list(X.shape), missing=float(np.isnan(X).mean()))
    accuracy = entry.setdefault("accuracy", {})

    def add(label, estimator, data):
        if label in accuracy:
            return
        values = []
        for seed in SEEDS:
            cv = StratifiedKFold(3, shuffle=True, random_state=seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence, empty features
                values.append(cross_val_score(estimator(seed), data, y, cv=cv).mean())
        accuracy[label] = round(float(np.median(values)), 3)  # as the table
        print(name, label, f"{accuracy[label]:.3f}", flush=True)
        save()

    def lr():
        return LogisticRegression(max_iter=2000)

    for label in imputers(0):
        add(
            f"{label} + LR",
            lambda s, label=label: make_pipeline(imputers(s)[label], lr()),
            X,
        )
    add("HGB, native NaN", lambda s: HistGradientBoostingClassifier(random_state=s), X)
    for label in imputers(0):
        add(
            f"{label} + HGB",
            lambda s, label=label: make_pipeline(
                imputers(s)[label], HistGradientBoostingClassifier(random_state=s)
            ),
            X,
        )
    if X_level is not None:
        add("missing as a level + LR", lambda s: lr(), X_level)
        add(
            "missing as a level + HGB",
            lambda s: HistGradientBoostingClassifier(random_state=s),
            X_level,
        )
    return results


def table(results):
    names = list(results)
    labels = list(dict.fromkeys(k for r in results.values() for k in r["accuracy"]))
    lines = [
        "| front end | "
        + " | ".join(
            f"{n} ({results[n]['shape'][0]} x {results[n]['shape'][1]}, "
            f"{results[n]['missing']:.1%} missing)"
            for n in names
        )
        + " |",
        "|---|" + "---|" * len(names),
    ]
    for label in labels:
        cells = []
        for n in names:
            accuracy = results[n]["accuracy"]
            value = accuracy.get(label)
            best = max(accuracy.values())
            text = "" if value is None else f"{value:.3f}"
            cells.append(f"**{text}**" if value == best else text)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", choices=list(TARGETS), default=list(TARGETS)
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the rows already in impute_real.json; run only the others",
    )
    args = parser.parse_args(argv)
    path = OUT / "impute_real.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if not args.resume:
        for name in args.datasets:
            results.pop(name, None)

    def save():  # after every row
        ordered = {name: results[name] for name in TARGETS if name in results}
        path.write_text(json.dumps(ordered, indent=1) + "\n")
        (OUT / "impute_real.md").write_text(table(ordered))

    for name in args.datasets:
        scores(name, results, save)
    save()
    print(table(results))


if __name__ == "__main__":
    main()
