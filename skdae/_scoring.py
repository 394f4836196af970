"""Scorers that corrupt the held-out fold: :func:`make_corrupted_scorer`."""

from numbers import Integral, Real

import numpy as np
from sklearn.metrics import get_scorer
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils._set_output import _get_adapter_from_container

from ._corruption import (
    NOISE_TYPES,
    check_grouped_noise,
    check_noise_factor,
    corrupt,
)
from ._transformer import DenoisingAutoencoderTransformer


@validate_params(
    {
        "scoring": [str, callable, None],
        "noise": [StrOptions(set(NOISE_TYPES))],
        "noise_factor": [Interval(Real, 0, None, closed="left")],
        "clip_range": [tuple, list, None],
        "feature_groups": [list, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_corrupted_scorer(
    scoring=None,
    *,
    noise="gaussian",
    noise_factor=0.5,
    clip_range=None,
    feature_groups=None,
    random_state=None,
):
    """Make a scorer that corrupts the data it scores, and only those.

    A search over ``noise_factor`` scored on clean held-out folds always
    prefers no noise: an autoencoder that never saw noise reproduces clean
    data best. The question a search should answer is which *training* noise
    best handles the noise the data will have. This scorer answers it: the
    training folds stay clean (the transformer corrupts them itself while
    fitting), and the fold being scored is corrupted first, with the
    corruptions of :func:`skdae.corrupt`.

    The noise depends only on ``random_state`` and the shape of the fold,
    never on the candidate being scored, so every candidate of a search is
    scored on the same corrupted folds.

    Parameters
    ----------
    scoring : str, callable or None, default=None
        What to compute on the corrupted fold. A scorer name such as
        ``"accuracy"`` or ``"neg_mean_squared_error"``, or a callable with
        the signature ``scorer(estimator, X, y)``. None scores an estimator
        whose last step is a :class:`~skdae.DenoisingAutoencoderTransformer`
        by how well it denoises: the negative mean squared error between its
        reconstruction of the corrupted fold and the clean fold (after the
        pipeline's earlier steps, in the space the autoencoder works in).
        Nested pipelines and fitted searches (their ``best_estimator_``)
        are looked through; any other estimator raises a ValueError, since
        its own ``score`` could corrupt the fold again or measure something
        else.
    noise : {"gaussian", "masking", "salt_and_pepper", "swap"}, \
            default="gaussian"
        Corruption of the held-out fold, as in :func:`skdae.corrupt`
        (``"swap"`` swaps within the fold).
    noise_factor : float, default=0.5
        Standard deviation (gaussian) or corrupted fraction.
    clip_range : tuple of (float, float) or None, default=None
        Clip the corrupted fold to this range, e.g. ``(0, 1)`` for images.
    feature_groups : list of list of int or None, default=None
        Columns corrupted as one by ``"swap"`` and ``"masking"``, as in
        :func:`skdae.corrupt` (one-hot encoded categories swapped whole).
    random_state : int, RandomState instance or None, default=None
        Seeds the noise. None (or a RandomState) draws one seed when the
        scorer is made, so that all the scorer's calls share it.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None, **kwargs)``, for ``scoring=`` in
        :class:`~sklearn.model_selection.GridSearchCV`,
        :func:`~sklearn.model_selection.cross_validate` and friends, alone or
        in a multi-metric dict. It pickles, so it works with ``n_jobs`` and
        dask.

    See Also
    --------
    skdae.corrupt : The corruptions applied.
    sklearn.metrics.make_scorer : Make a scorer from a metric.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import cross_val_score
    >>> from skdae import DenoisingAutoencoderTransformer, make_corrupted_scorer
    >>> X = load_digits().data / 16.0
    >>> scorer = make_corrupted_scorer(noise_factor=0.5, clip_range=(0, 1),
    ...                                random_state=0)
    >>> dae = DenoisingAutoencoderTransformer((32, 16), epochs=2, random_state=0)
    >>> cross_val_score(dae, X, cv=2, scoring=scorer).shape
    (2,)
    """
    if clip_range is not None:
        clip_range = tuple(float(v) for v in clip_range)
        if len(clip_range) != 2 or not clip_range[0] < clip_range[1]:
            raise ValueError(
                f"clip_range must be None or (low, high) with low < high, "
                f"got {clip_range!r}."
            )
    check_noise_factor(noise, noise_factor)
    if feature_groups is not None:
        check_grouped_noise(noise)
    if random_state is None:  # fresh entropy, not NumPy's global generator
        random_state = int(np.random.default_rng().integers(2**31 - 1))
    elif not isinstance(random_state, Integral):
        random_state = int(check_random_state(random_state).randint(2**31 - 1))
    return CorruptedScorer(
        scoring,
        noise=noise,
        noise_factor=float(noise_factor),
        clip_range=clip_range,
        feature_groups=feature_groups,
        random_state=int(random_state),
    )


class CorruptedScorer:
    """Scores an estimator on a corrupted copy of the data it is given.

    Made by :func:`make_corrupted_scorer`; see there.
    """

    def __init__(
        self,
        scoring,
        *,
        noise,
        noise_factor,
        clip_range,
        random_state,
        feature_groups=None,
    ):
        self.scoring = scoring
        self.noise = noise
        self.noise_factor = noise_factor
        self.clip_range = clip_range
        self.feature_groups = feature_groups
        self.random_state = random_state

    def corrupt(self, X):
        """The corrupted copy of ``X`` the scorer scores on.

        A pandas or polars DataFrame stays one, with its columns (and
        index), so that estimators fitted with feature names see them.
        """
        noisy = corrupt(
            X,
            noise=self.noise,
            noise_factor=self.noise_factor,
            clip_range=self.clip_range,
            feature_groups=getattr(self, "feature_groups", None),
            random_state=self.random_state,
        )
        try:
            adapter = _get_adapter_from_container(X)
        except ValueError:  # not a DataFrame
            return noisy
        return adapter.create_container(noisy, X, columns=X.columns, inplace=False)

    def __call__(self, estimator, X, y=None, **kwargs):
        X_clean = X
        X_noisy = self.corrupt(X)
        if self.scoring is not None:
            scorer = (
                get_scorer(self.scoring)
                if isinstance(self.scoring, str)
                else self.scoring
            )
            return scorer(estimator, X_noisy, y, **kwargs)
        found = _final_autoencoder(estimator)
        if found is None:
            raise ValueError(
                "make_corrupted_scorer(scoring=None) scores how well the "
                "DenoisingAutoencoderTransformer that ends an estimator denoises, "
                f"and none ends {type(estimator).__name__} (looked through "
                "pipelines, nested pipelines and fitted searches). Pass a scoring, "
                "e.g. make_corrupted_scorer('accuracy', ...)."
            )
        autoencoder, before = found
        for step in before:
            X_noisy, X_clean = step.transform(X_noisy), step.transform(X_clean)
        return autoencoder.score(X_noisy, X_clean=np.asarray(X_clean))

    def __repr__(self):
        return (
            f"make_corrupted_scorer({self.scoring!r}, noise={self.noise!r}, "
            f"noise_factor={self.noise_factor!r}, clip_range={self.clip_range!r}, "
            f"random_state={self.random_state!r})"
        )


def _final_autoencoder(estimator):
    """``(autoencoder, [steps before it])``, or None when none ends ``estimator``.

    Looks through pipelines (nested ones too) to their last step, and
    through fitted meta-estimators that wrap one fitted estimator: searches
    (``best_estimator_``) and wrappers with ``estimator_`` (dask-ml's
    ``Incremental``, ...). Scoring those with their own ``score`` would
    corrupt the data a second time, with their own scorer.
    """
    if isinstance(estimator, DenoisingAutoencoderTransformer):
        return estimator, []
    if isinstance(estimator, Pipeline):
        found = _final_autoencoder(estimator.steps[-1][1])
        if found is None:
            return None
        autoencoder, before = found
        head = [estimator[:-1]] if len(estimator) > 1 else []
        return autoencoder, head + before
    for attribute in ("best_estimator_", "estimator_"):
        inner = getattr(estimator, attribute, None)
        if inner is not None and inner is not estimator:
            return _final_autoencoder(inner)
    return None
