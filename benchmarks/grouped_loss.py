"""Does a loss that treats one-hot groups as categories help?

Issue 29 asks for a loss that reads each one-hot group as one categorical
(a softmax over the group's columns, cross-entropy against the true level)
*if it measurably helps*. This measures it before it is built into the
transformer: two networks identical to the tabular recipe of
``benchmarks/tabular.py`` (three ReLU layers of 512, 60 epochs of batch
128, Adam 1e-3, whole categories swapped with probability 0.15, fresh noise
every epoch, the 1,536 hidden activations as features), trained on the
categorical tables, differing only in the reconstruction loss:

* ``per column``: sigmoid outputs and binary cross-entropy per one-hot
  column, which is what the transformer's ``loss="auto"`` does on one-hot
  inputs today;
* ``per group``: linear outputs, a softmax over each group's columns and the
  cross-entropy of the group's true level, averaged over groups.

Both use the same initial weights and the same noise. Accuracy of
``StandardScaler`` + ``LogisticRegression`` and of
``HistGradientBoostingClassifier`` on the hidden activations, each alone and
beside the raw one-hot columns, 3-fold stratified CV; the median over seeds.
Writes ``docs/benchmarks/grouped_loss.json`` (merged with earlier runs, by
dataset and seed) and ``grouped_loss.md``. Run by hand (data: see
``benchmarks/tabular.py``)::

    python benchmarks/grouped_loss.py --seeds 0 1 2
"""

import argparse

import keras
import numpy as np
from keras import ops
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler
from tabular import classifier_table, classifiers, encoder, load, run_seeds

from skdae import corrupt, one_hot_groups

DATASETS = ("DNA", "HouseVotes84", "Soybean")
EPOCHS, BATCH, WIDTH, SWAP = 60, 128, 512, 0.15


def grouped_cross_entropy(groups):
    """Mean over ``groups`` (lists of column indices covering every column)
    of the cross-entropy of a softmax over each group's columns."""
    ids = np.empty(sum(map(len, groups)), dtype="int32")
    for group, columns in enumerate(groups):
        ids[columns] = group
    n_groups = len(groups)

    def loss(y_true, logits):
        by_column = ops.transpose(logits)  # segments run along the first axis
        peak = ops.segment_max(by_column, ids, num_segments=n_groups)
        shifted = by_column - ops.take(peak, ids, axis=0)
        total = ops.segment_sum(ops.exp(shifted), ids, num_segments=n_groups)
        log_softmax = shifted - ops.take(ops.log(total), ids, axis=0)
        picked = ops.sum(ops.transpose(y_true) * log_softmax, axis=0)
        return -picked / n_groups

    return loss


def network(n_columns, output, seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((n_columns,))
    hidden, x = [], inputs
    for i in range(3):
        x = keras.layers.Dense(WIDTH, activation="relu", name=f"hidden_{i}")(x)
        hidden.append(x)
    outputs = keras.layers.Dense(n_columns, activation=output)(x)
    return keras.Model(inputs, outputs), keras.Model(
        inputs, keras.layers.Concatenate()(hidden)
    )


def features(X, groups, loss, seed):
    """Fit one arm on ``X`` (one-hot); the hidden-activation extractor."""
    output = "sigmoid" if loss == "per column" else None
    model, hidden = network(X.shape[1], output, seed)
    model.compile(
        keras.optimizers.Adam(1e-3),
        "binary_crossentropy"
        if loss == "per column"
        else grouped_cross_entropy(groups),
    )
    for epoch in range(EPOCHS):
        noisy = corrupt(
            X,
            noise="swap",
            noise_factor=SWAP,
            feature_groups=groups,
            random_state=seed * EPOCHS + epoch,
        )
        model.fit(noisy, X, batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
    return lambda Z: hidden.predict(Z, batch_size=4096, verbose=0)


def run(name, seed):
    X, y, n_numeric, levels = load(name)
    assert n_numeric == 0, name
    scores = {}
    for train, test in StratifiedKFold(3, shuffle=True, random_state=seed).split(X, y):
        onehot = encoder(0, levels, StandardScaler()).fit(X[train])
        raw = {"train": onehot.transform(X[train]), "test": onehot.transform(X[test])}
        groups = one_hot_groups(levels)
        variants = {"raw": raw}
        for loss in ("per column", "per group"):
            extract = features(raw["train"].astype("float32"), groups, loss, seed)
            hidden = {k: extract(v.astype("float32")) for k, v in raw.items()}
            variants[loss] = hidden
            variants[f"raw + {loss}"] = {k: np.hstack([raw[k], hidden[k]]) for k in raw}
        for variant, data in variants.items():
            for label, classifier in classifiers(seed).items():
                fitted = clone(classifier).fit(data["train"], y[train])
                accuracy = float(np.mean(fitted.predict(data["test"]) == y[test]))
                scores.setdefault(variant, {}).setdefault(label, []).append(accuracy)
        print(f"{name} seed {seed} fold done", flush=True)
    return {
        variant: {label: float(np.mean(v)) for label, v in by.items()}
        for variant, by in scores.items()
    }


def table(results):
    return classifier_table(
        "Accuracy, 3-fold stratified CV, median over seeds; hidden activations of"
        " the tabular recipe trained with each loss.",
        "features",
        results,
        lambda run: run,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS)
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    args = parser.parse_args(argv)
    results = run_seeds("grouped_loss", args.datasets, args.seeds, run, table)
    print(table(results))


if __name__ == "__main__":
    main()
