"""What to train: a frozen plan resolved from the parameters and the data.

``fit`` and ``partial_fit`` resolve everything that depends on the
estimator's parameters and on the data here, in NumPy, before TensorFlow
sees anything: the loss and output activation, the clip range, the
salt-and-pepper values, the sample weights, the seeds, the held-out split,
the batch size, the number of epochs and the stopping rule. The result is a
:class:`Plan`, which :mod:`skdae._fitting` trains and saves. Nothing here
imports TensorFlow.
"""

import warnings
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ._corruption import check_noise_factor, group_ids
from ._training_data import (
    aligned_float32,
    held_out_split,
    in_unit_interval,
    normalized_sample_weight,
)

# epochs="auto" trains for about this many gradient steps, within these
# bounds on the number of epochs.
AUTO_STEPS = 5000
AUTO_EPOCHS = (20, 250)
# noise_factor="auto": for data in [0, 1] (the classic recipe), and otherwise.
AUTO_NOISE_FACTOR = {True: 0.5, False: 0.2}
# Swap noise's usual fraction in the tabular denoising autoencoders.
AUTO_SWAP_FRACTION = 0.15


def auto_noise_factor(noise, unit_interval):
    """The noise factor ``noise_factor="auto"`` stands for."""
    if noise == "swap":
        return AUTO_SWAP_FRACTION
    return AUTO_NOISE_FACTOR[unit_interval]


# The parameters a fitted network is built for: partial_fit cannot change them.
SETUP = (
    "hidden_layer_sizes",
    "activation",
    "output_activation",
    "loss",
    "optimizer",
    "noise",
    "clip_range",
    "feature_groups",
    "model",
)


