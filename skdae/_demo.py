"""``python -m skdae demo``: the classic denoising experiment, end to end.

Loads a dataset (sklearn's digits by default, no download needed), corrupts
the test set, fits a :class:`DenoisingAutoencoderTransformer` with Keras's
progress bar, denoises, and compares with PCA: reconstruction error, PSNR and
the accuracy of a logistic regression on the noisy test set. Figures go to
``--out``.
"""

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ._corruption import NOISE_TYPES, corrupt
from ._data import DATASETS, DataUnavailableError, load_dataset

# PCA components per dataset. The transformer uses its defaults: the classic
# recipe's network, trained for about 5,000 gradient steps.
_PCA_COMPONENTS = {"digits": 16, "fashion-mnist": 32, "mnist": 32}


def psnr(X, reference, data_range=1.0):
    """Peak signal-to-noise ratio in dB of ``X`` against ``reference``."""
    mse = np.mean((np.asarray(X, dtype=np.float64) - reference) ** 2)
    return float(10 * np.log10(data_range**2 / mse))


# Classifiers for the accuracy column train on at most this many images: on
# 60,000 x 784 a logistic regression takes far longer than the autoencoder.
_MAX_CLASSIFIER_TRAIN = 5000
# The fewest training images --max-train allows.
_MIN_TRAIN = 100


def _positive_int(text):
    value = _number(int, text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text):
    value = _number(float, text)
    if not (value > 0 and math.isfinite(value)):  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"must be a finite number above 0 (the demo denoises), got {text}"
        )
    return value


def _seed(text):
    value = _number(int, text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f"must be in [0, 2**32 - 1] (a NumPy seed), got {value}"
        )
    return value


def _training_size(text):
    value = _number(int, text)
    if value < _MIN_TRAIN:
        raise argparse.ArgumentTypeError(
            f"must be at least {_MIN_TRAIN} (PCA, the held-out tenth and the "
            f"classifier's ten classes need them), got {value}"
        )
    return value


def _number(kind, text):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid {kind.__name__} value: {text!r}"
        ) from None


def build_parser():
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="skdae", description="Denoising autoencoders as scikit-learn transformers."
    )
    parser.add_argument("--version", action="version", version=f"skdae {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="run the classic denoising experiment and write figures"
    )
    demo.add_argument(
        "--dataset",
        choices=DATASETS,
        default="digits",
        help="digits ships with scikit-learn; the others are read from "
        "--data-dir or Keras's cache (default: digits)",
    )
    demo.add_argument(
        "--data-dir",
        help="folder with the dataset's IDX files (fashion-mnist and mnist only)",
    )
    demo.add_argument(
        "--epochs",
        type=_positive_int,
        help="default: the transformer's 'auto' (about 5,000 gradient steps)",
    )
    demo.add_argument("--noise", choices=NOISE_TYPES, default="gaussian")
    demo.add_argument(
        "--noise-factor",
        type=_positive_float,
        default=0.5,
        help="noise standard deviation, or corrupted fraction (at most 1) for "
        "masking and salt_and_pepper (default: 0.5)",
    )
    demo.add_argument(
        "--random-state",
        type=_seed,
        default=0,
        help="seed of the network, the training noise and the test noise (default: 0)",
    )
    demo.add_argument(
        "--out", help="figure folder (default: skdae-demo-output/<dataset>)"
    )
    demo.add_argument(
        "--max-train",
        type=_training_size,
        help=f"use at most this many training images (at least {_MIN_TRAIN})",
    )
    demo.add_argument(
        "--verbose",
        type=int,
        choices=(0, 1, 2),
        default=1,
        help="0: quiet, 1: a progress bar (one line per epoch when the output "
        "is not a terminal), 2: one line per epoch (default: 1)",
    )
    parser.demo_parser = demo  # for errors found after parsing
    return parser


