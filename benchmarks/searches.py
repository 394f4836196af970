"""Small fits as searches make them: skdae against scikit-learn's MLP and PCA.

Run by hand from the repository root (about 3 minutes on 2 cores)::

    python benchmarks/searches.py

``benchmarks/run.py`` runs it too. Writes ``docs/benchmarks/searches.md`` and
``searches.json``. All on scikit-learn's digits (1797 x 64, scaled to [0, 1]),
in one process, after one warm-up fit of each kind:

* **Refits.** ``DenoisingAutoencoderTransformer((64, 32), batch_size=256)``
  against ``MLPRegressor((64, 32, 64), batch_size=256)`` (Adam) trained as the
  same denoising autoencoder, ``fit(X_noisy, X)``, for 1 and 20 epochs.
* **A pipeline search.** scikit-learn's gallery example "Pipelining: chaining
  a PCA and a logistic regression" (StandardScaler, PCA, LogisticRegression;
  5 widths x 4 values of C, 5 folds, ``n_jobs=2``), and the same search with
  the autoencoder's code (20 epochs) in PCA's place, with and without
  ``Pipeline(memory=...)``.
"""

import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skdae import DenoisingAutoencoderTransformer, corrupt  # noqa: E402

WIDTHS = [5, 15, 30, 45, 60]
CS = np.logspace(-4, 4, 4)


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def refits(X, repeat=7):
    X_noisy = corrupt(X, noise_factor=0.5, clip_range=(0, 1), random_state=0)

    def mlp(epochs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            MLPRegressor(
                hidden_layer_sizes=(64, 32, 64),
                batch_size=256,
                max_iter=epochs,
                random_state=0,
            ).fit(X_noisy, X)

    def dae(epochs):
        DenoisingAutoencoderTransformer(
            (64, 32), epochs=epochs, batch_size=256, random_state=0
        ).fit(X)

    mlp(1), dae(1)  # warm-up
    rows = []
    for epochs in (1, 20):
        skdae_ms = median_ms(lambda e=epochs: dae(e), repeat)
        mlp_ms = median_ms(lambda e=epochs: mlp(e), repeat)
        rows.append(
            {
                "epochs": epochs,
                "skdae_ms": round(skdae_ms, 1),
                "mlp_ms": round(mlp_ms, 1),
                "ratio": round(skdae_ms / mlp_ms, 2),
            }
        )
        print(rows[-1], flush=True)
    return rows


FIRST_FIT = """
import time
start = time.perf_counter()
{imports}
imported = time.perf_counter()
{work}
print(imported - start, time.perf_counter() - imported)
"""


def first_fit(repeat=3):
    """The first fit of a fresh process, beyond importing TensorFlow."""
    import subprocess

    def run(imports, work="pass"):
        times = []
        for _ in range(repeat):
            code = FIRST_FIT.format(imports=imports, work=work)
            done = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            times.append([float(v) for v in done.stdout.split()])
        return [statistics.median(column) for column in zip(*times, strict=True)]

    setup = (
        "from sklearn.datasets import load_digits\n"
        "from skdae import DenoisingAutoencoderTransformer, _backend\n"
        "X = load_digits().data / 16.0\n"
    )
    # TensorFlow, Keras and scikeras imported (quietly, as a first fit does),
    # then the first fit.
    imported, first = run(
        setup + "_backend.keras_side()",
        "DenoisingAutoencoderTransformer((64, 32), epochs=1).fit(X)",
    )
    _, second = run(
        setup + "_backend.keras_side()\n"
        "DenoisingAutoencoderTransformer((64, 32), epochs=1).fit(X)",
        "DenoisingAutoencoderTransformer((64, 32), epochs=1).fit(X)",
    )
    return {
        "import_s": round(imported, 2),
        "first_fit_s": round(first, 2),
        "second_fit_s": round(second, 3),
    }


def pipeline_searches(X, y):
    def search(reducer, grid, memory=None):
        pipe = Pipeline(
            [
                ("scaler", StandardScaler()),
                ("reduce", reducer),
                ("logistic", LogisticRegression(max_iter=10000, tol=0.1)),
            ],
            memory=memory,
        )
        start = time.perf_counter()
        found = GridSearchCV(pipe, {**grid, "logistic__C": CS}, n_jobs=2).fit(X, y)
        return {
            "seconds": round(time.perf_counter() - start, 1),
            "fits": len(found.cv_results_["params"]) * 5,
            "best_score": round(float(found.best_score_), 3),
            "best_params": {k: _plain(v) for k, v in found.best_params_.items()},
        }

    dae = DenoisingAutoencoderTransformer(
        epochs=20, transform_output="encoded", random_state=0
    )
    dae_grid = {"reduce__hidden_layer_sizes": [(64, w) for w in WIDTHS]}
    results = {"PCA": search(PCA(), {"reduce__n_components": WIDTHS})}
    print("PCA", results["PCA"], flush=True)
    results["skdae"] = search(dae, dae_grid)
    print("skdae", results["skdae"], flush=True)
    with tempfile.TemporaryDirectory() as cache:
        results["skdae, Pipeline(memory=...)"] = search(dae, dae_grid, memory=cache)
    print("skdae cached", results["skdae, Pipeline(memory=...)"], flush=True)
    return results


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    return value


def report(result):
    lines = [
        "**Refits** (digits 1797 x 64, median of 7 fits after a warm-up fit)",
        "",
        "| epochs | skdae | MLPRegressor, same DAE | ratio |",
        "| --- | --- | --- | --- |",
    ]
    for r in result["refits"]:
        lines.append(
            f"| {r['epochs']} | {r['skdae_ms']} ms | {r['mlp_ms']} ms | "
            f"{r['ratio']:.2f}x |"
        )
    f = result["first_fit"]
    lines += [
        "",
        "**First fit in a fresh process** (median of 3 processes, digits, 1 "
        f"epoch): importing skdae, TensorFlow, Keras and scikeras takes "
        f"{f['import_s']} s; then the first fit takes {f['first_fit_s']} s, and "
        f"a second fit of the same network {f['second_fit_s']} s. The difference "
        "is building and tracing the first network (the second reuses it) and "
        "TensorFlow's own first-run set-up.",
    ]
    lines += [
        "",
        "**Pipeline search** (scikit-learn's plot_digits_pipe: StandardScaler, "
        "reduction, LogisticRegression; 5 widths x 4 C, 5 folds, n_jobs=2)",
        "",
        "| reduction | fits | seconds | seconds per fit | best accuracy | best |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in result["searches"].items():
        lines.append(
            f"| {name} | {r['fits']} | {r['seconds']} | "
            f"{r['seconds'] / r['fits']:.3f} | {r['best_score']} | "
            f"{r['best_params']} |"
        )
    return "\n".join(lines) + "\n"


def main(out=ROOT / "docs" / "benchmarks"):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    result = {"refits": refits(X), "first_fit": first_fit()}
    print(result["first_fit"], flush=True)
    result["searches"] = pipeline_searches(X, y)
    out = Path(out)
    (out / "searches.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / "searches.md").write_text(report(result))
    print(report(result))
    return result


if __name__ == "__main__":
    main()
