"""Benchmark skdae against the classic Keras denoising loop and PCA.

Run by hand, from the repository root::

    python benchmarks/run.py            # Fashion-MNIST, 30 epochs (~15 min, 2 cores)
    python benchmarks/run.py --quick    # 10,000 images, 5 epochs (~3 min)

Fashion-MNIST comes from Debian's ``dataset-fashion-mnist`` package or
``--data-dir``; without it the script falls back to scikit-learn's digits.
Writes ``docs/benchmarks/results.md`` and PNG plots next to it.

What is compared, side by side in one process:

* classic: the Keras tutorial's loop. Same Dense 784-128-64-32-64-128-784
  network, adam, binary cross-entropy, batch 256, and one noisy copy of the
  training set drawn up front with NumPy, fitted with ``model.fit(noisy, clean)``.
* skdae: ``DenoisingAutoencoderTransformer()`` with its defaults (fresh noise
  drawn for every batch inside the model), ``epochs`` set.
* PCA(32), fitted on the clean training set; denoising is
  ``inverse_transform(transform(noisy))``.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skdae import DenoisingAutoencoderTransformer, corrupt  # noqa: E402
from skdae._backend import keras_side  # noqa: E402
from skdae._data import DataUnavailableError, load_dataset  # noqa: E402

NOISE_FACTOR = 0.5


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import keras
    import sklearn
    import tensorflow as tf

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }


def median_seconds(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_seconds(statement, repeat=7):
    code = (
        "import time; t = time.perf_counter(); "
        f"{statement}; print(time.perf_counter() - t)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(repeat)
    ]
    return statistics.median(runs)


def make_callbacks(keras, X_eval_noisy, X_eval):
    """An epoch timer and a test-set denoising loss, the same for both models."""

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    class TestLoss(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses = []

        def on_epoch_end(self, epoch, logs=None):
            self.losses.append(
                float(
                    self.model.evaluate(
                        X_eval_noisy, X_eval, batch_size=2048, verbose=0
                    )
                )
            )

    return EpochTimer(), TestLoss()


def classic_model(keras, n_features, seed):
    """The tutorial's network, built the tutorial's way."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((n_features,))
    h = inputs
    for units in (128, 64, 32, 64, 128):
        h = keras.layers.Dense(units, activation="relu")(h)
    outputs = keras.layers.Dense(n_features, activation="sigmoid")(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def metrics(X, reference):
    X = np.clip(np.asarray(X, dtype=np.float64), 1e-7, 1 - 1e-7)
    mse = float(np.mean((X - reference) ** 2))
    bce = float(np.mean(-(reference * np.log(X) + (1 - reference) * np.log(1 - X))))
    return {"mse": mse, "bce": bce, "psnr": float(10 * np.log10(1 / mse))}


def downstream_accuracy(transformer, X_train, y_train, X_test, y_test, max_iter):
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    pipe = Pipeline(
        [
            ("reduce", FrozenEstimator(transformer)),
            ("clf", LogisticRegression(max_iter=max_iter)),
        ]
    )
    return float(pipe.fit(X_train, y_train).score(X_test, y_test))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small and fast")
    parser.add_argument("--data-dir", help="folder with Fashion-MNIST IDX files")
    parser.add_argument("--epochs", type=int, help="default 30, 5 with --quick")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks"))
    parser.add_argument(
        "--from-json", help="re-render the table and plots of a results.json"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        (out / "results.md").write_text(report(results))
        plots(results, out)
        return
    epochs = args.epochs or (5 if args.quick else 30)

    try:
        data = load_dataset("fashion-mnist", data_dir=args.data_dir)
        dataset = "Fashion-MNIST"
    except DataUnavailableError as exc:
        print(f"{exc}\nfalling back to scikit-learn's digits", file=sys.stderr)
        data = load_dataset("digits")
        dataset = "digits"
    X_train, X_test, y_train, y_test = (
        data.X_train,
        data.X_test,
        data.y_train,
        data.y_test,
    )
    if args.quick:
        X_train, y_train = X_train[:10_000], y_train[:10_000]
        X_test, y_test = X_test[:2_000], y_test[:2_000]
    n, d = X_train.shape
    rng = np.random.RandomState(0)
    X_test_noisy = corrupt(
        X_test, noise_factor=NOISE_FACTOR, clip_range=(0, 1), random_state=rng
    )
    print(
        f"{dataset}: {n} x {d} train, {len(X_test)} test, {epochs} epochs", flush=True
    )

    keras = keras_side().keras
    from sklearn.decomposition import PCA

    results = {
        "dataset": dataset,
        "n_train": n,
        "n_test": len(X_test),
        "epochs": epochs,
        "machine": machine(),
    }

    # Import time, in fresh interpreters.
    results["import_skdae_s"] = import_seconds("import skdae")
    results["import_sklearn_s"] = import_seconds(
        "import sklearn.base, sklearn.decomposition"
    )
    print("import done", flush=True)

    # Classic loop: one noisy copy drawn up front.
    X_train_noisy = corrupt(
        X_train, noise_factor=NOISE_FACTOR, clip_range=(0, 1), random_state=rng
    ).astype(np.float32)

    # Whole 5-epoch fits, build and tracing included: the first fit of each
    # in the process (TensorFlow's runtime warmed up by one small op first).
    keras.ops.sum(keras.ops.ones((3, 3)))
    start = time.perf_counter()
    classic_model(keras, d, seed=1).fit(
        X_train_noisy, X_train, epochs=5, batch_size=256, shuffle=True, verbose=0
    )
    results["whole_fit_5_classic_s"] = time.perf_counter() - start
    start = time.perf_counter()
    DenoisingAutoencoderTransformer(epochs=5, random_state=1).fit(X_train)
    results["whole_fit_5_skdae_s"] = time.perf_counter() - start
    print("whole fits done", flush=True)
    classic = classic_model(keras, d, seed=0)
    timer, test_loss = make_callbacks(keras, X_test_noisy, X_test)
    classic.fit(
        X_train_noisy,
        X_train,
        epochs=epochs,
        batch_size=256,
        shuffle=True,
        verbose=0,
        callbacks=[timer, test_loss],
    )
    results["classic"] = {"epoch_s": timer.seconds, "test_bce": test_loss.losses}
    print("classic done", flush=True)

    timer, test_loss = make_callbacks(keras, X_test_noisy, X_test)
    dae = DenoisingAutoencoderTransformer(
        epochs=epochs, random_state=0, callbacks=[timer, test_loss]
    )
    dae.fit(X_train)
    results["skdae"] = {
        "epoch_s": timer.seconds,
        "test_bce": test_loss.losses,
        "train_loss": dae.history_["loss"],
    }
    print("skdae done", flush=True)

    pca = PCA(32, random_state=0).fit(X_train)

    # Quality.
    results["classic"].update(metrics(classic.predict(X_test_noisy, verbose=0), X_test))
    results["skdae"].update(metrics(dae.transform(X_test_noisy), X_test))
    results["pca"] = metrics(
        np.clip(pca.inverse_transform(pca.transform(X_test_noisy)), 0, 1), X_test
    )
    results["noisy"] = metrics(X_test_noisy, X_test)
    max_iter = 200 if args.quick else 500
    results["skdae"]["accuracy"] = downstream_accuracy(
        dae, X_train, y_train, X_test_noisy, y_test, max_iter
    )
    results["pca"]["accuracy"] = downstream_accuracy(
        pca, X_train, y_train, X_test_noisy, y_test, max_iter
    )
    print("quality done", flush=True)

    # Transform speed: one row, and the whole training set.
    row = X_test[:1]
    repeat = 2000
    results["row_skdae_s"] = median_seconds(lambda: dae.transform(row), repeat)
    results["row_pca_s"] = median_seconds(
        lambda: pca.inverse_transform(pca.transform(row)), repeat
    )
    results["row_predict_s"] = median_seconds(
        lambda: dae.model_.predict(row, verbose=0), 50
    )
    results["row_predict_on_batch_s"] = median_seconds(
        lambda: dae.model_.predict_on_batch(row), 500
    )
    results["full_skdae_s"] = median_seconds(lambda: dae.transform(X_train), 5)
    results["full_pca_s"] = median_seconds(
        lambda: pca.inverse_transform(pca.transform(X_train)), 5
    )
    results["full_predict_s"] = median_seconds(
        lambda: dae.model_.predict(X_train, batch_size=1024, verbose=0), 3
    )
    print("transform done", flush=True)

    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    (out / "results.md").write_text(report(results))
    plots(results, out)
    print(report(results))

    # Small fits, as searches make them: docs/benchmarks/searches.md.
    from searches import main as searches

    searches(out)


def _median_epoch(times):
    # The first epoch traces the training step; report the steady state.
    return statistics.median(times[1:] if len(times) > 1 else times)


def report(r):
    m = r["machine"]
    classic_epoch = _median_epoch(r["classic"]["epoch_s"])
    skdae_epoch = _median_epoch(r["skdae"]["epoch_s"])

    def ratio(a, b):
        return f"{a / b:.2f}x"

    lines = [
        f"Measured on {m['cpu']}, {m['cores']} cores; Python {m['python']}, "
        f"TensorFlow {m['tensorflow']}, Keras {m['keras']}, scikit-learn "
        f"{m['scikit-learn']}, NumPy {m['numpy']}.",
        "",
        f"Data: {r['dataset']}, {r['n_train']} training and {r['n_test']} test "
        f"images scaled to [0, 1]; test corruption "
        f"`clip(x + {NOISE_FACTOR} N(0, 1), 0, 1)`; {r['epochs']} epochs of batch 256.",
        "",
        "**Speed**",
        "",
        "| measurement | skdae | baseline | ratio (skdae / baseline) |",
        "| --- | --- | --- | --- |",
        f"| fit, seconds per epoch (median, first epoch excluded) | {skdae_epoch:.3f} "
        f"| classic loop {classic_epoch:.3f} | {ratio(skdae_epoch, classic_epoch)} |",
        f"| whole 5-epoch fit, build included | {r['whole_fit_5_skdae_s']:.2f} s "
        f"| classic loop {r['whole_fit_5_classic_s']:.2f} s "
        f"| {ratio(r['whole_fit_5_skdae_s'], r['whole_fit_5_classic_s'])} |",
        f"| transform, one row | {r['row_skdae_s'] * 1e6:.0f} µs | PCA(32) round trip "
        f"{r['row_pca_s'] * 1e6:.0f} µs | {ratio(r['row_skdae_s'], r['row_pca_s'])} |",
        f"| transform, {r['n_train']} rows | {r['full_skdae_s'] * 1e3:.0f} ms "
        f"| PCA(32) round trip {r['full_pca_s'] * 1e3:.0f} ms "
        f"| {ratio(r['full_skdae_s'], r['full_pca_s'])} |",
        f"| `import skdae` vs `import sklearn.base, sklearn.decomposition` | "
        f"{r['import_skdae_s'] * 1e3:.0f} ms | {r['import_sklearn_s'] * 1e3:.0f} ms | "
        f"{ratio(r['import_skdae_s'], r['import_sklearn_s'])} |",
        "",
        f"For reference, Keras's own inference on one row: `model.predict` "
        f"{r['row_predict_s'] * 1e3:.1f} ms, `predict_on_batch` "
        f"{r['row_predict_on_batch_s'] * 1e3:.2f} ms; on all {r['n_train']} rows "
        f"`model.predict(batch_size=1024)` {r['full_predict_s'] * 1e3:.0f} ms.",
        "",
        "**Denoising quality** (noisy test set against the clean test set)",
        "",
        "| method | MSE | BCE | PSNR (dB) | accuracy |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows = [
        ("noisy input", r["noisy"]),
        ("PCA(32)", r["pca"]),
        ("classic loop", r["classic"]),
        ("skdae", r["skdae"]),
    ]
    for name, q in rows:
        acc = f"{q['accuracy']:.3f}" if "accuracy" in q else "-"
        lines.append(
            f"| {name} | {q['mse']:.4f} | {q['bce']:.4f} | {q['psnr']:.2f} | {acc} |"
        )
    lines += [
        "",
        "Accuracy: `Pipeline([(transformer), LogisticRegression()])` trained on the "
        "clean training set and scored on the noisy test set.",
        "",
    ]
    return "\n".join(lines)


def plots(r, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    epochs = np.arange(1, r["epochs"] + 1)
    ax.plot(epochs, r["classic"]["test_bce"], label="classic loop (noise drawn once)")
    ax.plot(epochs, r["skdae"]["test_bce"], label="skdae (fresh noise every batch)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test denoising loss (BCE)")
    ax.set_title(f"{r['dataset']}: noisy test → clean test")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "loss_curves.png", dpi=100)
    plt.close(fig)

    classic_epoch = _median_epoch(r["classic"]["epoch_s"])
    skdae_epoch = _median_epoch(r["skdae"]["epoch_s"])
    panels = [
        ("fit, s / epoch", "classic loop", classic_epoch, skdae_epoch),
        (
            "transform 1 row, µs",
            "PCA(32)",
            r["row_pca_s"] * 1e6,
            r["row_skdae_s"] * 1e6,
        ),
        (
            f"transform {r['n_train']} rows, ms",
            "PCA(32)",
            r["full_pca_s"] * 1e3,
            r["full_skdae_s"] * 1e3,
        ),
        (
            "import, ms",
            "sklearn",
            r["import_sklearn_s"] * 1e3,
            r["import_skdae_s"] * 1e3,
        ),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(12, 3.2))
    for ax, (title, baseline, base, ours) in zip(axes, panels, strict=True):
        ax.bar([baseline, "skdae"], [base, ours], color=["tab:gray", "tab:blue"])
        ax.set_title(title, fontsize=10)
        for i, v in enumerate((base, ours)):
            ax.text(i, v, f"{v:.3g}", ha="center", va="bottom", fontsize=9)
    fig.suptitle("Speed, side by side (lower is better)")
    fig.tight_layout()
    fig.savefig(out / "speed.png", dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
