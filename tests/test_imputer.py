"""DenoisingAutoencoderImputer: scikit-learn's imputer conventions."""

import pickle

import numpy as np
import pytest
import skops.io as sio
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skdae import DenoisingAutoencoderImputer

FAST = {"hidden_layer_sizes": (32, 16), "epochs": 20, "random_state": 0}


@pytest.fixture(scope="module")
def holes(digits):
    X = digits[0] * 16  # unscaled: the imputer scales by itself
    missing = np.random.RandomState(0).rand(*X.shape) < 0.2
    return X, np.where(missing, np.nan, X), missing


@pytest.fixture(scope="module")
def imputer(holes):
    return DenoisingAutoencoderImputer(**FAST).fit(holes[1])


def test_observed_entries_are_unchanged_and_missing_ones_filled(imputer, holes):
    X, X_missing, missing = holes
    filled = imputer.transform(X_missing)
    np.testing.assert_array_equal(filled[~missing], X[~missing])
    assert np.isfinite(filled).all()
    # Within each feature's observed range, as the sigmoid output maps it.
    assert (filled >= imputer.data_min_ - 1e-9).all()
    assert (filled <= imputer.data_min_ + imputer.data_range_ + 1e-9).all()


def test_it_imputes_better_than_the_mean(imputer, holes):
    X, X_missing, missing = holes
    ours = imputer.transform(X_missing)[missing]
    mean = SimpleImputer().fit_transform(X_missing)[missing]
    rmse = np.sqrt(np.mean((ours - X[missing]) ** 2))
    assert rmse < 0.8 * np.sqrt(np.mean((mean - X[missing]) ** 2))


def test_add_indicator_and_feature_names(holes):
    pd = pytest.importorskip("pandas")
    _, X_missing, missing = holes
    X_missing = X_missing.copy()
    X_missing[:, 0] = 0.0  # never missing: no indicator column
    frame = pd.DataFrame(X_missing, columns=[f"px{i}" for i in range(64)])
    imputer = DenoisingAutoencoderImputer(
        hidden_layer_sizes=(8,), epochs=1, add_indicator=True, random_state=0
    ).fit(frame)
    out = imputer.transform(frame)
    names = imputer.get_feature_names_out()
    assert out.shape == (len(frame), 64 + 63) and len(names) == out.shape[1]
    assert names[0] == "px0" and names[64] == "missingindicator_px1"
    np.testing.assert_array_equal(out[:, 64:], missing[:, 1:])


def test_another_placeholder(holes):
    X, X_missing, missing = holes
    placeholder = np.where(missing, -1.0, X)
    imputer = DenoisingAutoencoderImputer(
        missing_values=-1, hidden_layer_sizes=(8,), epochs=1, random_state=0
    ).fit(placeholder)
    filled = imputer.transform(placeholder)
    np.testing.assert_array_equal(filled[~missing], X[~missing])
    assert (filled[missing] != -1).all()


def test_pickle_and_skops_round_trips(imputer, holes, tmp_path):
    X_missing = holes[1]
    expected = imputer.transform(X_missing)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(imputer)).transform(X_missing), expected
    )
    sio.dump(imputer, tmp_path / "imputer.skops")
    trusted = sio.get_untrusted_types(file=tmp_path / "imputer.skops")
    assert all(name.startswith("skdae.") for name in trusted)
    loaded = sio.load(tmp_path / "imputer.skops", trusted=trusted)
    np.testing.assert_array_equal(loaded.transform(X_missing), expected)


def test_in_a_pipeline_against_knn(holes, digits):
    _, X_missing, _ = holes
    y = digits[3]
    ours = make_pipeline(
        DenoisingAutoencoderImputer(**FAST), LogisticRegression(max_iter=500)
    ).fit(X_missing, y)
    knn = make_pipeline(KNNImputer(), LogisticRegression(max_iter=500))
    knn.fit(X_missing, y)
    # Training accuracy: both pipelines work end to end on data with holes.
    assert ours.score(X_missing, y) > 0.9 and knn.score(X_missing, y) > 0.9
