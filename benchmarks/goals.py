"""The defaults' goals, measured with the protocol of the issue that set them.

* **Digits** (``load_digits().data / 16``): ``make_pipeline(transformer,
  LogisticRegression(max_iter=2000))`` with the transformer's defaults and
  ``random_state=0``, ``cross_validate(cv=3)`` (unshuffled folds), scored
  clean (``"accuracy"``) and noisy (``make_corrupted_scorer("accuracy",
  noise_factor=0.5, clip_range=(0, 1), random_state=0)``), against
  LogisticRegression alone and PCA(32). The fit time is the median of the
  pipeline's fits (transformer and classifier).
* **breast_cancer and wine**, standardized: ``make_pipeline(StandardScaler(),
  transformer, LogisticRegression(max_iter=2000))`` against the pipeline
  without the transformer, clean accuracy, ``cv=5``.

Writes ``docs/benchmarks/goals.json`` and ``goals.md``. About 2 minutes on 2
cores. Run by hand from the repository root: ``python benchmarks/goals.py``.
"""

import json
import statistics
from pathlib import Path

from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdae import DenoisingAutoencoderTransformer, make_corrupted_scorer

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"


def classifier():
    return LogisticRegression(max_iter=2000)


def digits():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    scoring = {
        "clean": "accuracy",
        "noisy": make_corrupted_scorer(
            "accuracy", noise_factor=0.5, clip_range=(0, 1), random_state=0
        ),
    }
    front_ends = {
        "none": [],
        "pca_32": [PCA(32, random_state=0)],
        "dae": [DenoisingAutoencoderTransformer(random_state=0)],
    }
    results = {}
    for name, steps in front_ends.items():
        cv = cross_validate(
            make_pipeline(*steps, classifier()), X, y, cv=3, scoring=scoring
        )
        results[name] = {
            "clean": float(cv["test_clean"].mean()),
            "noisy": float(cv["test_noisy"].mean()),
            "median_fit_seconds": float(statistics.median(cv["fit_time"])),
        }
        print("digits", name, results[name], flush=True)
    return results


def tabular(load):
    X, y = load(return_X_y=True)
    results = {}
    for name, steps in {
        "none": [],
        "dae": [DenoisingAutoencoderTransformer(random_state=0)],
    }.items():
        pipeline = make_pipeline(StandardScaler(), *steps, classifier())
        results[name] = float(cross_validate(pipeline, X, y, cv=5)["test_score"].mean())
    print(load.__name__, results, flush=True)
    return results


def main():
    results = {
        "digits": digits(),
        "breast_cancer": tabular(load_breast_cancer),
        "wine": tabular(load_wine),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "goals.json").write_text(json.dumps(results, indent=1) + "\n")
    d = results["digits"]
    rows = [
        "| data | front end | clean | noisy | median fit |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, label in (
        ("none", "none"),
        ("pca_32", "PCA(32)"),
        ("dae", "skdae defaults"),
    ):
        seconds = f"{d[name]['median_fit_seconds']:.1f} s"
        rows.append(
            f"| digits (cv=3) | {label} | {d[name]['clean']:.3f} | "
            f"{d[name]['noisy']:.3f} | {seconds} |"
        )
    for data in ("breast_cancer", "wine"):
        for name, label in (("none", "none"), ("dae", "skdae defaults")):
            rows.append(
                f"| {data} (standardized, cv=5) | {label} | "
                f"{results[data][name]:.3f} | - | - |"
            )
    table = "\n".join(rows) + "\n"
    (OUT / "goals.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
