"""skdae.corrupt: NumPy corruption for validation sets and users."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skdae import corrupt, one_hot_groups


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


def test_salt_and_pepper_per_feature_values_go_to_their_own_column():
    # 3 features and, with this seed, exactly 3 hits of each kind: the old
    # code assigned the values in hit order, not by column.
    X = np.full((4, 3), 0.5)
    low, high = [-1.0, -2.0, -3.0], [1.0, 2.0, 3.0]
    for seed in range(50):
        noisy = corrupt(
            X,
            noise="salt_and_pepper",
            noise_factor=0.6,
            value_range=(low, high),
            random_state=seed,
        )
        for j in range(3):
            assert set(np.unique(noisy[:, j])) <= {0.5, low[j], high[j]}


def test_salt_and_pepper_per_feature_values_on_any_number_of_hits():
    X = np.random.RandomState(0).normal(size=(954, 64))
    low, high = X.min(axis=0), X.max(axis=0)
    noisy = corrupt(
        X, noise="salt_and_pepper", noise_factor=0.3, value_range=(low, high)
    )
    hit = noisy != X
    assert hit.any()
    expected = np.isclose(noisy, low) | np.isclose(noisy, high)
    assert expected[hit].all()


def test_value_range_of_the_wrong_width_is_refused(X):
    with pytest.raises(ValueError, match="shape \\(n_features,\\)"):
        corrupt(X, noise="salt_and_pepper", value_range=([0, 1], [1, 2]))


@settings(max_examples=60, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 30), st.integers(1, 12)),
    noise=st.sampled_from(["gaussian", "masking", "salt_and_pepper"]),
    noise_factor=st.floats(0, 1),
    scale=st.floats(1e-3, 1e3),
    offset=st.floats(-1e3, 1e3),
    per_feature=st.booleans(),
    seed=st.integers(0, 2**31 - 2),
)
def test_corrupt_properties(
    shape, noise, noise_factor, scale, offset, per_feature, seed
):
    X = np.random.RandomState(seed).uniform(size=shape) * scale + offset
    value_range = None
    if per_feature:
        value_range = (X.min(axis=0), X.max(axis=0))
    before = X.copy()
    noisy = corrupt(
        X,
        noise=noise,
        noise_factor=noise_factor,
        value_range=value_range,
        random_state=seed,
    )
    np.testing.assert_array_equal(X, before)
    assert noisy.shape == X.shape and noisy.dtype == X.dtype
    changed = noisy != X
    if noise == "masking":
        assert (noisy[changed] == 0).all()
    elif noise == "salt_and_pepper":
        low, high = value_range if per_feature else (X.min(), X.max())
        low = np.broadcast_to(low, X.shape)[changed]
        high = np.broadcast_to(high, X.shape)[changed]
        assert ((noisy[changed] == low) | (noisy[changed] == high)).all()
    if noise_factor == 0:
        np.testing.assert_array_equal(noisy, X)


def _donor_check(X, noisy):
    """Every changed entry holds a value of its own column from another row."""
    changed = np.argwhere(noisy != X)
    for i, j in changed:
        donors = np.flatnonzero(X[:, j] == noisy[i, j])
        assert donors.size and (donors != i).any()
    return changed


def test_swap_takes_values_from_the_same_column():
    X = np.random.RandomState(0).normal(size=(300, 8))
    noisy = corrupt(X, noise="swap", noise_factor=0.15, random_state=0)
    changed = _donor_check(X, noisy)
    assert abs(len(changed) / X.size - 0.15) < 0.02
    # Each column keeps its own values: same multiset up to the swapped rows.
    assert np.isin(noisy, X).all()


def test_swap_keeps_missing_entries_and_never_copies_them():
    X = np.random.RandomState(0).normal(size=(200, 5))
    X[::3, 1] = np.nan
    noisy = corrupt(X, noise="swap", noise_factor=0.5, random_state=0)
    np.testing.assert_array_equal(np.isnan(noisy), np.isnan(X))


def test_swap_of_one_row_changes_nothing():
    X = np.arange(5.0).reshape(1, 5)
    np.testing.assert_array_equal(corrupt(X, noise="swap", noise_factor=1.0), X)


def test_grouped_swap_moves_whole_categories():
    rng = np.random.RandomState(0)
    onehot = np.eye(4)[rng.randint(0, 4, 500)]
    X = np.hstack([rng.normal(size=(500, 2)), onehot])
    groups = one_hot_groups([list("abcd")], start=2)
    noisy = corrupt(
        X, noise="swap", noise_factor=0.5, feature_groups=groups, random_state=0
    )
    # Still one category per row: never a single swapped bit.
    np.testing.assert_array_equal(noisy[:, 2:].sum(axis=1), 1)
    assert (noisy[:, 2:] != X[:, 2:]).any(axis=1).mean() > 0.2
    ungrouped = corrupt(X, noise="swap", noise_factor=0.5, random_state=0)
    assert (ungrouped[:, 2:].sum(axis=1) != 1).any()


def test_grouped_masking_masks_whole_groups():
    X = np.ones((400, 6))
    noisy = corrupt(
        X, noise="masking", noise_factor=0.3, feature_groups=[[0, 1, 2]], random_state=0
    )
    group = noisy[:, :3]
    assert set(np.unique(group.sum(axis=1))) == {0.0, 3.0}
    assert abs((group.sum(axis=1) == 0).mean() - 0.3) < 0.07


@pytest.mark.parametrize(
    "groups, match",
    [
        ([[0, 7]], r"in \[0, 6\)"),
        ([[0, 1], [1, 2]], "disjoint"),
        ([[]], "non-empty"),
        ([[0.5]], "column indices"),
        ([[0, 0]], "disjoint"),
        (5, "list"),
    ],
)
def test_feature_groups_errors(groups, match):
    with pytest.raises(ValueError, match=match):
        corrupt(np.ones((3, 6)), noise="swap", feature_groups=groups)


def test_feature_groups_need_a_whole_entry_noise():
    with pytest.raises(ValueError, match="feature_groups needs noise in"):
        corrupt(np.ones((3, 6)), noise="gaussian", feature_groups=[[0, 1]])


def test_one_hot_groups_from_categories_and_from_an_encoder():
    from sklearn.preprocessing import OneHotEncoder

    assert one_hot_groups([[1, 2], ["x"]], start=3) == [[3, 4], [5]]
    Xc = np.array([["a", "x"], ["b", "y"], ["c", "x"]], dtype=object)
    encoder = OneHotEncoder().fit(Xc)
    assert one_hot_groups(encoder) == [[0, 1, 2], [3, 4]]
    with pytest.raises(ValueError, match="drop=None"):
        one_hot_groups(OneHotEncoder(drop="first").fit(Xc))
    with pytest.raises(ValueError, match="fitted OneHotEncoder"):
        one_hot_groups(OneHotEncoder())
