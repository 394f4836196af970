"""The user guide's "Choosing noise_factor" table, rebuilt by every docs build.

On digits, a (64, 32) autoencoder trained 60 epochs (batch 64) for each
``noise_factor`` of a grid, 3-fold cross-validated: the transformer's default
score (clean folds), its denoising of folds corrupted with Gaussian noise 0.5,
and a ``Pipeline(DAE, LogisticRegression)``'s accuracy on clean and on
corrupted folds. The claims the user guide makes about the table are asserted
here, so that the build fails if they stop being true.

``python docs/_scripts/noise_factor_table.py OUT.rst`` writes the table.
"""

import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoderTransformer, make_corrupted_scorer

GRID = [0.0, 0.1, 0.3, 0.5, 0.7, 1.0]


def compute():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    dae = DenoisingAutoencoderTransformer(
        (64, 32), epochs=60, batch_size=64, random_state=0
    )
    noise = {"noise_factor": 0.5, "clip_range": (0, 1), "random_state": 0}
    alone = GridSearchCV(
        dae,
        {"noise_factor": GRID},
        scoring={"clean": None, "noisy": make_corrupted_scorer(**noise)},
        refit=False,
        cv=3,
        n_jobs=2,
    ).fit(X)
    pipe = Pipeline([("dae", dae), ("clf", LogisticRegression(max_iter=1000))])
    piped = GridSearchCV(
        pipe,
        {"dae__noise_factor": GRID},
        scoring={
            "clean": "accuracy",
            "noisy": make_corrupted_scorer("accuracy", **noise),
        },
        refit=False,
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    return {
        "default ``score`` (clean folds)": alone.cv_results_["mean_test_clean"],
        "denoising of folds corrupted with noise 0.5": alone.cv_results_[
            "mean_test_noisy"
        ],
        "Pipeline(DAE, LogisticRegression), accuracy on clean folds": (
            piped.cv_results_["mean_test_clean"]
        ),
        "same pipeline, accuracy on folds corrupted with noise 0.5": (
            piped.cv_results_["mean_test_noisy"]
        ),
    }


def check_claims(rows):
    """What the user guide says about the table."""
    clean, noisy, accuracy, noisy_accuracy = rows.values()
    assert GRID[np.argmax(clean)] == 0.0, "the default score prefers no noise"
    assert GRID[np.argmax(noisy)] in (0.3, 0.5, 0.7), "denoising: interior optimum"
    best = np.argmax(noisy_accuracy)
    assert GRID[best] > 0, "noisy accuracy prefers training noise"
    assert noisy_accuracy[best] - noisy_accuracy[0] >= 0.05, "by at least 0.05"


def to_rst(rows):
    header = ["noise_factor", *(f"{v:g}" for v in GRID)]
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for i, row in enumerate([header, *[[k, *v] for k, v in rows.items()]]):
        values = list(row)
        if i:
            best = int(np.argmax(values[1:]))
            values[1:] = [
                f"**{v:.4f}**" if j == best else f"{v:.4f}"
                for j, v in enumerate(values[1:])
            ]
        lines.append(f"   * - {values[0]}")
        lines += [f"     - {v}" for v in values[1:]]
    return "\n".join(lines) + "\n"


def main(path):
    rows = compute()
    check_claims(rows)
    with open(path, "w") as f:
        f.write(to_rst(rows))


if __name__ == "__main__":
    main(sys.argv[1])
