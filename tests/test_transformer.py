"""DenoisingAutoencoderTransformer: behaviour, errors, persistence."""

import copy
import pickle
import random
import subprocess
import sys
import threading
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoderTransformer, _backend

TINY = {"hidden_layer_sizes": (8, 4), "epochs": 2, "batch_size": 32}


def test_transform_shapes_and_dtypes(fitted, digits):
    X_test = digits[1]
    assert fitted.transform(X_test).shape == X_test.shape
    assert fitted.transform(X_test).dtype == np.float64
    assert fitted.transform(X_test.astype(np.float32)).dtype == np.float32
    encoder = copy.copy(fitted).set_params(transform_output="encoded")
    assert encoder.transform(X_test).shape == (X_test.shape[0], 32)


def test_fitted_attributes(fitted, digits):
    assert fitted.n_features_in_ == 64
    assert fitted.output_activation_ == "sigmoid"
    assert fitted.loss_ == "binary_crossentropy"
    assert fitted.clip_range_ == (0.0, 1.0)
    assert fitted.n_iter_ == 20 == len(fitted.history_["loss"])
    assert fitted.history_["loss"][-1] < fitted.history_["loss"][0]
    assert fitted.encoder_.output.shape[-1] == 32
    assert fitted.decoder_.output.shape[-1] == 64
    assert not hasattr(fitted, "regressor_")  # scikeras builds; we own model_


def test_standardized_data_gets_linear_output_and_mse(rng):
    X = rng.standard_normal((40, 5))
    dae = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X)
    assert dae.output_activation_ == "linear"
    assert dae.loss_ == "mse"
    assert dae.clip_range_ is None  # "auto" clips [0, 1] data only
    assert dae.transform(X).min() < 0


def test_fast_transform_matches_keras_predict(fitted, digits):
    X = digits[2].astype(np.float32)
    np.testing.assert_allclose(
        fitted.transform(X), fitted.model_.predict(X, verbose=0), atol=1e-5
    )
    np.testing.assert_allclose(
        fitted.transform(X[:1]), fitted.model_.predict_on_batch(X[:1]), atol=1e-5
    )
    codes = fitted.encoder_.predict(X, verbose=0)
    np.testing.assert_allclose(
        fitted.decoder_.predict(codes, verbose=0), fitted.transform(X), atol=1e-5
    )


def test_encoded_output_and_inverse_transform(fitted, digits):
    X = digits[2]
    # A shallow copy shares the trained network; only transform_output changes.
    encoder = copy.copy(fitted).set_params(transform_output="encoded")
    codes = encoder.transform(X)
    np.testing.assert_allclose(
        codes, fitted.encoder_.predict(X.astype(np.float32), verbose=0), atol=1e-5
    )
    np.testing.assert_allclose(encoder.inverse_transform(codes), fitted.transform(X))
    # A denoised output is already in input space.
    np.testing.assert_array_equal(fitted.inverse_transform(X), X)
    with pytest.raises(ValueError, match="inverse_transform expects 32"):
        encoder.inverse_transform(X)


def test_denoising_beats_the_noisy_input(fitted, digits):
    _, X_test, X_noisy, _, _ = digits
    noisy_mse = np.mean((X_noisy - X_test) ** 2)
    denoised_mse = np.mean((fitted.transform(X_noisy) - X_test) ** 2)
    assert denoised_mse < 0.8 * noisy_mse


def test_score_is_negative_reconstruction_error(fitted, digits):
    _, X_test, X_noisy, _, y_test = digits
    denoised = fitted.transform(X_noisy)
    assert fitted.score(X_noisy, X_clean=X_test) == pytest.approx(
        -np.mean((denoised - X_test) ** 2)
    )
    assert fitted.score(X_noisy) == pytest.approx(-np.mean((denoised - X_noisy) ** 2))
    # y is ignored: labels passed along by a search are never clean targets,
    # even when they have the shape of a one-feature X.
    assert fitted.score(X_noisy, y_test) == fitted.score(X_noisy)
    with pytest.raises(ValueError, match="X_clean has shape"):
        fitted.score(X_noisy, X_clean=X_test[:5])


