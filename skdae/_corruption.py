"""Corruption processes in NumPy: the same noise the model draws while fitting.

The Keras layer in :mod:`skdae._model` applies these corruptions inside the
training graph; this module applies them to arrays, for validation sets,
benchmarks and users who want a noisy copy of their data.
"""

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array

NOISE_TYPES = ("gaussian", "masking", "salt_and_pepper", "swap")
# Noises that corrupt an entry as a whole, so a group of columns (a one-hot
# encoded category) can be corrupted as one.
GROUPED_NOISE_TYPES = ("masking", "swap")


def check_noise_factor(noise, noise_factor):
    """Raise a ValueError if ``noise_factor`` is a fraction above 1."""
    if noise != "gaussian" and noise_factor > 1:
        raise ValueError(
            f"noise_factor is the corrupted fraction for noise={noise!r} and "
            f"must be in [0, 1], got {noise_factor!r}."
        )


def check_grouped_noise(noise):
    """Raise a ValueError unless ``noise`` can corrupt groups of columns."""
    if noise not in GROUPED_NOISE_TYPES:
        raise ValueError(
            f"feature_groups needs noise in {GROUPED_NOISE_TYPES}, which "
            f"corrupt an entry as a whole; got noise={noise!r}."
        )


def group_ids(feature_groups, n_features, noise=None):
    """Each column's group: an int array of shape (n_features,), or None.

    ``feature_groups`` lists groups of column indices corrupted together;
    columns in no group form groups of their own. Raise a ValueError unless
    the groups are disjoint lists of valid, distinct indices, and ``noise``
    (when given) corrupts entries as a whole.
    """
    if feature_groups is None:
        return None
    if noise is not None:
        check_grouped_noise(noise)
    ids = np.full(n_features, -1)
    try:
        groups = [np.asarray(group) for group in feature_groups]
    except TypeError:
        groups = None
    for k, group in enumerate(groups or [None]):
        if (
            group is None
            or group.ndim != 1
            or group.size == 0
            or not np.issubdtype(group.dtype, np.integer)
            or group.min() < 0
            or group.max() >= n_features
            or (ids[group] != -1).any()
            or np.unique(group).size != group.size
        ):
            raise ValueError(
                "feature_groups must be a list of non-empty, disjoint lists of "
                f"column indices in [0, {n_features}); group {k} is "
                f"{None if group is None else group.tolist()!r}."
            )
        ids[group] = k
    alone = ids == -1
    ids[alone] = len(groups) + np.arange(alone.sum())
    return ids


def corrupt(
    X,
    *,
    noise="gaussian",
    noise_factor=0.5,
    clip_range=None,
    value_range=None,
    feature_groups=None,
    random_state=None,
):
    """Return a corrupted copy of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Clean data. It is never modified. Missing entries (NaN) stay
        missing.
    noise : {"gaussian", "masking", "salt_and_pepper", "swap"}, \
            default="gaussian"
        ``"gaussian"`` adds ``noise_factor * N(0, 1)``; ``"masking"`` sets a
        random fraction ``noise_factor`` of the entries to zero;
        ``"salt_and_pepper"`` sets a random fraction ``noise_factor`` of the
        entries to the low or the high end of ``value_range``, half each;
        ``"swap"`` replaces a random fraction ``noise_factor`` of the entries
        with the same column's value in another row of ``X``, drawn
        uniformly (the tabular denoising autoencoders' swap noise).
    noise_factor : float, default=0.5
        Standard deviation multiplier (gaussian) or corrupted fraction.
    clip_range : tuple of (float, float) or None, default=None
        Clip the corrupted data to this range; None does not clip.
    value_range : tuple of (low, high) or None, default=None
        Salt and pepper values: ``low`` and ``high`` are scalars, or arrays of
        shape (n_features,) with one value per feature (column ``j`` gets
        ``low[j]`` or ``high[j]``). None uses ``clip_range`` if given, else
        the minimum and maximum of ``X``.
    feature_groups : list of array-like of int or None, default=None
        Groups of column indices corrupted as one, for ``"swap"`` and
        ``"masking"``: a group is hit or not as a whole, and swapped from a
        single other row. Pass each one-hot encoded category's columns (see
        :func:`skdae.one_hot_groups`), so that swap noise swaps categories,
        never single one-hot bits. Columns in no group are corrupted alone.
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
    ids = group_ids(feature_groups, X.shape[1], noise)
    # One draw per group of columns (per column without groups), shared by
    # the group's columns.
    draws = X.shape if ids is None else (X.shape[0], ids.max() + 1)

    def per_group(values):
        return values if ids is None else values[:, ids]

    missing = np.isnan(X)
    rng = check_random_state(random_state)
    if noise == "gaussian":
        X += (noise_factor * rng.standard_normal(X.shape)).astype(X.dtype)
    elif noise == "swap":
        hit = per_group(rng.random_sample(draws)) < noise_factor
        offsets = per_group(rng.randint(1, max(X.shape[0], 2), size=draws))
        if X.shape[0] > 1:
            rows, columns = np.nonzero(hit)
            swapped = X[(rows + offsets[rows, columns]) % X.shape[0], columns]
            # A donor's missing entry is no value: the entry stays as it is.
            swapped = np.where(np.isnan(swapped), X[rows, columns], swapped)
            X[rows, columns] = swapped
    else:
        u = per_group(rng.random_sample(draws))
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


def one_hot_groups(categories, *, start=0):
    """The column groups of one-hot encoded categorical features.

    For ``feature_groups`` of :class:`~skdae.DenoisingAutoencoderTransformer`
    and :func:`skdae.corrupt`: the columns of each categorical feature, so
    that swap noise swaps whole categories, never single one-hot bits.

    Parameters
    ----------
    categories : list of array-like, or OneHotEncoder
        The categories of each feature, in the encoder's order, e.g. the
        ``categories=`` given to :class:`~sklearn.preprocessing.OneHotEncoder`
        (known before fitting, so that the groups can be set in a pipeline),
        or a fitted encoder without ``drop``, whose ``categories_`` are read.
    start : int, default=0
        Index of the first one-hot column in the transformer's input, e.g.
        the number of columns a :class:`~sklearn.compose.ColumnTransformer`
        puts before the encoder's.

    Returns
    -------
    feature_groups : list of list of int
        One list of consecutive column indices per categorical feature.

    Examples
    --------
    >>> from skdae import one_hot_groups
    >>> one_hot_groups([["a", "b", "c"], ["x", "y"]], start=2)
    [[2, 3, 4], [5, 6]]
    """
    if hasattr(categories, "categories_"):
        if getattr(categories, "drop", None) is not None:
            raise ValueError(
                "one_hot_groups needs an encoder with drop=None: a dropped "
                "category has no column."
            )
        categories = categories.categories_
    elif hasattr(categories, "categories"):
        raise ValueError(
            "one_hot_groups needs a fitted OneHotEncoder or a list of the "
            "categories of each feature."
        )
    groups = []
    for levels in categories:
        width = len(levels)
        if width < 1:
            raise ValueError("Every categorical feature needs at least one category.")
        groups.append(list(range(start, start + width)))
        start += width
    return groups
