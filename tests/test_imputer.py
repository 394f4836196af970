"""DenoisingAutoencoderImputer: scikit-learn's imputer conventions."""

import pickle

import numpy as np
import pytest
import skops.io as sio
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skdae import DenoisingAutoencoderImputer, _imputer

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


@pytest.mark.parametrize("keep_empty_features", [False, True])
def test_empty_features_are_dropped_or_filled_with_zero(holes, keep_empty_features):
    pd = pytest.importorskip("pandas")
    X, X_missing, missing = holes
    X_missing = X_missing.copy()
    X_missing[:, 5] = np.nan  # never observed
    frame = pd.DataFrame(X_missing, columns=[f"px{i}" for i in range(64)])
    imputer = DenoisingAutoencoderImputer(
        hidden_layer_sizes=(8,),
        epochs=1,
        add_indicator=True,
        keep_empty_features=keep_empty_features,
        random_state=0,
    ).fit(frame)
    np.testing.assert_array_equal(imputer.empty_features_, np.arange(64) == 5)
    out = imputer.transform(frame)
    names = list(imputer.get_feature_names_out())
    kept = [i for i in range(64) if keep_empty_features or i != 5]
    assert out.shape == (len(frame), len(kept) + 64) and len(names) == out.shape[1]
    assert names[: len(kept)] == [f"px{i}" for i in kept]
    # The indicator keeps the empty feature's column, as scikit-learn's do.
    assert "missingindicator_px5" in names
    values = out[:, : len(kept)]
    observed = ~np.isnan(X_missing[:, kept])
    np.testing.assert_array_equal(values[observed], X_missing[:, kept][observed])
    assert np.isfinite(values).all()
    if keep_empty_features:
        np.testing.assert_array_equal(values[:, 5], 0.0)
    # Values seen later in an empty feature are returned, not filled.
    later = imputer.transform(frame.fillna(7.0).iloc[:3])
    assert later.shape == (3, out.shape[1])
    if keep_empty_features:
        np.testing.assert_array_equal(later[:, 5], 7.0)


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


def test_emphasizing_the_hidden_entries_imputes_better(holes):
    X, X_missing, missing = holes

    def rmse(weight):
        imputer = DenoisingAutoencoderImputer(
            **FAST, noise_factor=0.1, corrupted_loss_weight=weight
        )
        filled = imputer.fit_transform(X_missing)[missing]
        return np.sqrt(np.mean((filled - X[missing]) ** 2))

    # With light masking ("auto" on wide data), 5 (its "auto" weight there)
    # against the plain denoising loss (3.33 against 3.42).
    assert rmse(5.0) < rmse(1.0)


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


def test_partial_fit_trains_on_chunks_with_the_first_chunks_scale(holes):
    X, X_missing, missing = holes
    chunks = np.array_split(X_missing, 4)
    imputer = DenoisingAutoencoderImputer(hidden_layer_sizes=(32,), random_state=0)
    imputer.partial_fit(chunks[0])
    scale = imputer.data_min_.copy(), imputer.data_range_.copy()
    first = imputer.transform(X_missing)
    # A later chunk far outside the first one's range: clipped for training.
    imputer.partial_fit(chunks[1] * 3 - 5)
    for _ in range(30):
        for chunk in chunks:
            imputer.partial_fit(chunk)
    assert imputer.autoencoder_.n_iter_ == 2 + 30 * 4
    np.testing.assert_array_equal(imputer.data_min_, scale[0])
    np.testing.assert_array_equal(imputer.data_range_, scale[1])
    filled = imputer.transform(X_missing)
    np.testing.assert_array_equal(filled[~missing], X[~missing])

    def rmse(values):
        return np.sqrt(np.mean((values[missing] - X[missing]) ** 2))

    mean = SimpleImputer().fit_transform(X_missing)
    assert rmse(filled) < 0.9 * rmse(mean) and rmse(filled) < rmse(first)


