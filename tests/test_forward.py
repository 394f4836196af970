"""The NumPy forward pass matches Keras for every supported activation."""

import numpy as np
import pytest

from skdae import _backend
from skdae._forward import ACTIVATIONS, by_dtype, forward

keras = _backend.keras_side().keras


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_matches_keras(activation):
    inputs = keras.Input((12,))
    h = keras.layers.Dense(7, activation=activation)(inputs)
    outputs = keras.layers.Dense(12, activation=activation)(h)
    model = keras.Model(inputs, outputs)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    layers = [
        (d.kernel.numpy(), d.bias.numpy(), keras.activations.serialize(d.activation))
        for d in dense
    ]
    X = np.random.RandomState(0).normal(scale=2, size=(300, 12)).astype("float32")
    expected = model.predict_on_batch(X)
    np.testing.assert_allclose(forward(X, layers), expected, rtol=1e-5, atol=1e-5)
    as64 = by_dtype(layers)[np.dtype("float64")]
    result64 = forward(X.astype("float64"), as64)
    assert result64.dtype == np.float64
    np.testing.assert_allclose(result64, expected, rtol=1e-4, atol=1e-5)


def test_blocks_give_the_same_rows_as_one_pass(monkeypatch):
    from skdae import _forward

    rng = np.random.RandomState(0)
    layers = [
        (rng.rand(5, 3), rng.rand(3), "relu"),
        (rng.rand(3, 5), rng.rand(5), "sigmoid"),
    ]
    X = rng.rand(100, 5)
    whole = forward(X, layers)
    monkeypatch.setattr(_forward, "_BLOCK_ROWS", 7)
    np.testing.assert_allclose(forward(X, layers), whole)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "gelu", "tanh"])
def test_parallel_element_wise_work_gives_the_single_thread_result(
    monkeypatch, activation
):
    from skdae import _forward

    rng = np.random.RandomState(0)
    layers = [
        (rng.normal(size=(64, 256)), rng.normal(size=256), activation),
        (rng.normal(size=(256, 64)), rng.normal(size=64), "sigmoid"),
    ]
    X = rng.normal(size=(3000, 64))
    parallel = _forward.forward(X, layers)
    monkeypatch.setattr(_forward, "_PARALLEL_MIN_SIZE", np.inf)
    np.testing.assert_array_equal(parallel, _forward.forward(X, layers))