def test_score_samples_is_per_sample_and_averages_to_score(fitted, digits):
    X_noisy = digits[2]
    scores = fitted.score_samples(X_noisy)
    assert scores.shape == (X_noisy.shape[0],)
    assert scores.mean() == pytest.approx(fitted.score(X_noisy))
    np.testing.assert_allclose(
        scores, -((fitted.transform(X_noisy) - X_noisy) ** 2).mean(axis=1)
    )


def test_feature_names_and_pandas_output(fitted, digits):
    pd = pytest.importorskip("pandas")
    columns = [f"px{i}" for i in range(64)]
    X = pd.DataFrame(digits[0], columns=columns)
    dae = DenoisingAutoencoderTransformer(**TINY, random_state=0).set_output(
        transform="pandas"
    )
    out = dae.fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == columns
    assert list(dae.feature_names_in_) == columns
    dae.set_params(transform_output="encoded")
    codes = dae.transform(X)
    assert list(codes.columns) == [
        f"denoisingautoencodertransformer{i}" for i in range(4)
    ]


def test_fit_transform_equals_fit_then_transform_and_is_reproducible(digits):
    X = digits[0][:200]
    a = DenoisingAutoencoderTransformer(**TINY, random_state=42).fit_transform(X)
    b = DenoisingAutoencoderTransformer(**TINY, random_state=42).fit(X).transform(X)
    c = DenoisingAutoencoderTransformer(**TINY, random_state=7).fit(X).transform(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_fit_leaves_global_random_state_alone(digits):
    from tensorflow.python.eager import context

    np_state, py_state = np.random.get_state(), random.getstate()
    tf_seed = context.global_seed()
    DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(digits[0][:100])
    assert random.getstate() == py_state
    after = np.random.get_state()
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1])
    assert context.global_seed() == tf_seed
    # An unseeded fit still works after a seeded one (scikeras's own seeding
    # would have left TensorFlow's op determinism on, which breaks it), and
    # draws its seed without touching the global generators either.
    DenoisingAutoencoderTransformer(**TINY).fit(digits[0][:100])
    assert random.getstate() == py_state
    after = np.random.get_state()
    assert np.array_equal(after[1], np_state[1])


def test_never_modifies_the_callers_array(fitted, digits):
    X = digits[2].copy()
    X_before = X.copy()
    fitted.transform(X)
    fitted.score(X)
    DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X)
    np.testing.assert_array_equal(X, X_before)


def test_pipeline_with_classifier(digits):
    X_train, X_test, _, y_train, y_test = digits
    pipe = Pipeline(
        [
            (
                "dae",
                DenoisingAutoencoderTransformer(
                    (64, 32), epochs=10, batch_size=32, random_state=0
                ),
            ),
            ("clf", LogisticRegression(max_iter=1000)),
        ]
    ).fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.8


