"""Compiled Keras inference for networks the NumPy path cannot run.

``model.predict`` costs tens of milliseconds per call whatever the input
size. A ``tf.function`` of the model with a fixed input signature is traced
once and then costs a fraction of a millisecond for one row; large inputs
run in blocks. Calls from several threads at once are safe. Importing this
module imports TensorFlow; reach it through :func:`skdae._backend.keras_side`.
"""

import numpy as np
import tensorflow as tf

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
