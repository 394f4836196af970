"""Why ``noise_factor="auto"`` is 0.2 on data outside [0, 1].

Clean accuracy of ``make_pipeline(StandardScaler(), transformer,
LogisticRegression(max_iter=2000))`` with ``cross_validate(cv=5)``
(unshuffled folds, the protocol of ``goals.py``), on the small tabular
datasets that ship with scikit-learn, for the classifier alone and for the
transformer's defaults with ``noise_factor`` 0.5 (the classic recipe, the
default for [0, 1] data) and ``"auto"`` (0.2 here), each with
``random_state`` 0 to 4.

Writes ``docs/benchmarks/noise_auto.json`` and ``noise_auto.md``; the docs
build checks the user guide's sentences against the JSON. About 5 minutes on
2 cores. Run by hand from the repository root:
``python benchmarks/noise_auto.py``.
"""

import json
import statistics
from pathlib import Path

from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdae import DenoisingAutoencoderTransformer

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
SEEDS = range(5)
DATASETS = {"breast_cancer": load_breast_cancer, "wine": load_wine, "iris": load_iris}


def accuracy(X, y, *front_end):
    pipeline = make_pipeline(
        StandardScaler(), *front_end, LogisticRegression(max_iter=2000)
    )
    return float(cross_validate(pipeline, X, y, cv=5)["test_score"].mean())


def main():
    results = {}
    for name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        results[name] = {"none": accuracy(X, y)}
        for noise_factor in (0.5, "auto"):
            results[name][str(noise_factor)] = [
                accuracy(
                    X,
                    y,
                    DenoisingAutoencoderTransformer(
                        noise_factor=noise_factor, random_state=seed
                    ),
                )
                for seed in SEEDS
            ]
        print(name, results[name], flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "noise_auto.json").write_text(json.dumps(results, indent=1) + "\n")
    rows = [
        "| data | LR alone | noise_factor | random_state 0 | 0-4, each | mean |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        for noise_factor in ("0.5", "auto"):
            scores = result[noise_factor]
            each = " ".join(f"{s:.3f}" for s in scores)
            rows.append(
                f"| {name} | {result['none']:.3f} | {noise_factor} | "
                f"{scores[0]:.3f} | {each} | {statistics.mean(scores):.3f} |"
            )
    table = "\n".join(rows) + "\n"
    (OUT / "noise_auto.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