def test_grid_search_over_noise_factor_in_worker_processes(digits):
    X_train, _, _, y_train, _ = digits
    pipe = Pipeline(
        [
            ("dae", DenoisingAutoencoderTransformer(**TINY, random_state=0)),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    search = GridSearchCV(pipe, {"dae__noise_factor": [0.1, 0.5]}, cv=2, n_jobs=2).fit(
        X_train[:300], y_train[:300]
    )
    assert search.best_params_["dae__noise_factor"] in (0.1, 0.5)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.predict(X_train[:5]).shape == (5,)


def test_clone_keeps_parameters_including_callbacks():
    import keras

    stop = keras.callbacks.EarlyStopping(patience=3)
    dae = DenoisingAutoencoderTransformer(callbacks=[stop], noise="masking")
    cloned = clone(dae)
    assert cloned.get_params()["noise"] == "masking"
    assert cloned.callbacks[0].patience == 3


def test_pickle_round_trip_in_a_fresh_process(fitted, digits, tmp_path):
    X = digits[2]
    path = tmp_path / "dae.joblib"
    joblib.dump(fitted, path)
    np.save(tmp_path / "X.npy", X)
    script = (
        "import joblib, numpy as np\n"
        f"dae = joblib.load({str(path)!r})\n"
        f"X = np.load({str(tmp_path / 'X.npy')!r})\n"
        f"np.save({str(tmp_path / 'out.npy')!r}, dae.transform(X))\n"
        f"np.savez({str(tmp_path / 'weights.npz')!r}, *dae.model_.get_weights())\n"
        "assert dae.model_.predict(X[:2], verbose=0).shape == (2, 64)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    with np.load(tmp_path / "weights.npz") as loaded:
        weights = [loaded[f"arr_{i}"] for i in range(len(loaded.files))]
    for got, want in zip(weights, fitted.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    # Same weights, same arithmetic; only a BLAS with another thread count in
    # the other process may round the last bit differently.
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npy"), fitted.transform(X), rtol=1e-12, atol=1e-15
    )
    # In-process pickle too, and the model can keep training.
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X), fitted.transform(X))
    restored.partial_fit(digits[0])
    assert restored.n_iter_ == fitted.n_iter_ + 1


def test_partial_fit_continues_training_and_checks_width(digits):
    X = digits[0][:300]
    dae = DenoisingAutoencoderTransformer(**TINY, random_state=0)
    dae.partial_fit(X)
    model = dae.model_
    dae.partial_fit(X)
    assert dae.model_ is model
    assert dae.n_iter_ == 2 == len(dae.history_["loss"])
    with pytest.raises(ValueError, match="X has 10 features, but"):
        dae.partial_fit(X[:, :10])


def test_sample_weight_is_used(digits):
    X = digits[0][:200]
    w = np.ones(len(X))
    w[:100] = 0.0
    a = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X, sample_weight=w)
    b = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X)
    assert not np.allclose(a.transform(X), b.transform(X))
    with pytest.raises(ValueError, match="sample_weight"):
        DenoisingAutoencoderTransformer(**TINY).fit(X, sample_weight=w[:10])


def test_quiet_by_default(tmp_path):
    script = (
        "import numpy as np\n"
        "from skdae import DenoisingAutoencoderTransformer as D\n"
        "X = np.random.RandomState(0).rand(50, 6)\n"
        "D((4,), epochs=2).fit(X).transform(X)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == ""
    assert done.stderr == ""


# --- bad input: clear scikit-learn errors before TensorFlow sees the data ---


@pytest.mark.parametrize(
    "X, error, match",
    [
        ([[0.1, np.inf], [0.2, 0.3]], ValueError, "infinity"),
        ([["a", "b"], ["c", "d"]], ValueError, "could not convert|numeric values"),
        (np.array([[object(), 1.0], [2.0, 3.0]], dtype=object), TypeError, "float"),
        ([0.1, 0.2, 0.3], ValueError, "Expected 2D array"),
        (np.zeros((3, 2, 2)), ValueError, "Found array with dim 3"),
        (np.zeros((0, 3)), ValueError, "0 sample"),
        (sp.csr_matrix(np.eye(3)), TypeError, "dense data is required"),
    ],
    ids=["inf", "strings", "object", "1d", "3d", "empty", "sparse"],
)
def test_bad_input_raises_clear_errors(X, error, match):
    with pytest.raises(error, match=match):
        DenoisingAutoencoderTransformer(**TINY).fit(X)


def test_transform_checks(fitted, digits):
    with pytest.raises(ValueError, match="X has 10 features, but"):
        fitted.transform(digits[1][:, :10])
    with pytest.raises(ValueError, match="infinity"):
        fitted.transform(np.full((2, 64), np.inf))
    with pytest.raises(NotFittedError):
        DenoisingAutoencoderTransformer().transform(digits[1])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"noise_factor": -0.1}, "noise_factor"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"hidden_layer_sizes": ()}, "at least one layer"),
        ({"hidden_layer_sizes": (8, 0)}, "positive integers"),
        ({"noise": "pink"}, "noise"),
        ({"activation": "swoosh"}, "activation"),
        ({"loss": "hinge"}, "loss"),
        ({"optimizer": "newton"}, "optimizer"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"validation_fraction": 1.5}, "validation_fraction"),
        ({"transform_output": "latent"}, "transform_output"),
        ({"noise": "masking", "noise_factor": 1.5}, r"must be in \[0, 1\]"),
        ({"clip_range": (1, 0)}, "low < high"),
        ({"clip_range": "clip"}, "clip_range"),
    ],
)
def test_invalid_parameters(params, match, digits):
    with pytest.raises(ValueError, match=match):
        DenoisingAutoencoderTransformer(**params).fit(digits[0][:20])


