"""The scikit-learn estimator: :class:`DenoisingAutoencoderTransformer`."""

import json
import threading
import warnings
from contextlib import contextmanager
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from . import _backend
from ._corruption import NOISE_TYPES, check_noise_factor, corrupt
from ._forward import ACTIVATIONS, by_dtype, dense_stack, forward
from ._options import LOSSES, OPTIMIZERS


class DenoisingAutoencoderTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Denoising autoencoder as a scikit-learn transformer.

    A fully connected Keras autoencoder is trained to reconstruct clean inputs
    from corrupted ones. The corruption is drawn afresh for every batch inside
    the model while fitting, and never applied in :meth:`transform`, which
    returns the denoised reconstruction (or the code, for dimensionality
    reduction as with :class:`~sklearn.decomposition.PCA`).

    The defaults train to convergence on the data sizes scikit-learn users
    have: about 5,000 gradient steps (``epochs="auto"``) in batches sized to
    the data (``batch_size="auto"``), with the classic Keras denoising
    network (a 784-128-64-32-64-128-784 chain for MNIST, ReLU, a sigmoid
    output trained with binary cross-entropy on [0, 1] data, Adam) and
    Gaussian noise of standard deviation 0.5 clipped to [0, 1]. The classic
    experiment's own budget, 100 epochs of batch 256 at Adam's default
    learning rate, is ``epochs=100, batch_size=256, learning_rate=1e-3``.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(128, 64, 32)
        Widths of the encoder's Dense layers. The decoder mirrors them and the
        last one is the width of the code. Ignored when ``model`` is given.

    noise : {"gaussian", "masking", "salt_and_pepper"}, default="gaussian"
        Corruption applied while fitting. ``"gaussian"`` adds
        ``noise_factor * N(0, 1)``, ``"masking"`` zeroes a random fraction
        ``noise_factor`` of the inputs, ``"salt_and_pepper"`` sets a random
        fraction ``noise_factor`` to a low or a high value, half each: 0 and 1
        for data in [0, 1], each feature's training minimum and maximum
        otherwise.

    noise_factor : float, default=0.5
        Standard deviation of the Gaussian noise, or the corrupted fraction
        (at most 1) for masking and salt-and-pepper. 0 trains a plain
        autoencoder.

    clip_range : "auto", tuple of (float, float) or None, default="auto"
        Range the corrupted inputs are clipped to. ``"auto"`` clips to
        ``(0, 1)`` when the training data lie in [0, 1], as in the classic
        recipe, and does not clip otherwise; None never clips.

    activation : str, default="relu"
        Activation of the hidden layers: one of ``"relu"``, ``"elu"``,
        ``"selu"``, ``"gelu"``, ``"leaky_relu"``, ``"swish"``, ``"silu"``,
        ``"softplus"``, ``"tanh"``, ``"sigmoid"``, ``"linear"``.

    output_activation : "auto" or str, default="auto"
        Activation of the reconstruction layer. ``"auto"`` picks
        ``"sigmoid"`` when the training data lie in [0, 1] and ``"linear"``
        otherwise (e.g. standardized data). The choice is stored in
        ``output_activation_``.

    loss : {"auto", "binary_crossentropy", "mse", "mae", "huber"}, \
            default="auto"
        Reconstruction loss. ``"auto"`` picks binary cross-entropy when the
        training data lie in [0, 1] and mean squared error otherwise. The
        choice is stored in ``loss_``.

    optimizer : str, default="adam"
        Keras optimizer: ``"adam"``, ``"adamw"``, ``"nadam"``, ``"adamax"``,
        ``"rmsprop"``, ``"sgd"``, ``"adagrad"`` or ``"lion"``.

    learning_rate : float, default=2e-3
        Learning rate of the optimizer.

    epochs : int or "auto", default="auto"
        Passes over the training data, at most (``tol`` and
        ``early_stopping`` can stop sooner). ``"auto"`` trains for about
        5,000 gradient steps, within 20 to 250 epochs: 250 epochs on 1,200
        digits in batches of 64, 22 on 60,000 images in batches of 256. On
        small data the training loss flattens long before the network stops
        improving as a denoiser, so the default trains for a budget of steps
        rather than stopping on the loss. ``n_iter_`` is the number trained.

    batch_size : int or "auto", default="auto"
        Samples per gradient step; each batch gets its own noise. ``"auto"``
        is 64 up to 12,800 training samples, then ``n_samples // 200``, at
        most 256.

    tol : float or None, default=None
        With a float, stop when the training loss has not improved on its
        best by at least ``tol`` for ``patience`` epochs, as
        :class:`~sklearn.neural_network.MLPRegressor` does (it uses 1e-4);
        with ``early_stopping=True`` it is the held-out loss's least
        improvement instead. None trains for ``epochs`` epochs.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data and stop when
        the denoising loss on it has not improved for ``patience`` epochs,
        restoring the best weights.

    validation_fraction : float or None, default=None
        Fraction of the training data held out to measure denoising: the
        held-out samples are corrupted once (seeded by ``random_state``) and
        their reconstruction is scored against the clean samples, as
        ``val_loss`` in ``history_``. None holds out nothing, unless
        ``early_stopping=True``, which then holds out 0.1.

    patience : int, default=10
        Epochs without improvement (of the held-out loss with
        ``early_stopping``, of the training loss with ``tol``) before
        stopping.

    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks, used as given, as in ``keras.Model.fit``: they
        can record what happens during fitting. Their ``model`` is detached
        when fitting ends, so that the estimator's parameters never hold the
        network; :func:`~sklearn.base.clone` deep-copies them.

    verbose : int, default=0
        Keras's verbosity: 0 is silent, 1 shows a progress bar, 2 one line
        per epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the noise, the shuffling and the validation split.
        An int gives reproducible fits.

    transform_output : {"denoised", "encoded"}, default="denoised"
        What :meth:`transform` returns: the denoised reconstruction, with the
        width of the input, or the code (dimensionality reduction).

    model : callable or None, default=None
        The network. None builds a Dense chain from ``hidden_layer_sizes``,
        ``activation`` and ``output_activation``. A callable
        ``model(n_features)`` (a module-level function or a
        :func:`functools.partial`, e.g. of a builder in
        :mod:`skdae.architectures`) returns an uncompiled ``keras.Model``
        mapping inputs of shape ``(n_features,)`` to outputs of that shape;
        skdae puts its corruption layer in front of it, compiles it with
        ``loss``, ``optimizer`` and ``learning_rate`` and trains it.
        ``output_activation`` is then the network's own, read from its last
        layer that has an activation. A layer named ``"code"`` enables
        ``transform_output="encoded"``, and :meth:`inverse_transform` when
        the layers after it form a chain. Initializers and random layers
        without a seed of their own are seeded from ``random_state``.

    Attributes
    ----------
    model_ : keras.Model
        The trained autoencoder, corruption layer included (it is inactive
        outside training), built from the fitted state on first access.
        Export it with ``model_.save("dae.keras")``.

    encoder_ : keras.Model or None
        Input to code; shares its layers with ``model_``. None for a user's
        network without a ``"code"`` layer.

    decoder_ : keras.Model or None
        Code to reconstruction; shares its layers with ``model_``. None when
        the layers after the code do not form a chain.

    history_ : dict of str to list of float
        Per-epoch ``loss`` (and ``val_loss`` with validation).

    n_iter_ : int
        Epochs trained.

    output_activation_ : str
        Output activation used.

    loss_ : str
        Loss used.

    clip_range_ : tuple of (float, float) or None
        Range the corrupted training inputs were clipped to.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    sklearn.decomposition.PCA : Linear dimensionality reduction.
    sklearn.neural_network.MLPRegressor : Multi-layer perceptron regressor.

    Notes
    -----
    Noise is drawn fresh for every batch from Keras's stateless random
    generators, seeded from ``random_state``: Gaussian noise is exactly
    i.i.d. normal. An epoch runs as one compiled TensorFlow call. Fits of an
    architecture already fitted in the process reuse its traced training
    step, re-initialised in place, which makes small refits (as in a search)
    cheap; the results are those of a new network.

    The fitted state is plain (the network's Keras configuration as JSON and
    its weights as NumPy arrays), so the transformer pickles and saves with
    skops without live Keras objects. :meth:`transform` runs a Dense chain in
    NumPy with those weights, and other networks through a compiled Keras
    function: both are much faster than ``model_.predict``. Modifying
    ``model_`` does not affect the transformer.

    References
    ----------
    P. Vincent, H. Larochelle, Y. Bengio and P.-A. Manzagol, "Extracting and
    composing robust features with denoising autoencoders", ICML 2008.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdae import DenoisingAutoencoderTransformer
    >>> X, _ = load_digits(return_X_y=True)
    >>> X = X / 16.0
    >>> dae = DenoisingAutoencoderTransformer((32, 16), epochs=2, random_state=0)
    >>> dae.fit_transform(X).shape
    (1797, 64)
    >>> dae.set_params(transform_output="encoded").transform(X).shape
    (1797, 16)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "noise": [StrOptions(set(NOISE_TYPES))],
        "noise_factor": [Interval(Real, 0, None, closed="left")],
        "clip_range": [StrOptions({"auto"}), tuple, None],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "output_activation": [StrOptions({"auto"} | set(ACTIVATIONS))],
        "loss": [StrOptions({"auto", *LOSSES})],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "callbacks": [list, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "transform_output": [StrOptions({"denoised", "encoded"})],
        "model": [callable, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 64, 32),
        *,
        noise="gaussian",
        noise_factor=0.5,
        clip_range="auto",
        activation="relu",
        output_activation="auto",
        loss="auto",
        optimizer="adam",
        learning_rate=2e-3,
        epochs="auto",
        batch_size="auto",
        tol=None,
        early_stopping=False,
        validation_fraction=None,
        patience=10,
        callbacks=None,
        verbose=0,
        random_state=None,
        transform_output="denoised",
        model=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.noise = noise
        self.noise_factor = noise_factor
        self.clip_range = clip_range
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.transform_output = transform_output
        self.model = model

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Train the autoencoder to reconstruct ``X`` from corrupted copies.

        If fitting fails (bad input, diverged training, ...), the estimator
        keeps the fitted state it had before the call, or stays unfitted.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, finite. Scale it first (e.g. to [0, 1] with
            :class:`~sklearn.preprocessing.MinMaxScaler`, or standardize it).
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the loss. They are
            rescaled to mean 1, so only their ratios matter: a weight of 2
            counts a sample twice as much as a weight of 1.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        with _fitted_state_restored_on_error(self):
            X = validate_data(self, X, dtype="numeric")
            if X.dtype.kind not in "f" or X.dtype not in (np.float32, np.float64):
                # Integers (and other floats) go straight to the float32
                # buffer training reads: the one copy a fit makes.
                X = _backend.keras_side().training.aligned_float32(X)
            self._fit_new(X, sample_weight, epochs=None, hold_out=True)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch on ``X``, continuing from the current network.

        The first call builds the network from ``X``, like :meth:`fit` with
        ``epochs=1``; later calls must have the same features. No validation
        data are held out and early stopping does not apply: every sample
        is trained on, and epochs trained by ``partial_fit`` record NaN as
        their ``val_loss`` in ``history_`` when an earlier :meth:`fit`
        recorded one.

        As in scikit-learn's SGD estimators, ``learning_rate`` and
        ``noise_factor`` are read at every call, so changes made with
        ``set_params`` between calls take effect. Changes to the network or
        the training setup (``hidden_layer_sizes``, ``activation``,
        ``output_activation``, ``loss``, ``optimizer``, ``noise``,
        ``clip_range``, ``model``) cannot, and raise a ValueError: call
        :meth:`fit` to start over.

        The choices that depend on the data are made on the first chunk and
        kept: the "auto" loss, output activation and clip range (whether the
        chunk lies in [0, 1]) and, for salt-and-pepper noise on data outside
        [0, 1], each feature's minimum and maximum as the pepper and salt
        values. A later chunk outside [0, 1] when the first chunk decided to
        clip to it raises a ValueError rather than being clipped silently;
        a first chunk with constant features, or a later chunk outside its
        range, warns under salt-and-pepper noise.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the loss, rescaled to
            mean 1 within the call.

        Returns
        -------
        self : object
            Transformer trained for one more epoch.
        """
        with _fitted_state_restored_on_error(self):
            # Not hasattr(self, "model_"): that would build the Keras model.
            first_call = not self.__sklearn_is_fitted__()
            X = validate_data(self, X, dtype=[np.float32, np.float64], reset=first_call)
            if first_call:
                self._fit_new(X, sample_weight, epochs=1, hold_out=False)
            else:
                self._train_one_more_epoch(X, sample_weight)
        return self

    def _fit_new(self, X, sample_weight, *, epochs, hold_out):
        """Train a new network on ``X`` for ``epochs`` epochs."""
        hidden = self._check_hidden_layer_sizes()
        check_noise_factor(self.noise, self.noise_factor)
        weights = _normalized_sample_weight(sample_weight, X)
        unit_interval = _in_unit_interval(X)
        if self.model is None:
            output_activation, loss = self._resolve_output_and_loss(unit_interval)
        else:  # known once the user's network is built
            output_activation, loss = None, None
        clip_range = self._check_clip_range(unit_interval)
        value_range = (0.0, 1.0)
        if self.noise == "salt_and_pepper":
            value_range = _salt_and_pepper_values(X, unit_interval)
            if not hold_out and not unit_interval:  # partial_fit's first chunk
                _warn_constant_salt_and_pepper(value_range)
        seed, rng = _seed_and_rng(self.random_state)

        side = _backend.keras_side()
        X32 = side.training.aligned_float32(X)
        rows = np.arange(X.shape[0])
        callbacks = list(self.callbacks or [])
        validation_data = None
        fraction = self.validation_fraction
        if fraction is None and self.early_stopping:
            fraction = 0.1
        if hold_out and fraction is not None:
            rows, validation_data = self._split_validation(
                X32, weights, fraction, rng, clip_range, value_range
            )
        if hold_out and self.early_stopping:
            callbacks.append(
                side.keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    min_delta=self.tol or 0.0,
                    patience=self.patience,
                    restore_best_weights=True,
                )
            )
        architecture = {
            "n_features": X.shape[1],
            "hidden_layer_sizes": list(hidden),
            "activation": self.activation,
            "output_activation": output_activation,
            "loss": loss,
            "optimizer": self.optimizer,
            "corruption": {
                "noise": self.noise,
                "clip_range": clip_range,
                "value_range": value_range,
            },
        }
        batch_size = _batch_size(self.batch_size, len(rows))
        if epochs is None:  # fit: the epochs parameter
            epochs = _epochs(self.epochs, len(rows), batch_size)
        train = partial(
            side.training.train,
            X=X32,
            rows=rows,
            sample_weight=weights,
            batch_size=batch_size,
            epochs=epochs,
            initial_epoch=0,
            # Stop when the training loss stops improving, unless the
            # held-out loss decides (early_stopping) or partial_fit trains.
            plateau=(
                (self.tol, self.patience)
                if hold_out and self.tol is not None and not self.early_stopping
                else None
            ),
            callbacks=callbacks,
            validation_data=validation_data,
            verbose=self.verbose,
            rng=rng,
        )
        keras_models = None
        if self.model is None:
            build_fn = partial(
                side.model.build_autoencoder,
                n_features=X.shape[1],
                hidden_layer_sizes=hidden,
                activation=self.activation,
                output_activation=output_activation,
                corruption={**architecture["corruption"], "noise_factor": 0.0},
                loss=loss,
                optimizer=self.optimizer,
                learning_rate=float(self.learning_rate),
                seed=seed,
            )
            with side.training.pooled_trainer(
                _pool_key(architecture, side.keras),
                build=lambda: side.scikeras.build_model(build_fn, X32[:1]),
                loss=loss,
            ) as trainer:
                if trainer.reinitializer is None:
                    trainer.reinitializer = side.model.Reinitializer(trainer.model)
                trainer.reinitializer(
                    seed=seed,
                    noise_factor=float(self.noise_factor),
                    learning_rate=float(self.learning_rate),
                )
                history = train(trainer)
                network = side.persistence.network_state(trainer.model)
            _check_converged(history, network, self.learning_rate)
        else:
            # A user's network is built anew and owned from the start.
            model = side.scikeras.build_model(
                partial(
                    side.model.build_custom_autoencoder,
                    network=self.model,
                    n_features=X.shape[1],
                    corruption={
                        **architecture["corruption"],
                        "noise_factor": float(self.noise_factor),
                    },
                    resolve_loss=partial(
                        _resolved_loss, loss=self.loss, unit_interval=unit_interval
                    ),
                    optimizer=self.optimizer,
                    learning_rate=float(self.learning_rate),
                    seed=seed,
                ),
                X32[:1],
            )
            output_activation, loss = side.model.output_activation_of(model), model.loss
            # Refuse a network that could not be saved and loaded before
            # training it, not when it is copied or loaded.
            config = side.persistence.user_network_config(model)
            history = train(side.training.Trainer(model, loss))
            network = side.persistence.network_state(model, dense=False, config=config)
            _check_converged(history, network, self.learning_rate)
            architecture = {
                "network": "user",
                "loss": loss,
                "optimizer": self.optimizer,
            }
            keras_models = (model, *side.model.split_autoencoder(model))
        # Keras models and compiled inference, made on first use; a dict
        # filled in place, so that using them does not change vars(self).
        self._keras_cache = {} if keras_models is None else {"models": keras_models}
        self.history_ = history
        self.n_iter_ = len(history["loss"])
        self.output_activation_ = output_activation
        self.loss_ = loss
        self.clip_range_ = clip_range
        self._value_range_ = value_range
        self._seed_ = seed
        self._architecture_ = architecture
        self._setup_ = self._training_setup()
        self._set_network(network)

    def _train_one_more_epoch(self, X, sample_weight):
        changed = [
            name
            for name, value in self._training_setup().items()
            if value != self._setup_[name]
        ]
        if changed:
            raise ValueError(
                f"partial_fit cannot change {', '.join(changed)} of a fitted "
                "network; only learning_rate and noise_factor may change between "
                "calls. Call fit to train a new network."
            )
        check_noise_factor(self.noise, self.noise_factor)
        weights = _normalized_sample_weight(sample_weight, X)
        if self.loss_ == "binary_crossentropy":
            _check_binary_crossentropy_data(X)
        self._check_later_chunk(X)
        side = _backend.keras_side()
        # A new, reproducible shuffling order for every call.
        rng = np.random.RandomState((self._seed_ + self.n_iter_) % 2**32)
        network = self._network_
        architecture = self._architecture_
        with side.training.pooled_trainer(
            _pool_key({**architecture, "config": network["config"]}, side.keras),
            build=lambda: side.persistence.rebuild_network(network, architecture),
            loss=self.loss_,
        ) as trainer:
            model = trainer.model
            side.persistence.assign_network(model, network)
            model.optimizer.learning_rate.assign(float(self.learning_rate))
            noise_factor = side.model.corruption_layer(model).noise_factor
            noise_factor.assign(float(self.noise_factor))
            new = side.training.train(
                trainer,
                side.training.aligned_float32(X),
                rows=np.arange(X.shape[0]),
                sample_weight=weights,
                batch_size=_batch_size(self.batch_size, X.shape[0]),
                epochs=self.n_iter_ + 1,
                plateau=None,
                initial_epoch=self.n_iter_,
                callbacks=list(self.callbacks or []),
                validation_data=None,
                verbose=self.verbose,
                rng=rng,
            )
            network = side.persistence.network_state(
                model,
                dense=network["dense"] is not None,
                config=network["config"],  # partial_fit changes no architecture
            )
        # On divergence the fitted network is left as it was.
        _check_converged(new, network, self.learning_rate)
        history = {}
        for key in [*self.history_, *(k for k in new if k not in self.history_)]:
            old = self.history_.get(key, [np.nan] * self.n_iter_)
            history[key] = old + new.get(key, [np.nan])
        self.history_ = history
        self.n_iter_ += 1
        self._set_network(network)
        if "models" in self._keras_cache:  # keep model_ in step, in place
            side.persistence.assign_network(self._keras_cache["models"][0], network)

    def _check_later_chunk(self, X):
        """Refuse or flag a ``partial_fit`` chunk that the choices made on the
        first chunk do not fit."""
        if (
            self.clip_range == "auto"
            and self.clip_range_ is not None
            and not _in_unit_interval(X)
        ):
            raise ValueError(
                "clip_range='auto' was decided on the first partial_fit chunk, "
                "which lay in [0, 1]: corrupted inputs are clipped to [0, 1]. "
                "This chunk has values outside [0, 1], which would be clipped "
                "silently while training. Scale every chunk alike (e.g. with a "
                "MinMaxScaler fitted on representative data), or pass clip_range "
                "explicitly (None or a (low, high) tuple) and start over with fit."
            )
        value_range = getattr(self, "_value_range_", (0.0, 1.0))
        if self.noise == "salt_and_pepper" and value_range != (0.0, 1.0):
            low, high = (np.asarray(v) for v in value_range)
            outside = (X.min(axis=0) < low) | (X.max(axis=0) > high)
            if outside.any():
                warnings.warn(
                    f"{int(outside.sum())} of {X.shape[1]} features of this "
                    "partial_fit chunk leave the range seen in the first chunk, "
                    "whose minimum and maximum are the salt-and-pepper values. "
                    "Scale the data to [0, 1] (0 and 1 are then used), or start "
                    "with a chunk that covers each feature's range.",
                    UserWarning,
                    stacklevel=3,
                )

    def _set_network(self, network):
        self._forward_layers_ = None
        if network["dense"] is not None:
            self._forward_layers_ = by_dtype(dense_stack(network))
        self._network_ = network

    @property
    def model_(self):
        """The trained autoencoder as a compiled Keras model.

        Built from the fitted state on first access (later accesses return
        the same model); :meth:`partial_fit` updates it in place.
        """
        return self._keras_model_views()[0]

    @property
    def encoder_(self):
        """Input to code, a Keras model sharing its layers with ``model_``."""
        return self._keras_model_views()[1]

    @property
    def decoder_(self):
        """Code to reconstruction, sharing its layers with ``model_``."""
        return self._keras_model_views()[2]

    def _keras_model_views(self):
        """``(model, encoder, decoder)``, built on first use."""
        if "_network_" not in self.__dict__:
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet."
            )
        with _KERAS_CACHE_LOCK:
            if "models" not in self._keras_cache:
                side = _backend.keras_side()
                model = side.persistence.rebuild_network(
                    self._network_, self._architecture_
                )
                models = (model, *side.model.split_autoencoder(model))
                self._keras_cache["models"] = models
            return self._keras_cache["models"]

    def _keras_view(self, part):
        """The Keras ``"network"`` (without corruption), ``"encoder"`` or
        ``"decoder"``; a clear error when the network has no such part."""
        model, encoder, decoder = self._keras_model_views()
        views = {
            "network": _backend.keras_side().model.network_of(model),
            "encoder": encoder,
            "decoder": decoder,
        }
        if part != "network" and encoder is None:
            raise ValueError(
                "This network has no layer named 'code', where its encoder "
                "would end: transform_output='encoded' and inverse_transform "
                "need one. Name a layer 'code' in the network that `model` "
                "builds."
            )
        if views[part] is None:
            raise ValueError(
                "This network has no decoder: the layers after its 'code' "
                "layer do not form a chain from the code to the output (a "
                "skip connection or a branch joins them), so "
                "inverse_transform is not available."
            )
        return views[part]

    def _compiled(self, part):
        """Compiled inference of :meth:`_keras_view` for networks that are not
        a Dense chain."""
        compiled = self._keras_cache.setdefault("compiled", {})
        if part not in compiled:
            view = self._keras_view(part)
            inference = _backend.keras_side().inference.CompiledInference(view)
            with _KERAS_CACHE_LOCK:
                compiled.setdefault(part, inference)
        return compiled[part]

    def _run(self, part, X):
        """The network, its encoder or its decoder, on ``X`` (X's dtype)."""
        if self._forward_layers_ is None:
            return self._compiled(part)(X)
        layers = self._forward_layers_[X.dtype]
        n_encoder = len(layers) // 2
        if part == "encoder":
            layers = layers[:n_encoder]
        elif part == "decoder":
            layers = layers[n_encoder:]
        return forward(X, layers)

    def _training_setup(self):
        """The parameters a fitted network is built for, as plain values."""
        setup = {
            name: getattr(self, name)
            for name in (
                "hidden_layer_sizes",
                "activation",
                "output_activation",
                "loss",
                "optimizer",
                "noise",
                "clip_range",
                "model",
            )
        }
        if not isinstance(setup["hidden_layer_sizes"], Integral):
            setup["hidden_layer_sizes"] = tuple(setup["hidden_layer_sizes"])
        if isinstance(setup["clip_range"], list):
            setup["clip_range"] = tuple(setup["clip_range"])
        return setup

    def _resolve_output_and_loss(self, unit_interval):
        output_activation = self.output_activation
        if output_activation == "auto":
            output_activation = "sigmoid" if unit_interval else "linear"
        loss = _resolved_loss(
            output_activation, loss=self.loss, unit_interval=unit_interval
        )
        return output_activation, loss

    def _split_validation(self, X, weights, fraction, rng, clip_range, value_range):
        """Training rows, and ``(noisy, clean, weights)`` held-out samples.

        The held-out part is rounded up, so that any data set that has two
        samples can hold one out.
        """
        n = X.shape[0]
        n_val = int(np.ceil(fraction * n))
        if n - n_val < 1:
            setting = (
                f"validation_fraction={fraction}"
                if self.validation_fraction is not None
                else f"early_stopping=True, which holds out {fraction:.0%},"
            )
            raise ValueError(
                f"{setting} leaves no training sample of {n}: fit needs at "
                "least two samples, one to train on and one to validate on."
            )
        order = rng.permutation(n)
        val, rows = order[:n_val], np.sort(order[n_val:])
        X_val = X[val]
        X_val_noisy = corrupt(
            X_val,
            noise=self.noise,
            noise_factor=self.noise_factor,
            clip_range=clip_range,
            value_range=value_range,
            random_state=rng,
        ).astype(np.float32)
        return rows, (X_val_noisy, X_val, weights[val])

    def _check_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            sizes = (sizes,)
        sizes = tuple(sizes)
        if len(sizes) == 0:
            raise ValueError("hidden_layer_sizes must contain at least one layer.")
        for size in sizes:
            if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
                raise ValueError(
                    "hidden_layer_sizes must contain positive integers, "
                    f"got {self.hidden_layer_sizes!r}."
                )
        return tuple(int(s) for s in sizes)

    def _check_clip_range(self, unit_interval):
        if self.clip_range is None:
            return None
        if isinstance(self.clip_range, str):  # "auto"
            return (0.0, 1.0) if unit_interval else None
        try:
            clip_low, clip_high = (float(v) for v in self.clip_range)
        except (TypeError, ValueError):
            clip_low = clip_high = np.nan
        if not clip_low < clip_high:
            raise ValueError(
                "clip_range must be 'auto', None or a (low, high) tuple with "
                f"low < high, got {self.clip_range!r}."
            )
        return (clip_low, clip_high)

    def transform(self, X):
        """Denoise ``X``, or encode it if ``transform_output="encoded"``.

        No noise is added.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to transform, possibly noisy.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features) or (n_samples, n_codes)
            Denoised reconstruction or code, of the dtype of ``X`` (float32 or
            float64).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        if self.transform_output == "encoded":
            return self._run("encoder", X)
        return self._run("network", X)

    def inverse_transform(self, X):
        """Map the output of :meth:`transform` back to the input space.

        Codes (``transform_output="encoded"``) are decoded; a denoised output
        is already in the input space and is returned as a copy.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_codes) or (n_samples, n_features)
            Output of :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Reconstruction in the input space.
        """
        check_is_fitted(self)
        X = check_array(X, dtype=[np.float64, np.float32], copy=True)
        if X.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {X.shape[1]} features, but inverse_transform expects "
                f"{self._n_features_out} (the output of transform with "
                f"transform_output={self.transform_output!r})."
            )
        if self.transform_output == "denoised":
            return X
        return self._run("decoder", X)

    def score_samples(self, X):
        """Negative squared reconstruction error of each sample.

        Higher is more typical of the training data: samples unlike it
        reconstruct badly, which makes the transformer a novelty detector,
        as with :meth:`sklearn.decomposition.PCA.score_samples`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-mean((reconstruction(X) - X) ** 2, axis=1)``; their mean is
            ``score(X)``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        reconstruction = self._run("network", X)
        return -np.mean((reconstruction - X) ** 2, axis=1, dtype=np.float64)

    def score(self, X, y=None, *, X_clean=None):
        """Negative mean squared reconstruction error (higher is better).

        By default this measures how well the network *reproduces* ``X``,
        not how well it removes noise: on clean held-out data, less training
        noise always scores better, so a search over ``noise_factor`` scored
        this way picks 0. To choose ``noise_factor``, score corrupted
        held-out data against the clean data with
        :func:`skdae.make_corrupted_scorer`, or pass ``X_clean`` here.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs to reconstruct, e.g. noisy data.
        y : None
            Ignored (a pipeline or a search may pass class labels).
        X_clean : array-like of shape (n_samples, n_features), default=None
            Clean targets: the score is then the error between the
            reconstruction of ``X`` and ``X_clean``, a measure of denoising.

        Returns
        -------
        score : float
            ``-mean((reconstruction(X) - target) ** 2)``, whatever
            ``transform_output`` is.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        target = X
        if X_clean is not None:
            target = check_array(X_clean, dtype=[np.float64, np.float32])
            if target.shape != X.shape:
                raise ValueError(
                    f"X_clean has shape {target.shape}, X has shape {X.shape}."
                )
        reconstruction = self._run("network", X)
        return -float(np.mean((reconstruction - target) ** 2, dtype=np.float64))

    def get_feature_names_out(self, input_features=None):
        """Output feature names.

        The denoised output keeps the input names; codes are named
        ``denoisingautoencodertransformer0``, ``...1``, and so on.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names, checked against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Output feature names.
        """
        check_is_fitted(self)
        if self.transform_output == "denoised":
            return _check_feature_names_in(self, input_features)
        return super().get_feature_names_out(input_features)

    @property
    def _n_features_out(self):
        if self.transform_output == "denoised":
            return self.n_features_in_
        if self._forward_layers_ is None:
            return self._compiled("encoder").n_outputs
        layers = self._forward_layers_[np.dtype(np.float32)]
        return layers[len(layers) // 2 - 1][0].shape[1]

    def __sklearn_is_fitted__(self):
        return "_network_" in self.__dict__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def __getstate__(self):
        """Plain state: the network as JSON and arrays, no live Keras object."""
        state = super().__getstate__()
        return {k: v for k, v in state.items() if k not in _DERIVED_STATE}

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_network_" in state:
            self._set_network(state["_network_"])
            self._keras_cache = {}


# Derived from _network_, never saved: the NumPy inference weights, and the
# Keras models built on first access to model_.
_DERIVED_STATE = ("_forward_layers_", "_keras_cache")
_KERAS_CACHE_LOCK = threading.Lock()


def _pool_key(architecture, keras):
    """A hashable key for the trainers of an architecture.

    Keras's float type and dtype policy are part of it: they change the
    traced training step as much as the architecture does.
    """
    return json.dumps(
        {
            **architecture,
            "floatx": keras.config.floatx(),
            "dtype_policy": keras.config.dtype_policy().name,
        },
        sort_keys=True,
    )


@contextmanager
def _fitted_state_restored_on_error(estimator):
    """On an error, give ``estimator`` back the fitted state it had before."""
    params = estimator.get_params(deep=False)
    before = {k: v for k, v in vars(estimator).items() if k not in params}
    try:
        yield
    except BaseException:
        for name in [k for k in vars(estimator) if k not in params]:
            delattr(estimator, name)
        vars(estimator).update(before)
        raise


def _resolved_loss(output_activation, *, loss, unit_interval):
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


def _seed_and_rng(random_state):
    """An int seed for the network and a RandomState for the rest of the fit.

    None draws fresh entropy, leaving NumPy's and Python's global generators
    alone.
    """
    if random_state is None:
        seed = int(np.random.default_rng().integers(2**31 - 1))
        return seed, np.random.RandomState(seed)
    rng = check_random_state(random_state)
    return int(rng.randint(2**31 - 1)), rng


def _in_unit_interval(X):
    """Whether ``X`` lies in [0, 1], give or take a few float ulps.

    MinMaxScaler's output can exceed 1 by an ulp (1.0000000000000002).
    """
    tolerance = 4 * np.finfo(X.dtype).eps
    return bool(X.min() >= -tolerance and X.max() <= 1 + tolerance)


def _check_binary_crossentropy_data(X):
    if not _in_unit_interval(X):
        raise ValueError(
            "The network was trained with loss='binary_crossentropy', which "
            "needs data in [0, 1]; X has values outside it."
        )


def _salt_and_pepper_values(X, unit_interval):
    """Pepper and salt: 0 and 1 for [0, 1] data, else each feature's range."""
    if unit_interval:
        return (0.0, 1.0)
    return (X.min(axis=0).tolist(), X.max(axis=0).tolist())


# epochs="auto" trains for about this many gradient steps, within these
# bounds on the number of epochs.
AUTO_STEPS = 5000
AUTO_EPOCHS = (20, 250)


def _batch_size(batch_size, n_samples):
    """``batch_size``, or the "auto" choice for ``n_samples`` training rows.

    64 up to 12,800 rows, so that small data sets get enough gradient steps,
    then ``n_samples // 200`` up to 256, which uses a CPU's cores better on
    large ones (60,000 rows: 256).
    """
    if batch_size == "auto":
        return int(min(max(n_samples // 200, 64), 256, n_samples))
    return batch_size


def _epochs(epochs, n_samples, batch_size):
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
            stacklevel=4,
        )


def _normalized_sample_weight(sample_weight, X):
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


def _check_converged(history, network, learning_rate):
    """Raise a ValueError naming the likely causes if training diverged."""
    losses = np.asarray(history.get("loss", []), dtype=float)
    if np.isfinite(losses).all() and all(
        np.isfinite(v).all() for v in network["variables"]
    ):
        return
    bad = np.flatnonzero(~np.isfinite(losses))
    where = (
        f"the loss became {losses[bad[0]]} in epoch {bad[0] + 1}"
        if bad.size
        else "the network's weights became non-finite"
    )
    raise ValueError(
        f"Training diverged: {where}. The usual causes are a learning_rate that "
        f"is too large (got {learning_rate}) or unscaled input data; scale X with "
        "MinMaxScaler or StandardScaler and/or lower learning_rate."
    )
