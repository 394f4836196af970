"""The Keras graph: the corruption layer and the autoencoder builder.

Importing this module imports Keras (and TensorFlow); reach it through
:func:`skdae._backend.keras_side`, which imports TensorFlow quietly.
"""

import contextlib
import functools
import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from ._corruption import NOISE_TYPES

CODE_LAYER = "code"
OUTPUT_LAYER = "reconstruction"
CORRUPTION_LAYER = "corruption"


@keras.saving.register_keras_serializable(package="skdae")
class Corruption(layers.Layer):
    """Corrupt the inputs while training; pass them through unchanged otherwise.

    A fresh corruption is drawn for every batch from Keras's stateless random
    ops, seeded by ``seed``: Gaussian noise is exactly i.i.d.
    ``N(0, noise_factor**2)`` whatever the data's shape, and it does not
    depend on TensorFlow's global seed.

    ``noise_factor`` is held in a non-trainable weight, so that it can be
    changed between calls of ``partial_fit`` without rebuilding the model.

    Parameters
    ----------
    noise : {"gaussian", "masking", "salt_and_pepper", "swap"}
    noise_factor : float
        Standard deviation multiplier or corrupted fraction.
    clip_range : tuple of (float, float) or None
        Clip corrupted values to this range.
    value_range : tuple of (float or list of float, float or list of float)
        Pepper and salt values: scalars, or one value per feature.
    groups : list of int or None
        Each feature's group, for masking and swap noise: the features of a
        group are hit together and swapped from the same row. None: every
        feature alone.
    seed : int or None
        Seed of the noise.
    """

    def __init__(
        self,
        noise="gaussian",
        noise_factor=0.5,
        clip_range=None,
        value_range=(0.0, 1.0),
        groups=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if noise not in NOISE_TYPES:
            raise ValueError(f"noise must be one of {NOISE_TYPES}, got {noise!r}.")
        self.noise = noise
        self.initial_noise_factor = float(noise_factor)
        self.clip_range = None if clip_range is None else tuple(map(float, clip_range))
        self.value_range = tuple(
            np.asarray(v, dtype=float).tolist() for v in value_range
        )
        self.groups = None if groups is None else [int(g) for g in groups]
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        n_features = input_shape[-1]
        if self.groups is not None and not (
            len(self.groups) == n_features
            and all(0 <= g < n_features for g in self.groups)
        ):
            raise ValueError(
                f"groups must give each of the {n_features} features a group "
                f"in [0, {n_features})."
            )
        self.noise_factor = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(self.initial_noise_factor),
            trainable=False,
            name="noise_factor",
        )

    def call(self, inputs, training=None):
        if not training:
            return inputs
        if self.noise == "gaussian":
            noise = keras.random.normal(
                ops.shape(inputs), dtype=inputs.dtype, seed=self.seed_generator
            )
            outputs = inputs + ops.cast(self.noise_factor, inputs.dtype) * noise
        else:
            # One draw per group of features, shared by its features.
            shape = ops.shape(inputs)
            if self.groups is not None:
                shape = (shape[0], max(self.groups) + 1)
            u = self._per_feature(
                keras.random.uniform(
                    shape, dtype=inputs.dtype, seed=self.seed_generator
                )
            )
            fraction = ops.cast(self.noise_factor, inputs.dtype)
            hit = u < fraction
            if self.noise == "masking":
                outputs = ops.where(hit, ops.zeros_like(inputs), inputs)
            elif self.noise == "swap":
                # The same column's value in another row of the batch.
                n = ops.shape(inputs)[0]
                offsets = keras.random.randint(
                    shape, 1, ops.maximum(n, 2), dtype="int32", seed=self.seed_generator
                )
                offsets = self._per_feature(offsets)
                rows = ops.expand_dims(ops.arange(n, dtype="int32"), 1)
                donors = (rows + offsets) % n
                swapped = ops.take_along_axis(inputs, donors, axis=0)
                outputs = ops.where(hit, swapped, inputs)
            else:
                low, high = (ops.cast(v, inputs.dtype) for v in self.value_range)
                salt_or_pepper = ops.where(u < fraction / 2, low, high)
                outputs = ops.where(hit, salt_or_pepper, inputs)
        if self.clip_range is not None:
            outputs = ops.clip(outputs, *self.clip_range)
        return outputs

    def _per_feature(self, draws):
        """Per-group draws spread to the features of each group."""
        if self.groups is None:
            return draws
        return ops.take(draws, ops.convert_to_tensor(self.groups, "int32"), axis=1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        noise_factor = self.initial_noise_factor
        if self.built:  # the factor the layer corrupts with now
            noise_factor = float(keras.ops.convert_to_numpy(self.noise_factor))
        config.update(
            noise=self.noise,
            noise_factor=noise_factor,
            clip_range=self.clip_range,
            value_range=self.value_range,
            groups=self.groups,
            seed=self.seed,
        )
        return config


@contextlib.contextmanager
def keras_policy_left_unset():
    """Leave Keras's global dtype policy as it was found.

    Keras fixes its global dtype policy to ``DTypePolicy(floatx())`` the
    first time a layer asks for it, after which ``set_floatx`` no longer
    reaches new layers. skdae's fits and rebuilds create layers: inside
    this block they do, and afterwards the policy (thread-local in Keras)
    is again unset if it was, so that a later ``set_floatx`` works as in a
    fresh process.
    """
    from keras.src.backend.common import global_state

    before = global_state.get_global_attribute("dtype_policy", None)
    try:
        yield
    finally:
        if before is None:
            global_state.set_global_attribute("dtype_policy", None)


def check_precision():
    """Raise a ValueError under a mixed-precision global dtype policy."""
    policy = keras.config.dtype_policy()
    if policy.compute_dtype != policy.variable_dtype:
        raise ValueError(
            f"skdae trains in one float type, not under Keras's {policy.name!r} "
            "dtype policy (mixed precision, whose loss scaling its training "
            "loop does not do, and which brings nothing to networks this "
            "small on a CPU). Call keras.config.set_dtype_policy('float32') "
            "(or 'float64') before fitting, and restore yours afterwards."
        )


def _seeds(seed, n):
    """``n`` independent int seeds derived from the int ``seed``."""
    return np.random.default_rng(seed).integers(2**31 - 1, size=n).tolist()


def _dense_layers(model):
    return [layer for layer in model.layers if isinstance(layer, layers.Dense)]


def build_autoencoder(
    *,
    n_features,
    hidden_layer_sizes,
    activation,
    output_activation,
    corruption,
    loss,
    optimizer,
    learning_rate,
    seed,
):
    """Build and compile the training model: corruption, encoder, decoder.

    ``corruption`` holds the :class:`Corruption` parameters but its seed;
    ``seed`` (an int) seeds the weights and the noise, as
    :func:`reinitialize` does. Layer names: ``encoder_<i>`` for the encoder
    with the last one named ``"code"``, ``decoder_<i>`` and
    ``"reconstruction"`` for the decoder.
    """
    seeds = iter(_seeds(seed, 2 * len(hidden_layer_sizes) + 1))

    def dense(units, act, name):
        return layers.Dense(
            units,
            activation=act,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            name=name,
        )

    inputs = keras.Input((n_features,), name="input")
    h = Corruption(**corruption, seed=next(seeds), name=CORRUPTION_LAYER)(inputs)
    n_hidden = len(hidden_layer_sizes)
    for i, units in enumerate(hidden_layer_sizes):
        name = CODE_LAYER if i == n_hidden - 1 else f"encoder_{i}"
        h = dense(units, activation, name)(h)
    for i, units in enumerate(reversed(hidden_layer_sizes[:-1])):
        h = dense(units, activation, f"decoder_{i}")(h)
    outputs = dense(n_features, output_activation, OUTPUT_LAYER)(h)
    model = keras.Model(inputs, outputs, name="denoising_autoencoder")
    return compiled(model, optimizer, learning_rate, loss)


def compiled(model, optimizer, learning_rate, loss):
    """``model`` compiled, with its optimizer's slots created."""
    model.compile(
        optimizer=keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        ),
        loss=loss,
    )
    # Create the optimizer's slots now: the training step never creates
    # variables, and the optimizer state can be saved and restored.
    model.optimizer.build(model.trainable_variables)
    return model