def test_validation_split_rounds_up_and_names_what_the_user_set():
    X = np.random.RandomState(0).rand(5, 3)
    dae = DenoisingAutoencoderTransformer(**TINY, early_stopping=True).fit(X)
    assert len(dae.history_["val_loss"]) == dae.n_iter_  # one of 5 rows held out
    with pytest.raises(ValueError, match=r"early_stopping=True, which holds out"):
        DenoisingAutoencoderTransformer(**TINY, early_stopping=True).fit(X[:1])
    with pytest.raises(ValueError, match=r"validation_fraction=0.5 leaves no"):
        DenoisingAutoencoderTransformer(**TINY, validation_fraction=0.5).fit(X[:1])


def test_dae_replaces_pca_in_a_pipeline(digits):
    X_train, X_test, _, y_train, y_test = digits
    dae = DenoisingAutoencoderTransformer(
        (32, 16), epochs=10, batch_size=32, transform_output="encoded", random_state=0
    )
    for reducer in (PCA(16), dae):
        clf = LogisticRegression(max_iter=2000)
        pipe = Pipeline([("reduce", reducer), ("clf", clf)])
        assert pipe.fit(X_train, y_train).score(X_test, y_test) > 0.8


# --- correctness: noise, partial_fit, "auto" choices, seeds, weights, refits ---


def test_partial_fit_streams_get_iid_noise():
    # A 32-row first chunk used to fix a 32-row bank of noise for ever.
    X = np.random.RandomState(0).rand(32, 64)
    dae = DenoisingAutoencoderTransformer(**TINY, noise_factor=0.5, random_state=0)
    dae.partial_fit(X).partial_fit(X)
    layer = dae.model_.get_layer("corruption")
    flat = np.full((32, 64), 0.5, dtype=np.float32)
    draws = np.concatenate(
        [np.asarray(layer(flat, training=True)) - flat for _ in range(4)]
    ).ravel()
    draws = draws[np.abs(draws) < 0.49]  # the part that [0, 1] clipping keeps
    assert np.unique(draws).size > 0.99 * draws.size
    # N(0, 0.25) restricted to (-0.49, 0.49): mean 0 and std 0.262.
    assert abs(draws.mean()) < 0.02
    assert abs(draws.std() - 0.262) < 0.01


def test_partial_fit_holds_nothing_out_even_with_early_stopping():
    X = np.random.RandomState(0).rand(5, 3)
    dae = DenoisingAutoencoderTransformer(**TINY, early_stopping=True)
    dae.partial_fit(X)  # 5 rows: no hidden split, no error
    assert dae.n_iter_ == 1 and list(dae.history_) == ["loss"]


def test_partial_fit_after_fit_keeps_every_history_list_aligned(digits):
    X = digits[0][:200]
    dae = DenoisingAutoencoderTransformer(**TINY, validation_fraction=0.2).fit(X)
    dae.partial_fit(X).partial_fit(X)
    assert dae.n_iter_ == 4
    assert len(dae.history_["loss"]) == len(dae.history_["val_loss"]) == 4
    assert np.isfinite(dae.history_["val_loss"][:2]).all()
    assert np.isnan(dae.history_["val_loss"][2:]).all()


