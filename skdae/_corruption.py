"""Corruption processes in NumPy: the same noise the model draws while fitting.

The Keras layer in :mod:`skdae._model` applies these corruptions inside the
training graph; this module applies them to arrays, for validation sets,
benchmarks and users who want a noisy copy of their data.
"""

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array

NOISE_TYPES = ("gaussian", "masking", "salt_and_pepper")


def check_noise_factor(noise, noise_factor):
    """Raise a ValueError if ``noise_factor`` is a fraction above 1."""
    if noise != "gaussian" and noise_factor > 1:
        raise ValueError(
            f"noise_factor is the corrupted fraction for noise={noise!r} and "
            f"must be in [0, 1], got {noise_factor!r}."
        )


def corrupt(
    X,
    *,
    noise="gaussian",
    noise_factor=0.5,
    clip_range=None,
    value_range=None,
    random_state=None,
):
    """Return a corrupted copy of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Clean data. It is never modified. Missing entries (NaN) stay
        missing.
    noise : {"gaussian", "masking", "salt_and_pepper"}, default="gaussian"
        ``"gaussian"`` adds ``noise_factor * N(0, 1)``; ``"masking"`` sets a
        random fraction ``noise_factor`` of the entries to zero;
        ``"salt_and_pepper"`` sets a random fraction ``noise_factor`` of the
        entries to the low or the high end of ``value_range``, half each.
    noise_factor : float, default=0.5
        Standard deviation multiplier (gaussian) or corrupted fraction.
    clip_range : tuple of (float, float) or None, default=None
        Clip the corrupted data to this range; None does not clip.
    value_range : tuple of (low, high) or None, default=None
        Salt and pepper values: ``low`` and ``high`` are scalars, or arrays of
        shape (n_features,) with one value per feature (column ``j`` gets
        ``low[j]`` or ``high[j]``). None uses ``clip_range`` if given, else
        the minimum and maximum of ``X``.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise.

    Returns
    -------
    X_noisy : ndarray of shape (n_samples, n_features)
        Floating point copy of ``X`` with noise applied.

    Examples
    --------
    >>> import numpy as np
    >>> from skdae import corrupt
    >>> X = np.full((2, 3), 0.5)
    >>> corrupt(X, noise_factor=0.1, clip_range=(0, 1), random_state=0).shape
    (2, 3)
    """
    if noise not in NOISE_TYPES:
        raise ValueError(f"noise must be one of {NOISE_TYPES}, got {noise!r}.")
    if noise_factor < 0:
        raise ValueError(f"noise_factor must be >= 0, got {noise_factor!r}.")
    X = check_array(
        X, dtype=[np.float64, np.float32], copy=True, ensure_all_finite="allow-nan"
    )
    missing = np.isnan(X)
    rng = check_random_state(random_state)
    if noise == "gaussian":
        X += (noise_factor * rng.standard_normal(X.shape)).astype(X.dtype)
    else:
        u = rng.random_sample(X.shape)
        if noise == "masking":
            X[u < noise_factor] = 0
        else:
            if value_range is None:
                value_range = (
                    clip_range
                    if clip_range is not None
                    else (np.nanmin(X), np.nanmax(X))
                )
            low, high = (_per_column(v, X) for v in value_range)
            pepper = u < noise_factor / 2
            salt = (u >= noise_factor / 2) & (u < noise_factor)
            # Broadcast to X's shape, then index: column j gets value j.
            X[pepper] = np.broadcast_to(low, X.shape)[pepper]
            X[salt] = np.broadcast_to(high, X.shape)[salt]
    if clip_range is not None:
        np.clip(X, clip_range[0], clip_range[1], out=X)
    X[missing] = np.nan  # missing entries stay missing
    return X


def _per_column(value, X):
    """A scalar, or one value per column of ``X``, in ``X``'s dtype."""
    value = np.asarray(value, dtype=X.dtype)
    if value.ndim > 1 or (value.ndim == 1 and value.shape[0] != X.shape[1]):
        raise ValueError(
            "value_range must hold scalars or arrays of shape (n_features,) = "
            f"({X.shape[1]},), got an array of shape {value.shape}."
        )
    return value