def build_custom_autoencoder(
    *, network, n_features, corruption, resolve_loss, optimizer, learning_rate, seed
):
    """Put a :class:`Corruption` layer in front of a user's network; compile.

    ``network(n_features)`` must return an uncompiled ``keras.Model`` mapping
    inputs of shape ``(n_features,)`` to outputs of that shape. Its weights
    and random layers that have no seed of their own are then re-drawn from
    seeds derived from ``seed`` (see :func:`reseed`): no global generator is
    seeded. ``resolve_loss(output_activation)`` gives the loss to compile
    with.
    """
    corruption_seed, build_seed = _seeds(seed, 2)
    user = network(n_features)
    if not isinstance(user, keras.Model):
        raise TypeError(
            f"model must return a keras.Model, got {type(user).__name__} from "
            f"{network!r}."
        )
    reseed(user, build_seed)
    for what, shape in (("input", user.input_shape), ("output", user.output_shape)):
        if not isinstance(shape, tuple) or tuple(shape[1:]) != (n_features,):
            raise ValueError(
                f"model(n_features={n_features}) must map inputs of shape "
                f"({n_features},) to outputs of shape ({n_features},); its "
                f"{what} shape is {shape}."
            )
    if user.name in (CORRUPTION_LAYER, "input"):
        user.name = "network"
    inputs = keras.Input((n_features,), name="input")
    corrupted = Corruption(**corruption, seed=corruption_seed, name=CORRUPTION_LAYER)
    model = keras.Model(inputs, user(corrupted(inputs)), name="denoising_autoencoder")
    loss = resolve_loss(output_activation_of(user))
    return compiled(model, optimizer, learning_rate, loss)


