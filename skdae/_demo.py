"""``python -m skdae demo``: the classic denoising experiment, end to end.

Loads a dataset (sklearn's digits by default, no download needed), corrupts
the test set, fits a :class:`DenoisingAutoencoderTransformer` with Keras's
progress bar, denoises, and compares with PCA: reconstruction error, PSNR and
the accuracy of a logistic regression on the noisy test set. Figures go to
``--out``.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ._corruption import NOISE_TYPES, corrupt
from ._data import DATASETS, DataUnavailableError, load_dataset

# Per dataset: (hidden_layer_sizes, PCA components, default epochs). All use
# the classic recipe's network.
_SETUPS = {
    "digits": ((128, 64, 32), 16, 100),
    "fashion-mnist": ((128, 64, 32), 32, 30),
    "mnist": ((128, 64, 32), 32, 30),
}


def psnr(X, reference, data_range=1.0):
    """Peak signal-to-noise ratio in dB of ``X`` against ``reference``."""
    mse = np.mean((np.asarray(X, dtype=np.float64) - reference) ** 2)
    return float(10 * np.log10(data_range**2 / mse))


def build_parser():
    parser = argparse.ArgumentParser(
        prog="skdae", description="Denoising autoencoders as scikit-learn transformers."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="run the classic denoising experiment and write figures"
    )
    demo.add_argument("--dataset", choices=DATASETS, default="digits")
    demo.add_argument("--data-dir", help="folder with the dataset's IDX files")
    demo.add_argument("--epochs", type=int, help="default: 100 (digits), 30 (28x28)")
    demo.add_argument("--noise", choices=NOISE_TYPES, default="gaussian")
    demo.add_argument("--noise-factor", type=float, default=0.5)
    demo.add_argument("--random-state", type=int, default=0)
    demo.add_argument("--out", default="skdae-demo-output", help="figure folder")
    demo.add_argument(
        "--max-train", type=int, help="use at most this many training images"
    )
    demo.add_argument("--verbose", type=int, default=1, help="Keras verbosity")
    return parser


def run_demo(args):
    """Run the experiment; return the results table as a dict."""
    from sklearn.decomposition import PCA
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from ._transformer import DenoisingAutoencoderTransformer

    data = load_dataset(args.dataset, data_dir=args.data_dir)
    X_train, X_test = data.X_train, data.X_test
    y_train, y_test = data.y_train, data.y_test
    if args.max_train:
        X_train, y_train = X_train[: args.max_train], y_train[: args.max_train]
    hidden, n_components, epochs = _SETUPS[args.dataset]
    epochs = args.epochs or epochs
    X_noisy = corrupt(
        X_test,
        noise=args.noise,
        noise_factor=args.noise_factor,
        clip_range=(0, 1),
        value_range=(0, 1),
        random_state=args.random_state + 1,
    )
    print(
        f"{args.dataset}: {X_train.shape[0]} training and {X_test.shape[0]} test "
        f"images of {data.image_shape[0]}x{data.image_shape[1]}; "
        f"{args.noise} noise, factor {args.noise_factor}"
    )

    dae = DenoisingAutoencoderTransformer(
        hidden,
        noise=args.noise,
        noise_factor=args.noise_factor,
        epochs=epochs,
        # The recipe's 256 leaves too few steps on the 1,347 digits.
        batch_size=256 if X_train.shape[0] > 10_000 else 32,
        validation_fraction=0.1,
        verbose=args.verbose,
        random_state=args.random_state,
    )
    start = time.perf_counter()
    dae.fit(X_train)
    fit_seconds = time.perf_counter() - start
    denoised = dae.transform(X_noisy)

    pca = PCA(n_components, random_state=args.random_state).fit(X_train)
    pca_denoised = np.clip(pca.inverse_transform(pca.transform(X_noisy)), 0, 1)

    def accuracy(transformer):
        clf = LogisticRegression(max_iter=1000)
        pipe = Pipeline([("reduce", FrozenEstimator(transformer)), ("clf", clf)])
        return pipe.fit(X_train, y_train).score(X_noisy, y_test)

    results = {
        "noisy input": (X_noisy, None),
        f"PCA({n_components})": (pca_denoised, accuracy(pca)),
        "skdae": (denoised, accuracy(dae)),
    }
    table = {
        name: {
            "mse": float(np.mean((X - X_test) ** 2)),
            "psnr": psnr(X, X_test),
            "accuracy": acc,
        }
        for name, (X, acc) in results.items()
    }
    _print_table(table, fit_seconds, epochs)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    figures = _save_figures(
        out,
        X_test,
        X_noisy,
        denoised,
        pca_denoised,
        data.image_shape,
        dae,
        n_components,
    )
    for path in figures:
        print(f"wrote {path}")
    return table


def _print_table(table, fit_seconds, epochs):
    print(f"\nfit: {epochs} epochs in {fit_seconds:.1f} s\n")
    print(f"| {'method':<12} | {'MSE':>8} | {'PSNR (dB)':>9} | {'accuracy':>8} |")
    print(f"|{'-' * 14}|{'-' * 10}|{'-' * 11}|{'-' * 10}|")
    for name, row in table.items():
        acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
        print(f"| {name:<12} | {row['mse']:8.4f} | {row['psnr']:9.2f} | {acc:>8} |")
    print(
        "\naccuracy: LogisticRegression trained on clean images, scored on noisy ones"
    )


def _save_figures(out, X_test, X_noisy, denoised, pca_denoised, shape, dae, k):
    # Figure objects, not pyplot: no global backend or figure state is touched.
    from matplotlib.figure import Figure

    n = 10
    rows = [
        ("original", X_test),
        ("noisy", X_noisy),
        ("skdae", denoised),
        (f"PCA({k})", pca_denoised),
    ]
    fig = Figure(figsize=(n * 1.1, len(rows) * 1.25))
    axes = fig.subplots(len(rows), n)
    for r, (label, images) in enumerate(rows):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(images[c].reshape(shape), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    fig.suptitle("Denoising: original, noisy, skdae, PCA")
    fig.tight_layout()
    grid = out / "denoising.png"
    fig.savefig(grid, dpi=100)

    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    epochs = np.arange(1, dae.n_iter_ + 1)
    ax.plot(epochs, dae.history_["loss"], label="training (noisy → clean)")
    if "val_loss" in dae.history_:
        ax.plot(epochs, dae.history_["val_loss"], label="validation (noisy → clean)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"loss ({dae.loss_})")
    ax.set_title("Training curve")
    ax.legend()
    fig.tight_layout()
    curve = out / "loss.png"
    fig.savefig(curve, dpi=100)
    return [grid, curve]


def main(argv=None):
    """Entry point of ``python -m skdae`` and the ``skdae`` command."""
    args = build_parser().parse_args(argv)
    try:
        run_demo(args)
    except DataUnavailableError as exc:
        print(f"skdae: {exc}", file=sys.stderr)
        return 2
    return 0
