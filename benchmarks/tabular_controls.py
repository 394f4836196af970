"""Tables: why gradient boosting gains nothing beside the raw columns.

Controls for the goal that ``benchmarks/tabular.py`` misses on the small
categorical tables: HistGradientBoosting on the raw columns beside the tabular
recipe's hidden activations, against four changes that would close the gap
if its cause were the one they remove:

* ``out-of-fold``: the training rows' features cross-fitted, as in stacking
  (5 folds of the training fold; each row's features from a network that did
  not train on it; the test rows' from the network fit on the whole training
  fold). Closes the gap if the classifier over-trusts features of rows the
  network memorized;
* ``swap 0.3`` and ``swap 0.5``: the recipe with more swap noise, a stronger
  regularizer of the network;
* ``epochs auto``: the recipe trained as long as the transformer's defaults
  (``epochs="auto", batch_size="auto"``: 250 epochs of batch 64 on these
  tables, 1,250 and 2,000 gradient steps, against the recipe's 180 and 240).
  Closes the gap if the network is undertrained, as small-data fits are
  with too few steps.

Same data, splits, encoders, recipe and classifiers as ``tabular.py``;
accuracy on clean test folds, each fold's kept (``folds``) for paired
comparisons. Writes ``docs/benchmarks/tabular_controls.json`` and ``.md``.
Run by hand (about 4 minutes for HouseVotes84, 25 for Soybean, 2 cores)::

    python benchmarks/tabular_controls.py --seeds 0 1 2
"""

import argparse

import numpy as np
import tabular
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

DATASETS = ["HouseVotes84", "Soybean"]
CROSS_FIT = 5


def out_of_fold(model, X, seed):
    """Features of ``X`` from networks that did not train on the row."""
    features = None
    for fit_rows, held_out in KFold(CROSS_FIT, shuffle=True, random_state=seed).split(
        X
    ):
        part = clone(model).fit(X[fit_rows]).transform(X[held_out])
        if features is None:
            features = np.empty((len(X), part.shape[1]), dtype=part.dtype)
        features[held_out] = part
    return features


def beside(raw, ours):
    """``(train, test)`` of the raw columns with ``ours`` beside them."""
    return tuple(np.hstack([r, o]) for r, o in zip(raw, ours, strict=True))


# The recipe refit with one change each: more swap noise, or the defaults'
# training length.
CONTROLS = {
    "swap 0.3": {"noise_factor": 0.3},
    "swap 0.5": {"noise_factor": 0.5},
    "epochs auto": {"epochs": "auto", "batch_size": "auto"},
}


def run(name, seed):
    X, y, n_numeric, levels = tabular.load(name)
    folds = StratifiedKFold(tabular.FOLDS, shuffle=True, random_state=seed)
    scores = {}
    for train, test in folds.split(X, y):
        raw_encoder = tabular.encoder(n_numeric, levels, StandardScaler()).fit(X[train])
        raw = raw_encoder.transform(X[train]), raw_encoder.transform(X[test])
        inputs, recipe = tabular.front_ends(n_numeric, levels, len(train), seed)[
            "tabular recipe"
        ]
        inputs = clone(inputs).fit(X[train])
        train_in, test_in = inputs.transform(X[train]), inputs.transform(X[test])
        fitted = clone(recipe).fit(train_in)
        test_features = fitted.transform(test_in)
        variants = {
            "raw": raw,
            "raw + tabular recipe": beside(
                raw, (fitted.transform(train_in), test_features)
            ),
            "raw + tabular recipe, out-of-fold": beside(
                raw, (out_of_fold(recipe, train_in, seed), test_features)
            ),
        }
        for control, params in CONTROLS.items():
            changed = clone(recipe).set_params(**params).fit(train_in)
            variants[f"raw + tabular recipe, {control}"] = beside(
                raw, (changed.transform(train_in), changed.transform(test_in))
            )
        for variant, data in variants.items():
            for label, classifier in tabular.classifiers(seed).items():
                predicted = clone(classifier).fit(data[0], y[train]).predict(data[1])
                scores.setdefault(variant, {}).setdefault(label, []).append(
                    float(np.mean(predicted == y[test]))
                )
        print(f"{name} seed {seed} fold done", flush=True)
    return {
        "folds": scores,
        "scores": {
            variant: {label: float(np.mean(v)) for label, v in by.items()}
            for variant, by in scores.items()
        },
    }


def table(results):
    """Markdown: per dataset and variant, the median over seeds."""
    return tabular.classifier_table(
        "Accuracy, 3-fold stratified CV, clean test folds (median over the "
        "seeds run); the recipe's hidden activations beside the raw columns.",
        "front end",
        results,
        lambda run: run["scores"],
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=DATASETS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    args = parser.parse_args(argv)
    results = tabular.run_seeds(
        "tabular_controls", args.datasets, args.seeds, run, table
    )
    print(table(results))


if __name__ == "__main__":
    main()
