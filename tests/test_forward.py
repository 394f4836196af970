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


@pytest.mark.parametrize("last", ["sigmoid", "linear", "gelu", "relu"])
@pytest.mark.parametrize("hidden", ["relu", "gelu", "tanh"])
@pytest.mark.parametrize("n_layers", [1, 2, 4])
def test_forward_equals_the_plain_chain(last, hidden, n_layers):
    # The bias folded into the matrix products changes only the rounding.
    rng = np.random.RandomState(0)
    widths = [64, 32, 16, 32, 64][: n_layers + 1]
    widths[-1] = 64
    layers = [
        (rng.normal(size=(a, b)) / 8, rng.normal(size=b), hidden)
        for a, b in zip(widths[:-1], widths[1:], strict=True)
    ]
    layers[-1] = (*layers[-1][:2], last)
    X = rng.normal(size=(2500, 64))  # several blocks, the last one partial
    want = X
    for kernel, bias, activation in layers:
        want = ACTIVATIONS[activation](want @ kernel + bias)
    np.testing.assert_allclose(forward(X, layers), want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinity_raises_and_nan_counts_as_zero(monkeypatch, value):
    from skdae import _forward

    rng = np.random.RandomState(0)
    layers = [
        (rng.rand(5, 3), rng.rand(3), "relu"),
        (rng.rand(3, 5), rng.rand(5), "sigmoid"),
    ]
    X = rng.rand(30, 5)
    monkeypatch.setattr(_forward, "_BLOCK_ROWS", 7)
    X_nan = X.copy()
    X_nan[[3, 20], [1, 4]] = np.nan  # in two different blocks
    np.testing.assert_array_equal(
        forward(X_nan, layers), forward(np.nan_to_num(X_nan), layers)
    )
    X_inf = X_nan.copy()
    X_inf[25, 0] = value  # in a later block than the NaN
    with pytest.raises(ValueError, match="infinity"):
        forward(X_inf, layers)
