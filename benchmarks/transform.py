"""``transform`` of the default network against the bare matrix products.

The NumPy forward pass of the default Dense network (784-128-64-32-64-128-784,
float32) on 60,000 rows, against the bare chain of float32 matrix products
through the same weights (no bias, no activation): the floor any
implementation on this CPU's BLAS meets. Also one row, as a service would
call it. Writes ``docs/benchmarks/transform.md`` and ``transform.json``.

Run by hand from the repository root: ``python benchmarks/transform.py``
(about 30 s on 2 cores).
"""

import json
import statistics
import time
from pathlib import Path

import numpy as np

from skdae import DenoisingAutoencoderTransformer

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"


def main(repeat=15):
    rng = np.random.RandomState(0)
    X = rng.rand(60_000, 784).astype(np.float32)
    dae = DenoisingAutoencoderTransformer(epochs=1, random_state=0).fit(X[:2000])
    kernels = [k for k, _, _ in dae._forward_layers_[np.dtype(np.float32)]]

    def bare():
        h = X
        for kernel in kernels:
            h = h @ kernel
        return h

    times = {"transform": [], "bare": [], "row": []}
    for _ in range(repeat):  # interleaved, so that both see the same machine
        for name, call in (("transform", lambda: dae.transform(X)), ("bare", bare)):
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    row = X[:1]
    for _ in range(2000):
        start = time.perf_counter()
        dae.transform(row)
        times["row"].append(time.perf_counter() - start)
    result = {name: statistics.median(values) for name, values in times.items()}
    result["ratio"] = result["transform"] / result["bare"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "transform.json").write_text(json.dumps(result, indent=1) + "\n")
    table = (
        "| measure | skdae | bare float32 matrix products | ratio |\n"
        "| --- | --- | --- | --- |\n"
        f"| transform, 60,000 x 784 | {result['transform'] * 1e3:.0f} ms | "
        f"{result['bare'] * 1e3:.0f} ms | {result['ratio']:.2f}x |\n"
        f"| transform, one row | {result['row'] * 1e6:.0f} µs | - | - |\n"
    )
    (OUT / "transform.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