def test_partial_fit_reads_the_noise_and_refuses_a_new_network(holes):
    X_missing = holes[1]
    imputer = DenoisingAutoencoderImputer(hidden_layer_sizes=(8,), random_state=0)
    imputer.partial_fit(X_missing)
    imputer.set_params(noise_factor=0.3, learning_rate=1e-3).partial_fit(X_missing)
    assert imputer.autoencoder_.noise_factor == 0.3
    assert imputer.autoencoder_.learning_rate == 1e-3
    imputer.set_params(hidden_layer_sizes=(16,))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        imputer.partial_fit(X_missing)
    assert imputer.autoencoder_.hidden_layer_sizes == (8,)
    assert (imputer.hidden_layer_sizes_, imputer.noise_factor_) == ((8,), 0.3)
    assert imputer.autoencoder_.n_iter_ == 2
    with pytest.raises(ValueError, match="features"):
        imputer.set_params(hidden_layer_sizes=(8,)).partial_fit(X_missing[:, :10])


@pytest.mark.parametrize(
    "n_features, hidden_layer_sizes, noise_factor, weight",
    [(200, (512, 256), 0.3, 1.0), (201, (256,), 0.1, 5.0)],
)
def test_auto_settings_follow_the_number_of_features(
    n_features, hidden_layer_sizes, noise_factor, weight
):
    X = np.random.RandomState(0).rand(20, n_features)
    X[::3, 0] = np.nan
    imputer = DenoisingAutoencoderImputer(epochs=1, random_state=0).fit(X)
    assert imputer.hidden_layer_sizes_ == hidden_layer_sizes
    assert imputer.noise_factor_ == noise_factor
    assert imputer.autoencoder_.hidden_layer_sizes == hidden_layer_sizes
    assert imputer.autoencoder_.noise_factor == noise_factor
    assert imputer.corrupted_loss_weight_ == weight
    assert imputer.autoencoder_.corrupted_loss_weight == weight
    # Values given are used as they are; "auto" stays in get_params.
    imputer.set_params(
        hidden_layer_sizes=(8,), noise_factor=0.2, corrupted_loss_weight=2.0
    ).fit(X)
    assert imputer.hidden_layer_sizes_ == imputer.autoencoder_.hidden_layer_sizes
    assert (imputer.hidden_layer_sizes_, imputer.noise_factor_) == ((8,), 0.2)
    assert imputer.autoencoder_.corrupted_loss_weight == 2.0
    assert DenoisingAutoencoderImputer().get_params()["noise_factor"] == "auto"


def test_fits_in_threads_equal_a_fit_alone(holes):
    from concurrent.futures import ThreadPoolExecutor

    X_missing = holes[1][:400]

    def fit(_):
        imputer = DenoisingAutoencoderImputer(
            hidden_layer_sizes=(16,), epochs=3, random_state=0
        )
        return imputer.fit(X_missing).transform(X_missing)

    alone = fit(None)
    with ThreadPoolExecutor(3) as pool:
        for filled in pool.map(fit, range(3)):
            np.testing.assert_array_equal(filled, alone)


def test_a_first_partial_fit_that_fails_leaves_it_unfitted(holes):
    from sklearn.exceptions import NotFittedError

    def not_a_network(n_features):
        return None

    imputer = DenoisingAutoencoderImputer(model=not_a_network)
    with pytest.raises(TypeError, match="keras.Model"):
        imputer.partial_fit(holes[1][:50])
    with pytest.raises(NotFittedError):
        imputer.transform(holes[1][:5])


@pytest.fixture(scope="module")
def neighbour_imputer(holes):
    return DenoisingAutoencoderImputer(**FAST, n_neighbors=5).fit(holes[1])