def parse_args(argv=None):
    """Parsed and checked arguments; invalid ones exit with argparse's code 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.noise != "gaussian" and args.noise_factor > 1:
        parser.demo_parser.error(
            f"argument --noise-factor: must be at most 1 for --noise {args.noise}, "
            f"got {args.noise_factor}"
        )
    if args.data_dir is not None and args.dataset == "digits":
        parser.demo_parser.error(
            "argument --data-dir: digits ships with scikit-learn and reads no "
            "folder; --data-dir is for --dataset fashion-mnist or mnist"
        )
    if args.out is None:
        args.out = str(Path("skdae-demo-output") / args.dataset)
    problem = _unwritable(Path(args.out))
    if problem:  # before training, not after
        parser.demo_parser.error(
            f"argument --out: cannot write to {args.out}: {problem}"
        )
    return args


def _unwritable(folder):
    """Why figures cannot be written to ``folder`` (made if needed), or None."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


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
    n_components = _PCA_COMPONENTS[args.dataset]
    X_noisy = corrupt(
        X_test,
        noise=args.noise,
        noise_factor=args.noise_factor,
        clip_range=(0, 1),
        value_range=(0, 1),
        random_state=(args.random_state + 1) % 2**32,
    )
    print(
        f"{args.dataset}: {X_train.shape[0]} training and {X_test.shape[0]} test "
        f"images of {data.image_shape[0]}x{data.image_shape[1]}; "
        f"{args.noise} noise, factor {args.noise_factor}"
    )

    dae = DenoisingAutoencoderTransformer(
        noise=args.noise,
        noise_factor=args.noise_factor,
        epochs=args.epochs or "auto",
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

    n_clf = min(len(X_train), _MAX_CLASSIFIER_TRAIN)
    print(
        f"training LogisticRegression on {n_clf} images:",
        flush=True,
    )

    def accuracy(transformer, name):
        start = time.perf_counter()
        print(f"  behind {name}...", end=" ", flush=True)
        clf = LogisticRegression(max_iter=1000)
        pipe = Pipeline([("reduce", FrozenEstimator(transformer)), ("clf", clf)])
        pipe.fit(X_train[:n_clf], y_train[:n_clf])
        print(f"{time.perf_counter() - start:.1f} s", flush=True)
        return pipe.score(X_noisy, y_test)

    results = {
        "noisy input": (X_noisy, None),
        f"PCA({n_components})": (pca_denoised, accuracy(pca, "PCA")),
        "skdae": (denoised, accuracy(dae, "skdae")),
    }
    table = {
        name: {
            "mse": float(np.mean((X - X_test) ** 2)),
            "psnr": psnr(X, X_test),
            "accuracy": acc,
        }
        for name, (X, acc) in results.items()
    }
    _print_table(table, fit_seconds, dae.n_iter_, n_clf)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    figures = _save_figures(
        out, X_test, X_noisy, data.image_shape, dae, pca, n_components
    )
    for path in figures:
        print(f"wrote {path}")
    return table


def _print_table(table, fit_seconds, epochs, n_clf):
    unit = "epoch" if epochs == 1 else "epochs"
    print(f"\nfit: {epochs} {unit} in {fit_seconds:.1f} s\n")
    print(f"| {'method':<12} | {'MSE':>8} | {'PSNR (dB)':>9} | {'accuracy':>8} |")
    print(f"|{'-' * 14}|{'-' * 10}|{'-' * 11}|{'-' * 10}|")
    for name, row in table.items():
        acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
        print(f"| {name:<12} | {row['mse']:8.4f} | {row['psnr']:9.2f} | {acc:>8} |")
    print(
        f"\naccuracy: LogisticRegression trained on {n_clf} clean training "
        "images, scored on the noisy test images"
    )


def _save_figures(out, X_test, X_noisy, shape, dae, pca, k):
    # Figure objects, not pyplot: no global backend or figure state is touched.
    from matplotlib.figure import Figure

    from ._display import LossCurveDisplay, ReconstructionDisplay

    fig = Figure(figsize=(11, 6.5), layout="constrained")
    top, bottom = fig.subplots(2, 1)
    for ax, name, estimator in ((top, "skdae", dae), (bottom, f"PCA({k})", pca)):
        ReconstructionDisplay.from_estimator(
            estimator, X_noisy, X_clean=X_test, image_shape=shape, ax=ax
        )
        ax.set_title(f"{name}: clean, noisy input, reconstruction", loc="left")
    grid = out / "denoising.png"
    fig.savefig(grid, dpi=100)

    fig = Figure(figsize=(6, 4))
    display = LossCurveDisplay.from_estimator(dae, ax=fig.subplots())
    display.ax_.set_ylabel(f"loss ({dae.loss_})")
    display.ax_.set_title("Training curve")
    fig.tight_layout()
    curve = out / "loss.png"
    fig.savefig(curve, dpi=100)
    return [grid, curve]


def main(argv=None):
    """Entry point of ``python -m skdae`` and the ``skdae`` command."""
    args = parse_args(argv)
    try:
        run_demo(args)
    except DataUnavailableError as exc:
        print(f"skdae: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``skdae demo | head -1``): stop quietly.
        # Python would report the pipe again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0