# Initializers whose weight is not named after them (``<name>_initializer``
# initialises ``<name>`` otherwise).
_INITIALIZED = {"recurrent_initializer": "recurrent_kernel"}


def reseed(network, seed):
    """Re-draw ``network``'s unseeded random weights and noise from ``seed``.

    Keras gives initializers and random layers (``Dropout``, ...) that were
    made without a seed one drawn from Python's global generator. Instead of
    seeding that generator, which other threads share, every such
    initializer is run again with a seed derived from ``seed``, on the
    weight it initialised, and every unseeded ``SeedGenerator`` is restarted
    from one. Layers are visited in a fixed order, so the result depends on
    ``seed`` alone. Initializers and layers given a seed keep it.
    """
    rng = np.random.default_rng(seed)
    for layer in network._flatten_layers(include_self=False, recursive=True):
        for name, value in sorted(vars(layer).items()):
            if isinstance(value, keras.random.SeedGenerator):
                if value._initial_seed is None:
                    state = value.state
                    draw = int(rng.integers(1, 2**31 - 1))
                    state.assign(ops.convert_to_tensor([draw, 0], dtype=state.dtype))
            elif (
                name.endswith("_initializer")
                and isinstance(value, keras.initializers.Initializer)
                and hasattr(value, "_init_seed")
                and value._init_seed is None
            ):
                weight = getattr(
                    layer, _INITIALIZED.get(name, name[: -len("_initializer")]), None
                )
                if isinstance(weight, keras.Variable):
                    config = {
                        **value.get_config(),
                        "seed": int(rng.integers(2**31 - 1)),
                    }
                    fresh = type(value).from_config(config)
                    weight.assign(fresh(weight.shape, dtype=weight.dtype))


def output_activation_of(model):
    """The activation of the network's last layer that has one, by name.

    Layers that only reshape (``Flatten``, ``Reshape``, ...) have none;
    "linear" when no layer has one.
    """
    for layer in reversed(network_of(model).layers):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return keras.activations.serialize(activation)
    return "linear"


class Reinitializer:
    """Reset a model made by :func:`build_autoencoder` in place, for a new fit.

    ``reinitializer(seed=..., noise_factor=..., learning_rate=...)`` makes the
    weights, the noise generator and the optimizer state exactly what
    ``build_autoencoder(..., seed=seed)`` creates (Keras's Glorot-uniform
    draws, bit for bit), so that a reused model trains as a new one would,
    and sets ``noise_factor`` and ``learning_rate``. It runs as one compiled
    call: assigning each variable from Python costs more than a small fit's
    epoch.
    """

    def __init__(self, model):
        self.model = model
        self._dense = _dense_layers(model)
        self._corruption = corruption_layer(model)
        # The optimizer's state as a new one starts: not all zeros (Nadam's
        # momentum product starts at 1, Adagrad's accumulators at 0.1). Read
        # from a fresh optimizer, since this model's may have trained.
        fresh = type(model.optimizer).from_config(model.optimizer.get_config())
        fresh.build(model.trainable_variables)
        self._optimizer_start = [
            tf.constant(v.numpy(), dtype=v.dtype) for v in fresh.variables
        ]
        if len(self._optimizer_start) != len(model.optimizer.variables):
            raise RuntimeError("A fresh optimizer has other variables.")
        # A partial: its own tracing statistics (see skdae._training.Trainer).
        self._reset = tf.function(
            functools.partial(_reset_variables, self),
            input_signature=[
                tf.TensorSpec((len(self._dense) + 1,), tf.int64),
                tf.TensorSpec((), tf.float32),
                tf.TensorSpec((), tf.float32),
            ],
        )

    def __call__(self, *, seed, noise_factor, learning_rate):
        seeds = _seeds(seed, len(self._dense) + 1)  # as build_autoencoder draws
        self._reset(tf.constant(seeds, tf.int64), noise_factor, learning_rate)