def test_auto_noise_factor_is_the_recipe_on_unit_data_and_smaller_otherwise(
    rng, digits
):
    X_unit = digits[0][:200]
    auto = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X_unit)
    assert auto.noise_factor == "auto" and auto.noise_factor_ == 0.5
    recipe = DenoisingAutoencoderTransformer(**TINY, noise_factor=0.5, random_state=0)
    np.testing.assert_array_equal(
        auto.transform(X_unit), recipe.fit(X_unit).transform(X_unit)
    )
    X_standardized = rng.standard_normal((40, 5))
    dae = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X_standardized)
    assert dae.noise_factor_ == 0.2
    layer = dae.model_.get_layer("corruption")
    assert float(layer.noise_factor.numpy()) == pytest.approx(0.2)
    explicit = DenoisingAutoencoderTransformer(**TINY, noise_factor=0.7, random_state=0)
    assert explicit.fit(X_standardized).noise_factor_ == 0.7


def test_partial_fit_keeps_the_first_chunks_auto_noise_factor(rng):
    dae = DenoisingAutoencoderTransformer(**TINY, random_state=0)
    dae.partial_fit(rng.standard_normal((40, 5)))
    assert dae.noise_factor_ == 0.2
    dae.partial_fit(rng.rand(40, 5))  # in [0, 1], where "auto" would be 0.5
    assert dae.noise_factor_ == 0.2
    assert float(dae.model_.get_layer("corruption").noise_factor.numpy()) == (
        pytest.approx(0.2)
    )
    dae.set_params(noise_factor=0.1).partial_fit(rng.rand(40, 5))
    assert dae.noise_factor_ == 0.1
    dae.set_params(noise_factor="auto").partial_fit(rng.rand(40, 5))
    assert dae.noise_factor_ == 0.2  # "auto" is the choice for the first chunk


@pytest.mark.parametrize("with_nan", [False, True])
def test_corrupted_loss_weight_near_1_trains_as_the_plain_loss(digits, with_nan):
    # The weighted loss is a separate training step: near weight 1 it must
    # draw the same noise and take the same steps as the plain one.
    X = digits[0][:200].copy()
    if with_nan:
        X[np.random.RandomState(0).rand(*X.shape) < 0.2] = np.nan
    params = dict(TINY, noise="masking", noise_factor=0.3, random_state=0)
    plain = DenoisingAutoencoderTransformer(**params).fit(X)
    near = DenoisingAutoencoderTransformer(**params, corrupted_loss_weight=1 + 1e-6)
    near.fit(X)
    far = DenoisingAutoencoderTransformer(**params, corrupted_loss_weight=5.0).fit(X)
    np.testing.assert_allclose(near.history_["loss"], plain.history_["loss"], rtol=1e-4)
    np.testing.assert_allclose(near.transform(X), plain.transform(X), atol=1e-4)
    assert not np.allclose(far.transform(X), plain.transform(X), atol=1e-3)


def test_partial_fit_applies_new_learning_rate_and_noise_factor(digits):
    X = digits[0][:200]
    dae = DenoisingAutoencoderTransformer(**TINY, random_state=0).partial_fit(X)
    dae.set_params(learning_rate=0.05, noise_factor=0.1).partial_fit(X)
    assert float(dae.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.05)
    assert float(dae.model_.get_layer("corruption").noise_factor.numpy()) == (
        pytest.approx(0.1)
    )
    # A learning rate of ~0 leaves the network as it was.
    before = dae.transform(X)
    dae.set_params(learning_rate=1e-30).partial_fit(X)
    np.testing.assert_allclose(dae.transform(X), before, atol=1e-6)