def test_neighbours_fill_with_real_values_of_the_nearest_rows():
    # Three well-separated prototypes, 20 copies each, with holes: every
    # copy's nearest rows are its own prototype's, so n_neighbors fills are
    # that prototype's values exactly, which the autoencoder alone (one
    # epoch) does not reach.
    rng = np.random.RandomState(0)
    prototypes = rng.rand(3, 12)
    X = np.repeat(prototypes, 20, axis=0)
    missing = rng.rand(*X.shape) < 0.2
    X_missing = np.where(missing, np.nan, X)
    params = {"hidden_layer_sizes": (8,), "epochs": 1, "random_state": 0}
    neighbours = DenoisingAutoencoderImputer(**params, n_neighbors=3)
    np.testing.assert_allclose(neighbours.fit_transform(X_missing), X)
    alone = DenoisingAutoencoderImputer(**params).fit_transform(X_missing)
    assert not np.allclose(alone[missing], X[missing], atol=1e-3)


def test_neighbours_keep_the_training_rows(neighbour_imputer, imputer, holes):
    X, X_missing, missing = holes
    np.testing.assert_array_equal(neighbour_imputer.donors_, X_missing)
    assert neighbour_imputer.neighbors_.n_neighbors == 20  # 4 * n_neighbors
    assert imputer.neighbors_ is None and imputer.donors_ is None
    filled = neighbour_imputer.transform(X_missing)
    np.testing.assert_array_equal(filled[~missing], X[~missing])
    # Means of 5 observed values of digits, which are integers 0-16.
    np.testing.assert_allclose(filled * 5, np.round(filled * 5), atol=1e-9)
    # Same network as `imputer` (same seed): only the fills differ.
    assert not np.array_equal(filled, imputer.transform(X_missing))


def test_neighbours_leave_the_reconstruction_where_no_donor_observes(holes):
    _, X_missing, _ = holes
    X_missing = X_missing[:100].copy()
    X_missing[:, 0] = np.nan  # an empty feature: no donor ever observes it
    X_missing[1:, 5] = np.nan  # a feature only row 0 observes
    X_missing[0, 5] = 7.0
    params = {**FAST, "keep_empty_features": True}
    neighbours = DenoisingAutoencoderImputer(**params, n_neighbors=3)
    filled = neighbours.fit_transform(X_missing)
    # The same network without neighbours: n_neighbors does not change it.
    alone = DenoisingAutoencoderImputer(**params).fit_transform(X_missing)
    np.testing.assert_array_equal(filled[:, 0], 0.0)
    # Rows with row 0 among their 12 nearest take its value; the others
    # keep the reconstruction.
    found = filled[1:, 5] == 7.0
    np.testing.assert_array_equal(filled[1:, 5][~found], alone[1:, 5][~found])
    assert 0 < found.sum() < 99
    # More neighbours than rows: every row is a candidate donor.
    many = DenoisingAutoencoderImputer(**params, n_neighbors=500).fit(X_missing)
    assert many.neighbors_.n_neighbors == 100
    np.testing.assert_array_equal(many.transform(X_missing)[:, 5], 7.0)


def test_neighbours_refuse_partial_fit(holes):
    imputer = DenoisingAutoencoderImputer(**FAST, n_neighbors=5)
    assert not hasattr(imputer, "partial_fit")
    with pytest.raises(AttributeError, match="no attribute 'partial_fit'") as error:
        imputer.partial_fit(holes[1])
    assert "cannot keep the training rows" in str(error.value.__cause__)


def test_neighbours_survive_skops(neighbour_imputer, holes, tmp_path):
    X_missing = holes[1][:50]
    expected = neighbour_imputer.transform(X_missing)
    sio.dump(neighbour_imputer, tmp_path / "imputer.skops")
    trusted = sio.get_untrusted_types(file=tmp_path / "imputer.skops")
    assert all(name.startswith("skdae.") for name in trusted)
    loaded = sio.load(tmp_path / "imputer.skops", trusted=trusted)
    np.testing.assert_array_equal(loaded.transform(X_missing), expected)


