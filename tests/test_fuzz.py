"""Property test: any input either works or fails with a clear error."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skdae import DenoisingAutoencoderTransformer

DTYPES = ["int32", "int64", "float16", "float32", "float64", "bool", "object", "str"]


@st.composite
def inputs(draw):
    n = draw(st.integers(1, 12))
    d = draw(st.integers(1, 5))
    values = draw(st.lists(st.floats(-3, 3), min_size=n * d, max_size=n * d))
    X = np.array(values).reshape(n, d)
    dtype = draw(st.sampled_from(DTYPES))
    if dtype == "str":
        X = X.astype(str).astype(object)
        if draw(st.booleans()):
            X[0, 0] = "not a number"
    elif dtype == "object":
        X = X.astype(object)
    else:
        X = X.astype(dtype)
    if dtype.startswith("float") and draw(st.booleans()):
        X[draw(st.integers(0, n - 1)), draw(st.integers(0, d - 1))] = draw(
            st.sampled_from([np.nan, np.inf, -np.inf])
        )
    params = {
        "hidden_layer_sizes": tuple(
            draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
        ),
        "noise": draw(st.sampled_from(["gaussian", "masking", "salt_and_pepper"])),
        "noise_factor": draw(st.floats(0, 1.5)),
        "epochs": draw(st.integers(1, 2)),
        "batch_size": draw(st.integers(1, 16)),
        "transform_output": draw(st.sampled_from(["denoised", "encoded"])),
        "random_state": 0,
    }
    return X, params


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs())
def test_fit_transform_returns_finite_output_or_a_clear_error(case):
    X, params = case
    dae = DenoisingAutoencoderTransformer(**params)
    try:
        out = dae.fit(X).transform(X)
    except (ValueError, TypeError) as exc:
        assert str(exc)  # a message, not a bare exception
        return
    width = (
        X.shape[1]
        if params["transform_output"] == "denoised"
        else params["hidden_layer_sizes"][-1]
    )
    assert out.shape == (X.shape[0], width)
    assert out.dtype == (np.float32 if X.dtype == np.float32 else np.float64)
    assert np.isfinite(out).all()


@pytest.mark.parametrize("dtype", ["int64", "bool", "float16"])
def test_non_float_inputs_are_converted(dtype):
    X = (np.random.RandomState(0).rand(20, 3) > 0.5).astype(dtype)
    out = DenoisingAutoencoderTransformer((2,), epochs=1).fit(X).transform(X)
    assert out.dtype == np.float64
