"""The training data as training reads them, prepared in NumPy.

One float32 copy of ``X`` at most, in a buffer TensorFlow can share; sample
weights of mean 1; the held-out part, corrupted once. :mod:`skdae._plan`
uses these; nothing here imports TensorFlow.
"""

import warnings

import numpy as np
from sklearn.utils.validation import _check_sample_weight

from ._corruption import corrupt

# TensorFlow's kernels need tensor buffers aligned to 64 bytes.
_ALIGNMENT = 64


def aligned_float32(X):
    """``X`` as a C-contiguous float32 array that TensorFlow can share.

    Returns ``X`` itself when it already is one (and writeable), otherwise
    one copy in a 64-byte-aligned buffer, so that training holds the data
    without a further copy. TensorFlow only reads it.
    """
    if (
        X.dtype == np.float32
        and X.flags.c_contiguous
        # DLPack cannot share a read-only buffer.
        and X.flags.writeable
        and X.ctypes.data % _ALIGNMENT == 0
    ):
        return X
    buffer = np.empty(X.size * 4 + _ALIGNMENT, dtype=np.uint8)
    offset = -buffer.ctypes.data % _ALIGNMENT
    out = buffer[offset : offset + X.size * 4].view(np.float32).reshape(X.shape)
    np.copyto(out, X, casting="unsafe")
    return out


def has_missing(X):
    """Whether ``X`` (float, validated: no infinity) has a NaN entry.

    One sum instead of a boolean array of ``X``'s size: with no infinity in
    ``X`` the sum is NaN exactly when an entry is (it may overflow to
    infinity, never to NaN). About a third of the time of
    ``np.isnan(X).any()`` on 60,000 x 784 rows, in ``transform``'s path.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isnan(np.sum(X)))


def in_unit_interval(X):
    """Whether ``X`` lies in [0, 1], give or take a few float ulps.

    MinMaxScaler's output can exceed 1 by an ulp (1.0000000000000002).
    Missing (NaN) entries are ignored.
    """
    tolerance = 4 * np.finfo(X.dtype).eps if X.dtype.kind == "f" else 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN X
        low, high = np.nanmin(X), np.nanmax(X)
    return bool(low >= -tolerance and high <= 1 + tolerance)


def normalized_sample_weight(sample_weight, X):
    """Float32 weights of mean 1 (all ones for None); negative ones raise."""
    if sample_weight is None:
        return np.ones(X.shape[0], dtype=np.float32)
    weights = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    total = weights.sum()
    if not total > 0:
        raise ValueError("sample_weight must not sum to zero.")
    return (weights * (X.shape[0] / total)).astype(np.float32)


def held_out_split(
    X,
    weights,
    fraction,
    *,
    noise,
    noise_factor,
    rng,
    clip_range,
    value_range,
    setting,
    feature_groups=None,
):
    """Training rows, and ``(noisy, clean, weights)`` held-out samples.

    ``setting`` names the parameter that asked for the split, for the error.

    The held-out part is rounded up, so that any data set that has two
    samples can hold one out.
    """
    n = X.shape[0]
    n_val = int(np.ceil(fraction * n))
    if n - n_val < 1:
        raise ValueError(
            f"{setting} leaves no training sample of {n}: fit needs at "
            "least two samples, one to train on and one to validate on."
        )
    order = rng.permutation(n)
    val, rows = order[:n_val], np.sort(order[n_val:])
    X_val = X[val]
    X_val_noisy = corrupt(
        X_val,
        noise=noise,
        noise_factor=noise_factor,
        clip_range=clip_range,
        value_range=value_range,
        feature_groups=feature_groups,
        random_state=rng,
    ).astype(np.float32)
    return rows, (X_val_noisy, X_val, weights[val])