def test_neighbours_gathered_in_chunks_fill_the_same(
    neighbour_imputer, holes, monkeypatch
):
    X_missing = holes[1][:60]
    expected = neighbour_imputer.transform(X_missing)
    monkeypatch.setattr(_imputer, "_GATHER_BUDGET", 7 * 20 * 64)  # 7 rows
    np.testing.assert_array_equal(neighbour_imputer.transform(X_missing), expected)


@pytest.fixture(scope="module")
def with_empty_feature(holes):
    X_missing = holes[1].copy()
    X_missing[:, 5] = np.nan  # never observed in fit
    with pytest.warns(UserWarning, match=r"without any observed values: \[5\]"):
        imputer = DenoisingAutoencoderImputer(
            hidden_layer_sizes=(16,), epochs=5, random_state=0
        ).fit(X_missing)
    return imputer, X_missing


def test_a_feature_empty_in_fit_does_not_move_the_fills(with_empty_feature):
    imputer, X_missing = with_empty_feature
    X_test = X_missing[:50].copy()
    plain = imputer.transform(X_test)
    X_test[:, 5] = 50.0  # a value where fit saw none
    np.testing.assert_array_equal(imputer.transform(X_test), plain)


def test_keeping_empty_features_does_not_warn(holes):
    import warnings

    X_missing = holes[1].copy()
    X_missing[:, 5] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        DenoisingAutoencoderImputer(
            hidden_layer_sizes=(4,), epochs=1, keep_empty_features=True
        ).fit(X_missing)


def test_a_failed_refit_keeps_the_whole_old_state(imputer, holes):
    import copy

    fitted = copy.deepcopy(imputer)
    X_missing = holes[1]
    before = fitted.transform(X_missing)
    scale = fitted.data_min_.copy(), fitted.data_range_.copy()
    # Other data, and a learning rate that makes training diverge.
    fitted.set_params(learning_rate=1e12)
    with pytest.raises(ValueError, match="diverged"):
        fitted.fit(X_missing * 100 + 7)
    np.testing.assert_array_equal(fitted.data_min_, scale[0])
    np.testing.assert_array_equal(fitted.data_range_, scale[1])
    np.testing.assert_array_equal(fitted.transform(X_missing), before)


def test_the_nan_tag_follows_the_placeholder():
    assert DenoisingAutoencoderImputer().__sklearn_tags__().input_tags.allow_nan
    tags = DenoisingAutoencoderImputer(missing_values=0).__sklearn_tags__()
    assert tags.input_tags.allow_nan is False
    assert SimpleImputer(missing_values=0).__sklearn_tags__().input_tags.allow_nan is (
        False
    )


def test_string_and_pandas_na_placeholders(holes):
    pd = pytest.importorskip("pandas")
    X, X_missing, missing = holes
    X_strings = X_missing[:200].astype(object)
    X_strings[missing[:200]] = "NA"
    X_pd_na = X_missing[:200].astype(object)
    X_pd_na[missing[:200]] = pd.NA
    filled = {}
    for placeholder, data in [("NA", X_strings), (pd.NA, X_pd_na)]:
        imputer = DenoisingAutoencoderImputer(
            missing_values=placeholder,
            hidden_layer_sizes=(8,),
            epochs=2,
            random_state=0,
        )
        filled[placeholder is pd.NA] = imputer.fit_transform(data)
        observed = ~missing[:200]
        np.testing.assert_array_equal(
            filled[placeholder is pd.NA][observed], X[:200][observed]
        )
    reference = DenoisingAutoencoderImputer(
        hidden_layer_sizes=(8,), epochs=2, random_state=0
    ).fit_transform(X_missing[:200])
    np.testing.assert_allclose(filled[False], reference)
    np.testing.assert_allclose(filled[True], reference)


def test_float32_in_float32_out(imputer, holes):
    X32 = holes[1][:20].astype(np.float32)
    out = imputer.transform(X32)
    assert out.dtype == np.float32
    assert KNNImputer().fit(X32).transform(X32).dtype == np.float32
    np.testing.assert_allclose(
        out, imputer.transform(holes[1][:20]), rtol=1e-5, atol=1e-4
    )