@pytest.mark.parametrize(
    "change",
    [
        {"optimizer": "sgd"},
        {"hidden_layer_sizes": (8, 2)},
        {"loss": "mse"},
        {"noise": "masking"},
    ],
)
def test_partial_fit_refuses_changes_that_cannot_take_effect(digits, change):
    X = digits[0][:100]
    dae = DenoisingAutoencoderTransformer(**TINY).partial_fit(X)
    with pytest.raises(
        ValueError, match=f"partial_fit cannot change {next(iter(change))}"
    ):
        dae.set_params(**change).partial_fit(X)
    assert dae.n_iter_ == 1


def test_auto_loss_follows_the_output_activation(digits):
    X = digits[0][:100]
    for activation in ("linear", "tanh"):
        dae = DenoisingAutoencoderTransformer(**TINY, output_activation=activation)
        assert dae.fit(X).loss_ == "mse"


def test_binary_crossentropy_needs_unit_data_and_a_sigmoid_output(rng, digits):
    with pytest.raises(ValueError, match="needs training data in \\[0, 1\\]"):
        DenoisingAutoencoderTransformer(**TINY, loss="binary_crossentropy").fit(
            rng.standard_normal((40, 5))
        )
    with pytest.raises(ValueError, match="output_activation='sigmoid'"):
        DenoisingAutoencoderTransformer(
            **TINY, loss="binary_crossentropy", output_activation="linear"
        ).fit(digits[0][:50])


def test_minmax_scaled_data_count_as_unit_interval(rng):
    from sklearn.preprocessing import MinMaxScaler

    X = MinMaxScaler().fit_transform(rng.standard_normal((60, 4)) * 7 + 3)
    X[0, 0], X[1, 1] = 1.0000000000000002, -5.551115123125783e-17  # float rounding
    dae = DenoisingAutoencoderTransformer(**TINY).fit(X)
    assert (dae.output_activation_, dae.loss_) == ("sigmoid", "binary_crossentropy")
    assert dae.clip_range_ == (0.0, 1.0)


def test_random_state_ignores_tensorflow_global_seeds(digits):
    import tensorflow as tf

    X = digits[0][:200]
    outputs = []
    try:
        for global_seed in (1, 2):
            tf.random.set_seed(global_seed)
            dae = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X)
            outputs.append(dae.transform(X))
    finally:
        tf.random.set_seed(None)
    np.testing.assert_array_equal(outputs[0], outputs[1])


def test_sample_weight_scale_does_not_matter_and_negatives_raise(digits):
    X = digits[0][:200]
    w = np.random.RandomState(0).randint(1, 4, size=len(X)).astype(float)
    a = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X, sample_weight=w)
    b = DenoisingAutoencoderTransformer(**TINY, random_state=0)
    b.fit(X, sample_weight=100 * w)
    np.testing.assert_allclose(a.transform(X), b.transform(X), atol=1e-5)
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        DenoisingAutoencoderTransformer(**TINY).fit(X, sample_weight=w - 2)


def test_salt_and_pepper_values_are_per_feature_on_standardized_data(rng):
    X = rng.standard_normal((80, 5)) * np.arange(1, 6)
    dae = DenoisingAutoencoderTransformer(**TINY, noise="salt_and_pepper").fit(X)
    low, high = dae.model_.get_layer("corruption").value_range
    np.testing.assert_allclose(low, X.min(axis=0))
    np.testing.assert_allclose(high, X.max(axis=0))
    unit = DenoisingAutoencoderTransformer(**TINY, noise="salt_and_pepper")
    assert unit.fit(X / 100 + 0.5).model_.get_layer("corruption").value_range == (
        0.0,
        1.0,
    )


@pytest.mark.parametrize("value", [0.5, 5.0])
def test_constant_data_are_still_corrupted(value):
    X = np.full((40, 3), value)
    dae = DenoisingAutoencoderTransformer(**TINY).fit(X)
    layer = dae.model_.get_layer("corruption")
    noisy = np.asarray(layer(X.astype(np.float32), training=True))
    assert np.abs(noisy - X).mean() > 0.1


