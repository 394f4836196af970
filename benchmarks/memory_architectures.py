"""Resident memory over fits of many different architectures.

A search over ``hidden_layer_sizes`` fits many architectures in one process.
This fits 120 of them (digits-sized random data, 1 epoch each) and prints
the growth of the resident memory from the 40th to the 120th, after the
pool of 16 traced networks is full. Run by hand (about 2 minutes):
``python benchmarks/memory_architectures.py``.
"""

import gc

import numpy as np
import psutil

from skdae import DenoisingAutoencoderTransformer


def main():
    X = np.random.RandomState(0).rand(200, 20)
    marks = {}
    for i in range(120):
        DenoisingAutoencoderTransformer((5 + i,), epochs=1).fit(X)
        if i + 1 in (40, 120):
            gc.collect()
            marks[i + 1] = psutil.Process().memory_info().rss / 2**20
    print(
        f"RSS after 40 architectures: {marks[40]:.0f} MiB, after 120: "
        f"{marks[120]:.0f} MiB; growth {marks[120] - marks[40]:.0f} MiB"
    )


if __name__ == "__main__":
    main()
