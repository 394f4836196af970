"""Ready-made networks for ``DenoisingAutoencoderTransformer(model=...)``.

Each builder takes ``n_features`` first, as the transformer calls it, and the
image's shape as a keyword, so that ``functools.partial(builder,
image_shape=(28, 28))`` is the ``model`` parameter. Images stay rows of
``height * width * channels`` features in scikit-learn; the networks reshape
them. Each returns an uncompiled ``keras.Model`` with a layer named
``"code"``. Keras is imported when a network is built, not with this module.

Examples
--------
>>> from functools import partial
>>> from skdae import DenoisingAutoencoderTransformer
>>> from skdae.architectures import conv_autoencoder
>>> dae = DenoisingAutoencoderTransformer(
...     model=partial(conv_autoencoder, image_shape=(8, 8)), epochs=2
... )
"""

import math

__all__ = ["conv_autoencoder", "unet"]


def _image_shape(n_features, image_shape):
    shape = tuple(int(v) for v in image_shape)
    if len(shape) == 2:
        shape = (*shape, 1)
    if len(shape) != 3 or math.prod(shape) != n_features or min(shape) < 1:
        raise ValueError(
            f"image_shape must be (height, width) or (height, width, channels) "
            f"with height * width * channels == n_features == {n_features}, "
            f"got {image_shape!r}."
        )
    return shape


def _image_input(n_features, image_shape):
    """``(keras, inputs, images)``: rows of pixels in, reshaped to images."""
    from . import _backend

    keras = _backend.keras_side().keras
    shape = _image_shape(n_features, image_shape)
    inputs = keras.Input((n_features,))
    return keras, inputs, keras.layers.Reshape(shape)(inputs)


def _to_size(layers, x, height, width):
    """Crop ``x`` (from upsampling) to ``height`` x ``width``."""
    extra_h, extra_w = x.shape[1] - height, x.shape[2] - width
    if extra_h or extra_w:
        x = layers.Cropping2D(((0, extra_h), (0, extra_w)))(x)
    return x


def conv_autoencoder(
    n_features,
    *,
    image_shape,
    filters=(32, 16),
    code_size=32,
    kernel_size=3,
    output_activation="sigmoid",
):
    """A convolutional autoencoder, after the Keras blog's.

    Each level of the encoder is a ReLU convolution and a 2 x 2 max pooling;
    the code is a Dense layer named ``"code"``; the decoder mirrors the
    encoder with upsampling, and a last convolution gives the image back.
    Its layers after the code form a chain, so ``inverse_transform`` works.

    Parameters
    ----------
    n_features : int
        ``height * width * channels``.
    image_shape : tuple of int
        ``(height, width)`` or ``(height, width, channels)``.
    filters : tuple of int, default=(32, 16)
        Filters of the encoder's levels; the decoder uses them in reverse.
    code_size : int, default=32
        Width of the code.
    kernel_size : int, default=3
        Size of the convolution kernels.
    output_activation : str, default="sigmoid"
        Activation of the last convolution: ``"sigmoid"`` for data in
        [0, 1], ``"linear"`` for standardized data.

    Returns
    -------
    model : keras.Model
        Uncompiled; maps ``(n_features,)`` to ``(n_features,)``.
    """
    keras, inputs, x = _image_input(n_features, image_shape)
    layers = keras.layers
    height, width, channels = x.shape[1:]
    for f in filters:
        x = layers.Conv2D(f, kernel_size, activation="relu", padding="same")(x)
        x = layers.MaxPooling2D(2, padding="same")(x)
    inner = tuple(x.shape[1:])
    x = layers.Flatten()(x)
    x = layers.Dense(code_size, activation="relu", name="code")(x)
    x = layers.Dense(math.prod(inner), activation="relu")(x)
    x = layers.Reshape(inner)(x)
    for f in reversed(filters):
        x = layers.UpSampling2D(2)(x)
        x = layers.Conv2D(f, kernel_size, activation="relu", padding="same")(x)
    x = _to_size(layers, x, height, width)
    x = layers.Conv2D(
        channels, kernel_size, activation=output_activation, padding="same"
    )(x)
    outputs = layers.Flatten()(x)
    return keras.Model(inputs, outputs, name="conv_autoencoder")


def unet(
    n_features,
    *,
    image_shape,
    filters=(32, 64),
    kernel_size=3,
    output_activation="sigmoid",
):
    """A small U-Net: two convolution levels and a skip connection.

    The first level's features skip the bottleneck and join the upsampled
    bottleneck, which keeps fine detail. The bottleneck convolution is named
    ``"code"``, so ``transform_output="encoded"`` returns its flattened
    feature maps; the skip connection means there is no decoder from the
    code alone, so ``inverse_transform`` is not available.

    Parameters
    ----------
    n_features : int
        ``height * width * channels``.
    image_shape : tuple of int
        ``(height, width)`` or ``(height, width, channels)``.
    filters : tuple of (int, int), default=(32, 64)
        Filters of the first level and of the bottleneck.
    kernel_size : int, default=3
        Size of the convolution kernels.
    output_activation : str, default="sigmoid"
        Activation of the last convolution.

    Returns
    -------
    model : keras.Model
        Uncompiled; maps ``(n_features,)`` to ``(n_features,)``.
    """
    keras, inputs, x = _image_input(n_features, image_shape)
    layers = keras.layers
    height, width, channels = x.shape[1:]
    first, bottom = filters
    level = layers.Conv2D(first, kernel_size, activation="relu", padding="same")(x)
    level = layers.Conv2D(first, kernel_size, activation="relu", padding="same")(level)
    x = layers.MaxPooling2D(2, padding="same")(level)
    x = layers.Conv2D(bottom, kernel_size, activation="relu", padding="same")(x)
    x = layers.Conv2D(
        bottom, kernel_size, activation="relu", padding="same", name="code"
    )(x)
    x = _to_size(layers, layers.UpSampling2D(2)(x), height, width)
    x = layers.Concatenate()([x, level])
    x = layers.Conv2D(first, kernel_size, activation="relu", padding="same")(x)
    x = layers.Conv2D(
        channels, kernel_size, activation=output_activation, padding="same"
    )(x)
    outputs = layers.Flatten()(x)
    return keras.Model(inputs, outputs, name="unet")
