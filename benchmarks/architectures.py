"""Dense networks against the convolutional builders, on Fashion-MNIST.

Run by hand from the repository root (about 10 minutes on 2 cores)::

    python benchmarks/architectures.py [--train 10000] [--epochs 5]

A convolutional epoch costs far more than a Dense one on a CPU, so this uses
a subset of the training set and few epochs (printed with the results): the
numbers compare the networks at equal, short training, not at convergence.
Gaussian noise 0.5, batch 128, the same test noise for every network.
Also measures ``transform`` for a convolutional network, which runs a
compiled Keras function, against ``model_.predict``: one row, and the test
set. Writes ``docs/benchmarks/architectures.md`` and ``.json``.
"""

import argparse
import json
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searches import median_ms  # noqa: E402  (benchmarks/ is on sys.path)

from skdae import DenoisingAutoencoderTransformer, corrupt  # noqa: E402
from skdae._data import load_dataset  # noqa: E402
from skdae.architectures import conv_autoencoder, unet  # noqa: E402

NETWORKS = {
    "Dense 128-64-32 (default)": {"hidden_layer_sizes": (128, 64, 32)},
    "Dense 512-256-128": {"hidden_layer_sizes": (512, 256, 128)},
    "conv_autoencoder": {"model": partial(conv_autoencoder, image_shape=(28, 28))},
    "unet": {"model": partial(unet, image_shape=(28, 28))},
}


class EpochTimes:
    def __init__(self):
        import keras

        class Timer(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.seconds = []

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(time.perf_counter() - self._start)

        self.callback = Timer()


def inference_times(dae, X):
    """``transform`` against ``model_.predict``, one row and all of ``X``."""
    one = X[:1]
    dae.transform(one)  # traces the compiled function
    predict = dae.model_.predict
    return {
        "transform_row_ms": round(median_ms(lambda: dae.transform(one), 50), 2),
        "predict_row_ms": round(median_ms(lambda: predict(one, verbose=0), 20), 2),
        "transform_test_ms": round(median_ms(lambda: dae.transform(X), 3), 1),
        "predict_test_ms": round(
            median_ms(lambda: predict(X, batch_size=1024, verbose=0), 3), 1
        ),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks"))
    args = parser.parse_args(argv)

    data = load_dataset("fashion-mnist")
    X_train, X_test = data.X_train[: args.train], data.X_test[:2000]
    X_noisy = corrupt(X_test, noise_factor=0.5, clip_range=(0, 1), random_state=1)
    rows = []
    for name, params in NETWORKS.items():
        timer = EpochTimes().callback
        dae = DenoisingAutoencoderTransformer(
            **params,
            epochs=args.epochs,
            batch_size=128,
            callbacks=[timer],
            random_state=0,
        ).fit(X_train)
        mse = float(np.mean((dae.transform(X_noisy) - X_test) ** 2))
        row = {
            "network": name,
            "mse": round(mse, 4),
            "psnr_db": round(float(10 * np.log10(1 / mse)), 2),
            "epoch_s": round(statistics.median(timer.seconds[1:] or timer.seconds), 2),
        }
        if "model" in params:
            row.update(inference_times(dae, X_test))
        rows.append(row)
        print(row, flush=True)

    result = {"train": len(X_train), "test": len(X_test), "epochs": args.epochs}
    result["networks"] = rows
    out = Path(args.out)
    (out / "architectures.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"Fashion-MNIST, the first {len(X_train)} training images, {args.epochs} "
        f"epochs of batch 128, Gaussian noise 0.5; test MSE on {len(X_test)} "
        "noisy test images against the clean ones.",
        "",
        "| network | test MSE | PSNR (dB) | seconds per epoch |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['network']} | {r['mse']} | {r['psnr_db']} | {r['epoch_s']} |"
        )
    lines += [
        "",
        "`transform` of a convolutional network (a compiled Keras function) "
        "against Keras's `model_.predict`:",
        "",
        "| network | one row: transform | one row: predict | ratio "
        f"| {len(X_test)} rows: transform | predict(batch_size=1024) | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        if "transform_row_ms" in r:
            lines.append(
                f"| {r['network']} | {r['transform_row_ms']} ms "
                f"| {r['predict_row_ms']} ms "
                f"| {r['transform_row_ms'] / r['predict_row_ms']:.3f}x "
                f"| {r['transform_test_ms']} ms | {r['predict_test_ms']} ms "
                f"| {r['transform_test_ms'] / r['predict_test_ms']:.2f}x |"
            )
    (out / "architectures.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
