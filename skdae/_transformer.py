"""The scikit-learn estimator: :class:`DenoisingAutoencoderTransformer`."""

import inspect
import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_array,
    check_is_fitted,
    validate_data,
)

from . import _backend, _plan, _training_data
from ._corruption import NOISE_TYPES
from ._forward import (
    ACTIVATIONS,
    by_dtype,
    dense_stack,
    forward,
    hidden_activations,
)
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

    noise : {"gaussian", "masking", "salt_and_pepper", "swap"}, \
            default="gaussian"
        Corruption applied while fitting. ``"gaussian"`` adds
        ``noise_factor * N(0, 1)``, ``"masking"`` zeroes a random fraction
        ``noise_factor`` of the inputs, ``"salt_and_pepper"`` sets a random
        fraction ``noise_factor`` to a low or a high value, half each: 0 and 1
        for data in [0, 1], each feature's training minimum and maximum
        otherwise. ``"swap"`` replaces a random fraction ``noise_factor`` of
        the inputs with the same feature's value in another sample of the
        batch: the swap noise of the tabular denoising autoencoders, which
        keeps every value one the feature really takes (see "Tables" in the
        user guide; 0.15 is the usual fraction).

    noise_factor : float or "auto", default="auto"
        Standard deviation of the Gaussian noise, or the corrupted fraction
        (at most 1) for masking, salt-and-pepper and swap. 0 trains a plain
        autoencoder. ``"auto"`` is 0.15 for swap noise, the tabular
        recipe's fraction; for the other noises it is 0.5 when the training
        data lie in [0, 1],
        as in the classic recipe (images, whose many redundant pixels let
        the network undo heavy noise), and 0.2 otherwise (e.g. standardized
        tabular data, whose few features carry less redundancy: with 0.5,
        LogisticRegression after the transformer lost 1.7 points of clean
        accuracy on wine and 3.3 on iris, with 0.2 none and 1.3; see the
        user guide). The value used is stored in ``noise_factor_``.

    feature_groups : list of list of int or None, default=None
        Groups of input columns corrupted as one by ``"swap"`` and
        ``"masking"`` noise: a group is hit or not as a whole, and swapped
        from a single other sample. Pass the columns of each one-hot encoded
        categorical feature (:func:`skdae.one_hot_groups` lists them), so
        that swap noise swaps categories rather than single one-hot bits.
        Columns in no group are corrupted alone. Other noises raise a
        ValueError at fit.

    corrupted_loss_weight : float, default=1.0
        Weight, in the training loss, of the entries the noise changed,
        relative to the others: Vincent et al.'s "emphasized" denoising
        autoencoder (JMLR 2010). Above 1, with masking noise, the network is
        taught more to put back what the noise hid than to copy what it
        sees; :class:`DenoisingAutoencoderImputer` uses 5. An entry counts
        as changed when its corrupted value differs: a masked entry that was
        already 0, or Gaussian noise clipped back to the entry's value,
        does not. Missing entries (NaN) stay out of the loss. May change
        between calls of ``partial_fit``.

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
        An int gives reproducible fits on one machine (another processor
        can round differently; see "Reproducibility" in the user guide).

    transform_output : {"denoised", "encoded", "hidden"}, default="denoised"
        What :meth:`transform` returns: the denoised reconstruction, with the
        width of the input; the code (dimensionality reduction); or the
        activations of every hidden layer side by side (encoder, code and
        decoder: ``2 * len(hidden_layer_sizes) - 1`` layers), the features
        of the tabular denoising-autoencoder recipe, e.g. in a
        :class:`~sklearn.pipeline.FeatureUnion` beside the raw columns (see
        "Tables" in the user guide). ``"hidden"`` needs the default Dense
        network and has no :meth:`inverse_transform`.

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

    noise_factor_ : float
        Noise factor of the last training call: ``noise_factor``, or the
        ``"auto"`` choice (made from the first call's data for all the calls
        of ``partial_fit``).

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

    The fitted state is plain (the weights as NumPy arrays, and a user
    network's checked Keras configuration as JSON), so the transformer
    pickles and saves with skops without live Keras objects; the default
    network is rebuilt by skdae's own builder, never from a stored
    configuration.

    Missing entries (NaN) are accepted: they are hidden from the network as
    masking noise hides entries (set to 0) and left out of the loss, and
    the scores leave them out. :meth:`transform` runs a Dense chain in
    NumPy with those weights, and other networks through a compiled Keras
    function: both are much faster than ``model_.predict``. Both run copies
    of the weights of their own: modifying ``model_`` changes nothing the
    transformer computes, saves or exports.

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
        "noise_factor": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "feature_groups": [list, None],
        "corrupted_loss_weight": [Interval(Real, 0, None, closed="neither")],
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
        "transform_output": [StrOptions({"denoised", "encoded", "hidden"})],
        "model": [callable, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 64, 32),
        *,
        noise="gaussian",
        noise_factor="auto",
        feature_groups=None,
        corrupted_loss_weight=1.0,
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
        self.feature_groups = feature_groups
        self.corrupted_loss_weight = corrupted_loss_weight
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
            Training data; missing entries may be NaN (not infinity). Scale
            it first (e.g. to [0, 1] with
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
            X = validate_data(self, X, dtype="numeric", ensure_all_finite="allow-nan")
            if X.dtype not in (np.float32, np.float64):
                # Integers (and other floats) go straight to the float32
                # buffer training reads: the one copy a fit makes.
                X = _training_data.aligned_float32(X)
            self._fit_new(X, sample_weight, partial=False)
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
            Training data; missing entries may be NaN.
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
            X = validate_data(
                self,
                X,
                dtype=[np.float32, np.float64],
                ensure_all_finite="allow-nan",
                reset=first_call,
            )
            if first_call:
                self._fit_new(X, sample_weight, partial=True)
            else:
                self._train_one_more_epoch(X, sample_weight)
        return self

    def _fit_new(self, X, sample_weight, *, partial):
        """Train a new network on ``X``: the plan, then the one fit path."""
        plan = _plan.new_network_plan(self, X, sample_weight, partial=partial)
        _backend.keras_side()  # TensorFlow, imported quietly, once
        from . import _fitting

        fitted = _fitting.fit_network(
            plan, callbacks=self.callbacks, verbose=self.verbose
        )
        # Keras models and compiled inference, made on first use; a dict
        # filled in place, so that using them does not change vars(self).
        self._keras_cache = {}
        if fitted.keras_models is not None:
            self._keras_cache["models"] = fitted.keras_models
        self.history_ = fitted.history
        self.n_iter_ = len(fitted.history["loss"])
        self.output_activation_ = fitted.output_activation
        self.loss_ = fitted.loss
        self.clip_range_ = plan.clip_range
        self.noise_factor_ = plan.noise_factor
        self._auto_noise_factor_ = _plan.auto_noise_factor(
            plan.noise, plan.unit_interval
        )
        self._value_range_ = plan.value_range
        self._seed_ = plan.seed
        self._architecture_ = fitted.architecture
        self._setup_ = _plan.training_setup(self)
        self._set_network(fitted.network)

    def _train_one_more_epoch(self, X, sample_weight):
        plan = _plan.more_training_plan(self, X, sample_weight)
        _backend.keras_side()
        from . import _fitting, _persistence

        new, network = _fitting.train_more(
            plan,
            self._network_,
            self._architecture_,
            callbacks=self.callbacks,
            verbose=self.verbose,
        )
        history = {}
        for key in [*self.history_, *(k for k in new if k not in self.history_)]:
            old = self.history_.get(key, [np.nan] * self.n_iter_)
            history[key] = old + new.get(key, [np.nan])
        self.history_ = history
        self.n_iter_ += 1
        self.noise_factor_ = plan.noise_factor
        self._set_network(network)
        for key in ("models", "inference"):  # model_ and transform's copy
            if key in self._keras_cache:  # kept in step, in place
                _persistence.assign_network(self._keras_cache[key][0], network)

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
        return self._keras_models()[0]

    @property
    def encoder_(self):
        """Input to code, a Keras model sharing its layers with ``model_``."""
        return self._keras_models()[1]

    @property
    def decoder_(self):
        """Code to reconstruction, sharing its layers with ``model_``."""
        return self._keras_models()[2]

    def _keras_models(self):
        """``(model, encoder, decoder)``, built on first use."""
        if "_network_" not in self.__dict__:
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet."
            )
        _backend.keras_side()
        from . import _inference

        return _inference.keras_models(
            self._keras_cache, self._network_, self._architecture_
        )

    def _keras_view(self, part):
        """The Keras ``"network"``, ``"encoder"`` or ``"decoder"``."""
        _backend.keras_side()
        from . import _inference

        return _inference.keras_part(
            self._keras_cache, self._network_, self._architecture_, part, "inference"
        )

    def _run(self, part, X):
        """The network, its encoder or its decoder, on ``X`` (X's dtype).

        A Dense chain runs in NumPy; other networks through compiled Keras.
        Missing (NaN) inputs are hidden from the network as in training: 0.
        """
        if self._forward_layers_ is None:
            if part != "decoder" and _training_data.has_missing(X):
                X = np.where(np.isnan(X), X.dtype.type(0), X)
            _backend.keras_side()
            from . import _inference

            compiled = _inference.compiled_part(
                self._keras_cache, self._network_, self._architecture_, part
            )
            return compiled(X)
        layers = self._forward_layers_[X.dtype]
        n_encoder = len(layers) // 2
        if part == "encoder":
            layers = layers[:n_encoder]
        elif part == "decoder":
            layers = layers[n_encoder:]
        return forward(X, layers)

    def transform(self, X):
        """Denoise ``X``, or encode it if ``transform_output="encoded"``.

        No noise is added.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to transform, possibly noisy; missing entries may be NaN.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features) or (n_samples, n_codes)
            Denoised reconstruction or code, of the dtype of ``X`` (float32 or
            float64).
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            # The NumPy forward pass finds infinity on its first product,
            # which saves a pass over X.
            ensure_all_finite=(
                False if self._forward_layers_ is not None else "allow-nan"
            ),
            reset=False,
        )
        if self.transform_output == "encoded":
            return self._run("encoder", X)
        if self.transform_output == "hidden":
            return hidden_activations(X, self._hidden_layers()[X.dtype])
        return self._run("network", X)

    def _hidden_layers(self):
        """The Dense chain by dtype, for ``transform_output="hidden"``."""
        if self._forward_layers_ is None:
            raise ValueError(
                "transform_output='hidden' needs the default Dense network, "
                "whose hidden layers skdae knows; a network given with model= "
                "can name its code layer 'code' and use 'encoded'."
            )
        return self._forward_layers_

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
        if self.transform_output == "hidden":
            raise ValueError(
                "inverse_transform is not available with "
                "transform_output='hidden': the hidden activations are not a "
                "code the decoder maps back; use 'encoded'."
            )
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
            ``-mean((reconstruction(X) - X) ** 2, axis=1)``, over each
            sample's observed entries when ``X`` has NaN (NaN for a sample
            with none). Without NaN their mean is ``score(X)``; with NaN,
            ``score`` averages over all observed entries, so that samples
            with fewer count less.
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
            reset=False,
        )
        reconstruction = self._run("network", X)
        errors = (reconstruction - X) ** 2
        if _training_data.has_missing(X):  # the mean over observed entries
            with warnings.catch_warnings():  # a row with none: NaN, silently
                warnings.simplefilter("ignore", RuntimeWarning)
                return -np.nanmean(errors, axis=1, dtype=np.float64)
        return -np.mean(errors, axis=1, dtype=np.float64)

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
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
            reset=False,
        )
        target = X
        if X_clean is not None:
            target = check_array(
                X_clean, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan"
            )
            if target.shape != X.shape:
                raise ValueError(
                    f"X_clean has shape {target.shape}, X has shape {X.shape}."
                )
        reconstruction = self._run("network", X)
        # Missing (NaN) targets are left out, as in training.
        return -float(np.nanmean((reconstruction - target) ** 2, dtype=np.float64))

    def get_feature_names_out(self, input_features=None):
        """Output feature names.

        The denoised output keeps the input names; codes (and hidden
        activations) are named ``denoisingautoencodertransformer0``,
        ``...1``, and so on.

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
        if self.transform_output == "hidden":
            layers = self._hidden_layers()[np.dtype(np.float32)]
            return sum(kernel.shape[1] for kernel, _, _ in layers[:-1])
        if self._forward_layers_ is None:
            return int(np.prod(self._keras_view("encoder").output_shape[1:]))
        layers = self._forward_layers_[np.dtype(np.float32)]
        return layers[len(layers) // 2 - 1][0].shape[1]

    def __sklearn_is_fitted__(self):
        return "_network_" in self.__dict__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.allow_nan = True
        return tags

    def __getstate__(self):
        """Plain state: the network as JSON and arrays, no live Keras object."""
        state = super().__getstate__()
        return {k: v for k, v in state.items() if k not in _DERIVED_STATE}

    def __setstate__(self, state):
        if "_network_" in state:
            _check_counts(state)
        super().__setstate__(state)
        if "_network_" in state:
            self._set_network(state["_network_"])
            self._keras_cache = {}
            if "_value_range_" not in state:  # saved by 0.2
                corruption = state.get("_architecture_", {}).get("corruption", {})
                self._value_range_ = corruption.get("value_range", (0.0, 1.0))
        # Parameters added since the state was saved take their defaults.
        parameters = inspect.signature(type(self).__init__).parameters
        for name, parameter in parameters.items():
            if name != "self" and name not in state:
                setattr(self, name, parameter.default)


def _check_counts(state):
    """Raise a ValueError naming the field unless the stored counts agree
    with the stored lists: a file's ``n_iter_`` sizes what ``partial_fit``
    allocates."""
    history = state.get("history_")
    if not (
        isinstance(history, dict)
        and isinstance(history.get("loss"), list)
        and all(isinstance(v, list) for v in history.values())
    ):
        raise ValueError("The saved history_ is not one skdae writes.")
    n_iter = state.get("n_iter_")
    if not (
        isinstance(n_iter, Integral)
        and not isinstance(n_iter, bool)
        and all(len(values) == n_iter for values in history.values())
    ):
        raise ValueError(
            f"The saved n_iter_ ({n_iter!r}) is not the length of the saved "
            "history_: the file was altered."
        )


# Derived from _network_, never saved: the NumPy inference weights, and the
# Keras models built on first access to model_.
_DERIVED_STATE = ("_forward_layers_", "_keras_cache")


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
