"""Compiled Keras inference for networks the NumPy path cannot run.

``model.predict`` costs tens of milliseconds per call whatever the input
size. A ``tf.function`` of the model with a fixed input signature is traced
once and then costs a fraction of a millisecond for one row; large inputs
run in blocks. Calls from several threads at once are safe. This module
also builds a fitted estimator's Keras models (``model_``, ``encoder_``,
``decoder_``) from its plain state. Importing it imports TensorFlow; import
it after :func:`skdae._backend.keras_side`.
"""

import threading

import numpy as np
import tensorflow as tf

from ._model import keras_policy_left_unset, network_of, split_autoencoder
from ._persistence import rebuild_network

# Rows per call: bounds the memory of intermediate activations.
_BLOCK_ROWS = 4096


class CompiledInference:
    """``model(X, training=False)`` as a compiled function of NumPy arrays."""

    def __init__(self, model):
        spec = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
        self._call = tf.function(
            lambda x: model(x, training=False), input_signature=[spec]
        )
        self.n_outputs = int(np.prod(model.output_shape[1:]))

    def __call__(self, X):
        """Outputs for ``X``, computed in float32, in ``X``'s dtype."""
        X32 = np.asarray(X, dtype=np.float32)
        out = np.empty((X.shape[0], self.n_outputs), dtype=X.dtype)
        for start in range(0, X.shape[0], _BLOCK_ROWS):
            block = self._call(X32[start : start + _BLOCK_ROWS])
            out[start : start + _BLOCK_ROWS] = block.numpy().reshape(len(block), -1)
        return out


# Guards the building of a fitted estimator's Keras models and compiled
# inference, which several threads may ask for at once.
_CACHE_LOCK = threading.Lock()


def keras_models(cache, network, architecture, key="models"):
    """``(model, encoder, decoder)`` of a fitted network, built on first use.

    ``cache`` is the estimator's dict of derived Keras objects, filled in
    place; the model is rebuilt from the checked plain state. ``key``
    ``"models"`` is ``model_`` and its parts; ``"inference"`` a copy of
    its own, which ``transform`` runs, so that changing ``model_`` changes
    nothing the estimator computes.
    """
    with _CACHE_LOCK:
        if key not in cache:
            with keras_policy_left_unset():
                model = rebuild_network(network, architecture)
                cache[key] = (model, *split_autoencoder(model))
        return cache[key]


def keras_part(cache, network, architecture, part, key="models"):
    """The Keras ``"network"`` (without corruption), ``"encoder"`` or
    ``"decoder"``; a clear error when the network has no such part."""
    model, encoder, decoder = keras_models(cache, network, architecture, key)
    parts = {"network": network_of(model), "encoder": encoder, "decoder": decoder}
    if part != "network" and encoder is None:
        raise ValueError(
            "This network has no layer named 'code', where its encoder "
            "would end: transform_output='encoded' and inverse_transform "
            "need one. Name a layer 'code' in the network that `model` "
            "builds."
        )
    if parts[part] is None:
        raise ValueError(
            "This network has no decoder: the layers after its 'code' "
            "layer do not form a chain from the code to the output (a "
            "skip connection or a branch joins them), so "
            "inverse_transform is not available."
        )
    return parts[part]


def compiled_part(cache, network, architecture, part):
    """:class:`CompiledInference` of :func:`keras_part`, made once."""
    compiled = cache.setdefault("compiled", {})
    if part not in compiled:
        inference = CompiledInference(
            keras_part(cache, network, architecture, part, key="inference")
        )
        with _CACHE_LOCK:
            compiled.setdefault(part, inference)
    return compiled[part]
