"""skdae.corrupt: NumPy corruption for validation sets and users."""

import numpy as np
import pytest

from skdae import corrupt


@pytest.fixture
def X():
    return np.random.RandomState(0).uniform(0.2, 0.8, size=(400, 50))


def test_gaussian_noise_and_clipping(X):
    noisy = corrupt(X, noise_factor=0.1, random_state=0)
    assert abs((noisy - X).std() - 0.1) < 0.005
    clipped = corrupt(X, noise_factor=1.0, clip_range=(0, 1), random_state=0)
    assert clipped.min() == 0 and clipped.max() == 1


def test_does_not_modify_input_and_is_seeded(X):
    before = X.copy()
    a = corrupt(X, random_state=0)
    np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(a, corrupt(X, random_state=0))
    assert not np.allclose(a, corrupt(X, random_state=1))


def test_masking_and_salt_and_pepper(X):
    masked = corrupt(X, noise="masking", noise_factor=0.3, random_state=0)
    assert abs((masked == 0).mean() - 0.3) < 0.01
    sp = corrupt(X, noise="salt_and_pepper", noise_factor=0.2, value_range=(0, 1))
    assert abs((sp == 0).mean() - 0.1) < 0.01
    assert abs((sp == 1).mean() - 0.1) < 0.01


def test_keeps_float32(X):
    assert corrupt(X.astype(np.float32), random_state=0).dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, match",
    [({"noise": "pink"}, "noise must be one of"), ({"noise_factor": -1}, ">= 0")],
)
def test_errors(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        corrupt(X, **kwargs)
