"""The Keras graph: the corruption layer and the autoencoder builder.

Importing this module imports Keras (and TensorFlow); :mod:`skdae._backend`
loads it lazily.
"""

import keras
import numpy as np
from keras import layers, ops

from ._corruption import NOISE_TYPES

CODE_LAYER = "code"
OUTPUT_LAYER = "reconstruction"

# Gaussian noise comes from a bank of pre-drawn standard normals holding about
# this many values (see Corruption). 2**22 float32 is 16 MiB.
_BANK_VALUES = 2**22


@keras.saving.register_keras_serializable(package="skdae")
class Corruption(layers.Layer):
    """Corrupt the inputs while training; pass them through unchanged otherwise.

    A new corruption is drawn for every batch, seeded by ``seed``.

    Gaussian noise is taken from a bank of ``bank_rows`` rows of ``2 * d``
    pre-drawn standard normals: each sample of a batch gets a random row,
    and the batch a random window of ``d`` columns in it. Every noise vector is
    exactly i.i.d. N(0, 1); drawing it costs a gather instead of ~200,000
    Box-Muller transforms per batch, which would add about 25% to the epoch
    time of the default network on a CPU. The price: noise vectors come from
    a finite pool of ``bank_rows * d`` (row, window) pairs, e.g. 2,674 x 784,
    about 2 million, for 28 x 28 images, and two samples of one batch that
    draw the same row get the same noise. Masking and salt-and-pepper noise
    need only uniform draws and are generated fresh.

    Parameters
    ----------
    noise : {"gaussian", "masking", "salt_and_pepper"}
    noise_factor : float
        Standard deviation multiplier or corrupted fraction.
    clip_range : tuple of (float, float) or None
        Clip corrupted values to this range.
    value_range : tuple of (float, float)
        Pepper and salt values.
    bank_rows : int
        Rows in the Gaussian bank.
    seed : int or None
        Seed of the noise.
    """

    def __init__(
        self,
        noise="gaussian",
        noise_factor=0.5,
        clip_range=None,
        value_range=(0.0, 1.0),
        bank_rows=1024,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if noise not in NOISE_TYPES:
            raise ValueError(f"noise must be one of {NOISE_TYPES}, got {noise!r}.")
        self.noise = noise
        self.noise_factor = float(noise_factor)
        self.clip_range = None if clip_range is None else tuple(map(float, clip_range))
        self.value_range = tuple(map(float, value_range))
        self.bank_rows = int(bank_rows)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.n_features = int(input_shape[-1])
        if self.noise == "gaussian":
            # Not a weight: it is rebuilt from the seed, so it is never saved.
            rng = np.random.default_rng(self.seed)
            bank = rng.standard_normal((self.bank_rows, 2 * self.n_features))
            self._bank = ops.convert_to_tensor(bank.astype(self.compute_dtype))

    def call(self, inputs, training=None):
        if not training or self.noise_factor == 0:
            return inputs
        batch = ops.shape(inputs)[0]
        if self.noise == "gaussian":
            rows = keras.random.randint(
                (batch,), 0, self.bank_rows, seed=self.seed_generator
            )
            offset = keras.random.randint(
                (), 0, self.n_features, seed=self.seed_generator
            )
            noise = ops.slice(
                ops.take(self._bank, rows, axis=0),
                ops.stack([0, offset]),
                ops.stack([batch, self.n_features]),
            )
            outputs = inputs + self.noise_factor * noise
        else:
            u = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator)
            hit = u < self.noise_factor
            if self.noise == "masking":
                outputs = ops.where(hit, ops.zeros_like(inputs), inputs)
            else:
                low, high = self.value_range
                pepper = ops.full_like(inputs, low)
                salt = ops.full_like(inputs, high)
                outputs = ops.where(
                    hit, ops.where(u < self.noise_factor / 2, pepper, salt), inputs
                )
        if self.clip_range is not None:
            outputs = ops.clip(outputs, *self.clip_range)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            noise=self.noise,
            noise_factor=self.noise_factor,
            clip_range=self.clip_range,
            value_range=self.value_range,
            bank_rows=self.bank_rows,
            seed=self.seed,
        )
        return config


def bank_rows_for(n_samples, n_features):
    """Rows of the Gaussian bank: no more than the data has, about 16 MiB at most."""
    return int(np.clip(_BANK_VALUES // (2 * n_features), 16, max(n_samples, 16)))


def build_autoencoder(
    *,
    n_features,
    hidden_layer_sizes,
    activation,
    output_activation,
    noise,
    noise_factor,
    clip_range,
    value_range,
    bank_rows,
    loss,
    optimizer,
    learning_rate,
    seed,
):
    """Build and compile the training model: corruption, encoder, decoder.

    Layer names: ``encoder_<i>`` for the encoder with the last one named
    ``"code"``, ``decoder_<i>`` and ``"reconstruction"`` for the decoder.
    """
    n_seeds = 2 * len(hidden_layer_sizes) + 1
    if seed is None:
        seeds = iter([None] * n_seeds)
    else:
        seeds = iter(
            np.random.default_rng(seed).integers(2**31 - 1, size=n_seeds).tolist()
        )

    def dense(units, act, name):
        return layers.Dense(
            units,
            activation=act,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            name=name,
        )

    inputs = keras.Input((n_features,), name="input")
    h = Corruption(
        noise=noise,
        noise_factor=noise_factor,
        clip_range=clip_range,
        value_range=value_range,
        bank_rows=bank_rows,
        seed=next(seeds),
        name="corruption",
    )(inputs)
    n_hidden = len(hidden_layer_sizes)
    for i, units in enumerate(hidden_layer_sizes):
        name = CODE_LAYER if i == n_hidden - 1 else f"encoder_{i}"
        h = dense(units, activation, name)(h)
    for i, units in enumerate(reversed(hidden_layer_sizes[:-1])):
        h = dense(units, activation, f"decoder_{i}")(h)
    outputs = dense(n_features, output_activation, OUTPUT_LAYER)(h)
    model = keras.Model(inputs, outputs, name="denoising_autoencoder")
    model.compile(
        optimizer=keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        ),
        loss=loss,
    )
    # Creating the optimizer's slots now, not inside the first traced step,
    # saves tf.function a second trace of the training step (~0.7 s a fit).
    model.optimizer.build(model.trainable_variables)
    return model


def split_autoencoder(model):
    """Return ``(encoder, decoder)`` models sharing ``model``'s layers."""
    code = model.get_layer(CODE_LAYER)
    encoder = keras.Model(model.inputs, code.output, name="encoder")
    code_input = keras.Input((code.units,), name="code_input")
    h = code_input
    decoding = False
    for layer in model.layers:
        if decoding:
            h = layer(h)
        decoding = decoding or layer is code
    decoder = keras.Model(code_input, h, name="decoder")
    return encoder, decoder


def dense_stack(model):
    """``[(kernel, bias, activation_name), ...]`` of the Dense layers, in order.

    Activation names are Keras's own, the keys of
    :data:`skdae._forward.ACTIVATIONS`.
    """
    return [
        (
            np.asarray(layer.kernel.numpy()),
            np.asarray(layer.bias.numpy()),
            keras.activations.serialize(layer.activation),
        )
        for layer in model.layers
        if isinstance(layer, layers.Dense)
    ]