def _reset_variables(reinitializer, seeds, noise_factor, learning_rate):
    model, corruption = reinitializer.model, reinitializer._corruption
    state = corruption.seed_generator.state
    zero = tf.zeros((), tf.int64)
    state.assign(tf.cast(tf.stack([seeds[0], zero]), state.dtype))
    corruption.noise_factor.assign(noise_factor)
    for i, layer in enumerate(reinitializer._dense):
        fan_in, fan_out = layer.kernel.shape
        # keras.initializers.GlorotUniform, with Keras's own arithmetic.
        limit = math.sqrt(3.0 / max(1.0, (fan_in + fan_out) / 2.0))
        layer.kernel.assign(
            tf.random.stateless_uniform(
                layer.kernel.shape,
                seed=tf.stack([seeds[i + 1], zero]),
                minval=-limit,
                maxval=limit,
                dtype=layer.kernel.dtype,
            )
        )
        layer.bias.assign(tf.zeros_like(layer.bias))
    for variable, start in zip(
        model.optimizer.variables, reinitializer._optimizer_start, strict=True
    ):
        variable.assign(start)
    model.optimizer.learning_rate.assign(learning_rate)


def dense_indices(model):
    """``[[kernel, bias, activation], ...]`` of the Dense layers, in order.

    ``kernel`` and ``bias`` index ``model.variables``; activation names are
    Keras's own, the keys of :data:`skdae._forward.ACTIVATIONS`. Only for
    networks made by :func:`build_autoencoder`, a chain of Dense layers.
    """
    position = {id(v): i for i, v in enumerate(model.variables)}
    return [
        [
            position[id(layer.kernel)],
            position[id(layer.bias)],
            keras.activations.serialize(layer.activation),
        ]
        for layer in _dense_layers(model)
    ]


def network_of(model):
    """The model without its corruption layer: the default Dense network's
    model itself, or the user's network nested in it."""
    nested = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    return nested[0] if nested else model


def split_autoencoder(model):
    """``(encoder, decoder)`` models sharing ``model``'s layers.

    The encoder ends at the layer named ``"code"``; either is None when the
    network has no such layer, and the decoder is None too when the layers
    after it do not form a chain.
    """
    network = network_of(model)
    try:
        code = network.get_layer(CODE_LAYER)
    except ValueError:
        return None, None
    encoder = keras.Model(network.input, code.output, name="encoder")
    code_input = keras.Input(code.output.shape[1:], name="code_input")
    following = network.layers[network.layers.index(code) + 1 :]
    h = code_input
    try:
        for layer in following:
            if layer._inbound_nodes and len(layer._inbound_nodes) != 1:
                return encoder, None
            h = layer(h)
        decoder = keras.Model(code_input, h, name="decoder")
    except Exception:  # a merge layer (a skip connection): no chain
        return encoder, None
    if decoder.output_shape != network.output_shape:
        return encoder, None
    # Layers listed after the code may still not form the path from it to the
    # output (a skip connection, a branch): check that decoding works.
    probe = np.random.default_rng(0).random((2, *network.input_shape[1:]))
    probe = probe.astype("float32")
    through = decoder(encoder(probe, training=False), training=False)
    if not np.allclose(through, network(probe, training=False), atol=1e-5):
        return encoder, None
    return encoder, decoder


def corruption_layer(model):
    """The model's :class:`Corruption` layer."""
    return model.get_layer(CORRUPTION_LAYER)
