"""Peak memory of a fit, and growth over repeated fits (issue: memory).

Fits the default network for one epoch on random data of 200,000 x 784
float64 (1.17 GiB) in one process and reports, from /proc/self/statm sampled
every 5 ms: the peak resident memory above the level before each fit, in
float32 copies of X, and the growth of the resident memory after each fit.

    python benchmarks/memory.py [--rows 200000] [--fits 4]

Writes docs/benchmarks/memory.json and memory.md.
"""

import argparse
import json
import os
import threading
import time
from pathlib import Path

import numpy as np

PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 2**20


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class PeakSampler:
    def __init__(self):
        self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--fits", type=int, default=4)
    parser.add_argument(
        "--out", default=str(Path(__file__).parent.parent / "docs/benchmarks")
    )
    args = parser.parse_args(argv)

    from skdae import DenoisingAutoencoderTransformer, _backend

    _backend.keras_side()  # TensorFlow's own memory is not the fit's
    X = np.random.default_rng(0).random((args.rows, 784))
    copy32 = X.size * 4
    rows = []
    first = None
    for i in range(args.fits):
        before = rss()
        start = time.perf_counter()
        with PeakSampler() as sampler:
            dae = DenoisingAutoencoderTransformer(epochs=1, random_state=i).fit(X)
        seconds = time.perf_counter() - start
        del dae
        after = rss()
        first = after if first is None else first
        rows.append(
            {
                "fit": i + 1,
                "seconds": round(seconds, 2),
                "peak_extra_mib": round((sampler.peak - before) / MIB),
                "peak_extra_float32_copies": round((sampler.peak - before) / copy32, 2),
                "rss_after_mib": round(after / MIB),
                "growth_since_first_fit_mib": round((after - first) / MIB),
            }
        )
        print(rows[-1], flush=True)
    result = {
        "rows": args.rows,
        "features": 784,
        "X_float64_mib": X.nbytes / MIB,
        "fits": rows,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "memory.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"One-epoch fits of the default network on {args.rows} x 784 float64 "
        f"({X.nbytes / MIB:.0f} MiB; a float32 copy is {copy32 / MIB:.0f} MiB), "
        "one after another in one process, TensorFlow imported first.",
        "",
        "| fit | seconds | peak memory above the level before the fit (MiB) "
        "| in float32 copies of X | resident memory growth since fit 1 (MiB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['fit']} | {r['seconds']} | {r['peak_extra_mib']} | "
            f"{r['peak_extra_float32_copies']} | {r['growth_since_first_fit_mib']} |"
        )
    (out / "memory.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