def test_a_failed_refit_keeps_the_previous_fitted_state(rng):
    X3 = rng.rand(40, 3)
    dae = DenoisingAutoencoderTransformer(**TINY, random_state=0).fit(X3)
    before = dae.transform(X3)
    with pytest.raises(ValueError, match="Negative values"):
        dae.fit(rng.rand(40, 5), sample_weight=-np.ones(40))
    assert dae.n_features_in_ == 3
    np.testing.assert_array_equal(dae.transform(X3), before)
    with pytest.raises(ValueError, match="binary_crossentropy"):
        dae.set_params(loss="binary_crossentropy").fit(rng.rand(40, 5) * 3)
    np.testing.assert_array_equal(dae.transform(X3), before)


def test_sequential_fits_of_new_shapes_print_no_retracing_warning():
    script = (
        "import numpy as np\n"
        "from skdae import DenoisingAutoencoderTransformer as D\n"
        "rng = np.random.RandomState(0)\n"
        "for d in range(2, 10):\n"
        "    D((3,), epochs=1, batch_size=8).fit(rng.rand(20, d))\n"
        "    D((3,), epochs=1, batch_size=8).partial_fit(rng.rand(20, d))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stderr == ""


def test_reused_traced_training_steps_are_invisible_in_results(digits):
    # (7, 3) is used by no other test: the first fit builds and traces a new
    # network; the later ones reuse it from the process's pool.
    X = digits[0][:300]
    params = {"hidden_layer_sizes": (7, 3), "epochs": 3, "batch_size": 32}
    first = DenoisingAutoencoderTransformer(**params, random_state=0).fit(X)
    other = DenoisingAutoencoderTransformer(**params, random_state=1, noise_factor=0.1)
    other.set_params(learning_rate=0.01).fit(X)
    again = DenoisingAutoencoderTransformer(**params, random_state=0).fit(X)
    np.testing.assert_array_equal(again.transform(X), first.transform(X))
    assert again.history_ == first.history_
    # Each estimator owns its network: refits of others leave it alone.
    assert not np.allclose(other.transform(X), first.transform(X))
    for got, want in zip(
        first.model_.get_weights(), again.model_.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("writeable", [True, False])
def test_float32_input_is_trained_on_without_a_copy_and_left_alone(writeable):
    from skdae._training_data import aligned_float32

    X = aligned_float32(np.random.RandomState(0).rand(100, 8))
    before = X.copy()
    X.setflags(write=writeable)
    dae = DenoisingAutoencoderTransformer((4,), epochs=2, random_state=0).fit(X)
    np.testing.assert_array_equal(X, before)
    assert dae.transform(X).shape == X.shape
    assert (aligned_float32(X) is X) == writeable  # read-only: copied


def test_partial_fit_refuses_to_clip_a_later_chunk_silently(rng):
    dae = DenoisingAutoencoderTransformer((4,), loss="mse", batch_size=16)
    dae.partial_fit(rng.rand(32, 6))  # in [0, 1]: clip_range_ = (0, 1)
    assert dae.clip_range_ == (0.0, 1.0)
    with pytest.raises(ValueError, match="clipped\\s+silently|clipped silently"):
        dae.partial_fit(4 * rng.rand(32, 6))
    # An explicit clip range is the user's choice: no error.
    explicit = DenoisingAutoencoderTransformer((4,), loss="mse", clip_range=None)
    explicit.partial_fit(rng.rand(32, 6)).partial_fit(4 * rng.rand(32, 6))


def test_partial_fit_warns_when_the_first_chunk_cannot_set_salt_and_pepper(rng):
    X = rng.normal(size=(64, 5))
    dae = DenoisingAutoencoderTransformer((4,), noise="salt_and_pepper")
    with pytest.warns(UserWarning, match="5 of 5 features are constant"):
        dae.partial_fit(X[:1])
    with pytest.warns(UserWarning, match="leave the range seen in the first chunk"):
        dae.partial_fit(X[1:])
    fine = DenoisingAutoencoderTransformer((4,), noise="salt_and_pepper")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fine.partial_fit(X)


@pytest.mark.parametrize("fraction", [0.2, None])
def test_salt_and_pepper_on_standardized_data_with_a_held_out_part(rng, fraction):
    X = rng.normal(size=(954 // 2, 64))
    dae = DenoisingAutoencoderTransformer(
        (8,),
        noise="salt_and_pepper",
        epochs=2,
        validation_fraction=fraction,
        early_stopping=fraction is None,
        random_state=0,
    ).fit(X)
    assert np.isfinite(dae.history_["val_loss"]).all()


def test_int64_input_is_copied_once(rng):
    import tracemalloc

    X = rng.randint(0, 16, size=(20_000, 64)).astype(np.int64)
    dae = DenoisingAutoencoderTransformer((8,), epochs=1, batch_size=2000)
    dae.fit(X[:100])  # trace the training step outside the measurement
    tracemalloc.start()
    try:
        dae.fit(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    float32_copy = X.size * 4
    assert peak < 1.5 * float32_copy  # a float64 copy alone is 2x


def test_corruption_layer_config_reports_the_trained_noise_factor(fitted):
    keras = _backend.keras_side().keras
    layer = fitted.model_.get_layer("corruption")
    assert layer.get_config()["noise_factor"] == pytest.approx(0.3)
    clone = keras.models.clone_model(fitted.model_)
    assert clone.get_layer("corruption").get_config()["noise_factor"] == (
        pytest.approx(0.3)
    )


def test_saved_state_depends_on_this_fit_alone(tmp_path):
    # The same fit, in a process where the architecture was first fitted
    # with another learning rate, and in one where it was not, saves the
    # same bytes.
    code = (
        "import pickle, sys\n"
        "from sklearn.datasets import load_digits\n"
        "from skdae import DenoisingAutoencoderTransformer as D\n"
        "X = load_digits().data[:100] / 16\n"
        "setup = dict(hidden_layer_sizes=(7, 5), epochs=1, random_state=0)\n"
        "if sys.argv[1] == 'after':\n"
        "    D(**setup, learning_rate=0.1).fit(X)\n"
        "dae = D(**setup, learning_rate=0.01).fit(X)\n"
        "open(sys.argv[2], 'wb').write(pickle.dumps(dae._network_))\n"
    )
    for order in ("alone", "after"):
        subprocess.run(
            [sys.executable, "-c", code, order, str(tmp_path / order)], check=True
        )
    assert (tmp_path / "alone").read_bytes() == (tmp_path / "after").read_bytes()


def dropout_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    h = keras.layers.Dropout(0.2)(keras.layers.Dense(16, activation="relu")(inputs))
    code = keras.layers.Dense(4, name="code")(h)
    return keras.Model(inputs, keras.layers.Dense(n_features)(code))


def test_model_seeding_neither_uses_nor_resets_pythons_random(digits):
    X = digits[0][:200]
    stop, draws = threading.Event(), []

    def draw():
        # Up to 2 million draws: a repeat by chance is then unlikely (1e-4).
        while not stop.is_set() and len(draws) < 200:
            draws.append(np.array([random.random() for _ in range(10_000)]))

    other = threading.Thread(target=draw)
    other.start()
    try:
        outputs = [
            DenoisingAutoencoderTransformer(
                model=dropout_network, epochs=2, random_state=0
            )
            .fit(X)
            .transform(X)
            for _ in range(3)
        ]
    finally:
        stop.set()
        other.join()
    for out in outputs[1:]:
        np.testing.assert_array_equal(out, outputs[0])
    drawn = np.concatenate(draws)
    assert drawn.size > 10_000
    assert np.unique(drawn).size == drawn.size  # the stream was never reset