@dataclass(frozen=True)
class Plan:
    """One training call, resolved. ``rows`` of ``X`` are trained on."""

    X: np.ndarray  # float32, 64-byte aligned (see aligned_float32)
    rows: np.ndarray
    weights: np.ndarray  # float32, mean 1, one per row of X
    validation: tuple | None  # (noisy, clean, weights), float32
    model: object  # None: the Dense network; else the user's builder
    hidden_layer_sizes: tuple
    activation: str
    output_activation: str | None  # None: the user's network decides
    loss: str | None  # None: the user's network's output decides
    loss_parameter: str
    unit_interval: bool
    optimizer: str
    learning_rate: float
    noise: str
    noise_factor: float
    corrupted_loss_weight: float
    clip_range: tuple | None
    value_range: tuple
    groups: list | None  # each feature's group (feature_groups), or None
    seed: int
    rng: np.random.RandomState
    batch_size: int
    epochs: int
    initial_epoch: int
    plateau: tuple | None  # (tol, patience) on the training loss
    early_stopping: tuple | None  # (min_delta, patience) on the held-out loss

    @property
    def architecture(self):
        """The Dense network's architecture: plain values, saved and checked."""
        return {
            "n_features": int(self.X.shape[1]),
            "hidden_layer_sizes": list(self.hidden_layer_sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "loss": self.loss,
            "optimizer": self.optimizer,
            "corruption": {
                "noise": self.noise,
                "clip_range": self.clip_range,
                "value_range": self.value_range,
                "groups": self.groups,
            },
        }


def new_network_plan(estimator, X, sample_weight, *, partial):
    """The plan of a fit, or of a first ``partial_fit`` (one epoch, no split)."""
    hidden = check_hidden_layer_sizes(estimator.hidden_layer_sizes)
    X32 = aligned_float32(X)
    weights = normalized_sample_weight(sample_weight, X)
    unit_interval = in_unit_interval(X)
    noise_factor = estimator.noise_factor
    if noise_factor == "auto":
        noise_factor = auto_noise_factor(estimator.noise, unit_interval)
    check_noise_factor(estimator.noise, noise_factor)
    groups = group_ids(estimator.feature_groups, X.shape[1], estimator.noise)
    output_activation = loss = None  # a user's network: known once built
    if estimator.model is None:
        output_activation = estimator.output_activation
        if output_activation == "auto":
            output_activation = "sigmoid" if unit_interval else "linear"
        loss = resolved_loss(
            output_activation, loss=estimator.loss, unit_interval=unit_interval
        )
    clip_range = check_clip_range(estimator.clip_range, unit_interval)
    value_range = (0.0, 1.0)
    if estimator.noise == "salt_and_pepper":
        value_range = salt_and_pepper_values(X, unit_interval)
        if partial and not unit_interval:
            _warn_constant_salt_and_pepper(value_range)
    seed, rng = seed_and_rng(estimator.random_state)
    rows, validation = np.arange(X.shape[0]), None
    fraction = estimator.validation_fraction
    if fraction is None and estimator.early_stopping:
        fraction = 0.1
    if not partial and fraction is not None:
        rows, validation = held_out_split(
            X32,
            weights,
            fraction,
            noise=estimator.noise,
            noise_factor=noise_factor,
            rng=rng,
            clip_range=clip_range,
            value_range=value_range,
            feature_groups=estimator.feature_groups,
            setting=(
                f"validation_fraction={fraction}"
                if estimator.validation_fraction is not None
                else f"early_stopping=True, which holds out {fraction:.0%},"
            ),
        )
    batch_size = resolved_batch_size(estimator.batch_size, len(rows))
    epochs = 1 if partial else resolved_epochs(estimator.epochs, len(rows), batch_size)
    tol, patience = estimator.tol, estimator.patience
    return Plan(
        X=X32,
        rows=rows,
        weights=weights,
        validation=validation,
        model=estimator.model,
        hidden_layer_sizes=hidden,
        activation=estimator.activation,
        output_activation=output_activation,
        loss=loss,
        loss_parameter=estimator.loss,
        unit_interval=unit_interval,
        optimizer=estimator.optimizer,
        learning_rate=float(estimator.learning_rate),
        noise=estimator.noise,
        noise_factor=float(noise_factor),
        corrupted_loss_weight=float(estimator.corrupted_loss_weight),
        clip_range=clip_range,
        value_range=value_range,
        groups=None if groups is None else groups.tolist(),
        seed=seed,
        rng=rng,
        batch_size=batch_size,
        epochs=epochs,
        initial_epoch=0,
        # Stop when the training loss stops improving, unless the held-out
        # loss decides (early_stopping) or partial_fit trains.
        plateau=(
            (tol, patience)
            if not partial and tol is not None and not estimator.early_stopping
            else None
        ),
        early_stopping=(
            (tol or 0.0, patience) if not partial and estimator.early_stopping else None
        ),
    )


def more_training_plan(estimator, X, sample_weight):
    """The plan of a later ``partial_fit``: one more epoch of the fitted network.

    The setup cannot change, and the data must fit the choices the first
    chunk made (see ``partial_fit``).
    """
    changed = [
        name
        for name, value in training_setup(estimator).items()
        # A setting saved before it existed had its default, None.
        if value != estimator._setup_.get(name)
    ]
    if changed:
        raise ValueError(
            f"partial_fit cannot change {', '.join(changed)} of a fitted "
            "network; only learning_rate, noise_factor and "
            "corrupted_loss_weight may change between calls. Call fit to train "
            "a new network."
        )
    noise_factor = estimator.noise_factor
    if noise_factor == "auto":  # the choice for the first call's data
        noise_factor = getattr(estimator, "_auto_noise_factor_", None)
        if noise_factor is None:  # fitted by skdae 0.2, which had no "auto"
            noise_factor = auto_noise_factor(estimator.noise, in_unit_interval(X))
    check_noise_factor(estimator.noise, noise_factor)
    if estimator.loss_ == "binary_crossentropy" and not in_unit_interval(X):
        raise ValueError(
            "The network was trained with loss='binary_crossentropy', which "
            "needs data in [0, 1]; X has values outside it."
        )
    _check_later_chunk(estimator, X)
    n_iter = estimator.n_iter_
    return Plan(
        X=aligned_float32(X),
        rows=np.arange(X.shape[0]),
        weights=normalized_sample_weight(sample_weight, X),
        validation=None,
        model=estimator.model,
        hidden_layer_sizes=(),
        activation=estimator.activation,
        output_activation=estimator.output_activation_,
        loss=estimator.loss_,
        loss_parameter=estimator.loss,
        unit_interval=in_unit_interval(X),
        optimizer=estimator.optimizer,
        learning_rate=float(estimator.learning_rate),
        noise=estimator.noise,
        noise_factor=float(noise_factor),
        corrupted_loss_weight=float(estimator.corrupted_loss_weight),
        clip_range=estimator.clip_range_,
        value_range=estimator._value_range_,
        groups=estimator._architecture_.get("corruption", {}).get("groups"),
        seed=estimator._seed_,
        # A new, reproducible shuffling order for every call.
        rng=np.random.RandomState((estimator._seed_ + n_iter) % 2**32),
        batch_size=resolved_batch_size(estimator.batch_size, X.shape[0]),
        epochs=n_iter + 1,
        initial_epoch=n_iter,
        plateau=None,
        early_stopping=None,
    )


def training_setup(estimator):
    """The parameters a fitted network is built for, as plain values."""
    setup = {name: getattr(estimator, name) for name in SETUP}
    if not isinstance(setup["hidden_layer_sizes"], Integral):
        setup["hidden_layer_sizes"] = tuple(setup["hidden_layer_sizes"])
    if isinstance(setup["clip_range"], list):
        setup["clip_range"] = tuple(setup["clip_range"])
    if setup["feature_groups"] is not None:
        setup["feature_groups"] = [
            np.asarray(group).tolist() for group in setup["feature_groups"]
        ]
    return setup


def check_hidden_layer_sizes(sizes):
    original = sizes
    if isinstance(sizes, Integral):
        sizes = (sizes,)
    sizes = tuple(sizes)
    if len(sizes) == 0:
        raise ValueError("hidden_layer_sizes must contain at least one layer.")
    for size in sizes:
        if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
            raise ValueError(
                f"hidden_layer_sizes must contain positive integers, got {original!r}."
            )
    return tuple(int(s) for s in sizes)


def check_clip_range(clip_range, unit_interval):
    if clip_range is None:
        return None
    if isinstance(clip_range, str):  # "auto"
        return (0.0, 1.0) if unit_interval else None
    try:
        clip_low, clip_high = (float(v) for v in clip_range)
    except (TypeError, ValueError):
        clip_low = clip_high = np.nan
    if not clip_low < clip_high:
        raise ValueError(
            "clip_range must be 'auto', None or a (low, high) tuple with "
            f"low < high, got {clip_range!r}."
        )
    return (clip_low, clip_high)


def resolved_loss(output_activation, *, loss, unit_interval):
    """``loss``, or the "auto" choice for ``output_activation``; checked."""
    if loss == "auto":
        # Binary cross-entropy needs targets and outputs in [0, 1].
        sigmoid = output_activation == "sigmoid"
        loss = "binary_crossentropy" if sigmoid and unit_interval else "mse"
    if loss == "binary_crossentropy":
        if not unit_interval:
            raise ValueError(
                "loss='binary_crossentropy' needs training data in [0, 1]; "
                "scale X with MinMaxScaler or use loss='mse' (or 'auto')."
            )
        if output_activation != "sigmoid":
            raise ValueError(
                "loss='binary_crossentropy' needs outputs in [0, 1], i.e. a "
                "sigmoid output (output_activation='sigmoid' or 'auto'), got "
                f"output activation {output_activation!r}."
            )
    return loss


def seed_and_rng(random_state):
    """An int seed for the network and a RandomState for the rest of the fit.

    None draws fresh entropy, leaving NumPy's and Python's global generators
    alone.
    """
    if random_state is None:
        seed = int(np.random.default_rng().integers(2**31 - 1))
        return seed, np.random.RandomState(seed)
    rng = check_random_state(random_state)
    return int(rng.randint(2**31 - 1)), rng


def salt_and_pepper_values(X, unit_interval):
    """Pepper and salt: 0 and 1 for [0, 1] data, else each feature's range."""
    if unit_interval:
        return (0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN features
        low, high = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    return (np.nan_to_num(low).tolist(), np.nan_to_num(high).tolist())


def resolved_batch_size(batch_size, n_samples):
    """``batch_size``, or the "auto" choice for ``n_samples`` training rows.

    64 up to 12,800 rows, so that small data sets get enough gradient steps,
    then ``n_samples // 200`` up to 256, which uses a CPU's cores better on
    large ones (60,000 rows: 256).
    """
    if batch_size == "auto":
        return int(min(max(n_samples // 200, 64), 256, n_samples))
    return batch_size


def resolved_epochs(epochs, n_samples, batch_size):
    """``epochs``, or the "auto" choice: about ``AUTO_STEPS`` gradient steps.

    1,198 digits in batches of 64: 250 epochs (4,750 steps); 60,000 images
    in batches of 256: 22 epochs (5,170 steps).
    """
    if epochs == "auto":
        steps_per_epoch = -(-n_samples // batch_size)
        low, high = AUTO_EPOCHS
        return int(min(max(-(-AUTO_STEPS // steps_per_epoch), low), high))
    return epochs


def _warn_constant_salt_and_pepper(value_range):
    low, high = (np.asarray(v) for v in value_range)
    constant = int(np.sum(low == high))
    if constant:
        warnings.warn(
            "The salt-and-pepper values of data outside [0, 1] are each "
            "feature's minimum and maximum in the first partial_fit chunk, and "
            f"{constant} of {low.size} features are constant in it: their "
            "pepper equals their salt, so they are never corrupted. Scale the "
            "data to [0, 1] (0 and 1 are then used), or start with a chunk that "
            "covers each feature's range.",
            UserWarning,
            stacklevel=5,
        )


def _check_later_chunk(estimator, X):
    """Refuse or flag a ``partial_fit`` chunk that the choices made on the
    first chunk do not fit."""
    if (
        estimator.clip_range == "auto"
        and estimator.clip_range_ is not None
        and not in_unit_interval(X)
    ):
        raise ValueError(
            "clip_range='auto' was decided on the first partial_fit chunk, "
            "which lay in [0, 1]: corrupted inputs are clipped to [0, 1]. "
            "This chunk has values outside [0, 1], which would be clipped "
            "silently while training. Scale every chunk alike (e.g. with a "
            "MinMaxScaler fitted on representative data), or pass clip_range "
            "explicitly (None or a (low, high) tuple) and start over with fit."
        )
    value_range = estimator._value_range_
    if estimator.noise == "salt_and_pepper" and value_range != (0.0, 1.0):
        low, high = (np.asarray(v) for v in value_range)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN features
            outside = (np.nanmin(X, axis=0) < low) | (np.nanmax(X, axis=0) > high)
        if outside.any():
            warnings.warn(
                f"{int(outside.sum())} of {X.shape[1]} features of this "
                "partial_fit chunk leave the range seen in the first chunk, "
                "whose minimum and maximum are the salt-and-pepper values. "
                "Scale the data to [0, 1] (0 and 1 are then used), or start "
                "with a chunk that covers each feature's range.",
                UserWarning,
                stacklevel=5,
            )
