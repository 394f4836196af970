"""Missing values (NaN): hidden from the network, left out of the loss."""

import numpy as np
import pytest

from skdae import DenoisingAutoencoderTransformer, _backend, corrupt

SMALL = {"hidden_layer_sizes": (16, 8), "epochs": 3, "random_state": 0}


@pytest.fixture(scope="module")
def holes(digits):
    """Digits with 20% of the entries missing completely at random."""
    X = digits[0]
    missing = np.random.RandomState(0).rand(*X.shape) < 0.2
    return X, np.where(missing, np.nan, X), missing


def test_fit_and_transform_accept_nan(holes):
    X, X_missing, missing = holes
    dae = DenoisingAutoencoderTransformer(**SMALL, validation_fraction=0.1)
    dae.fit(X_missing)
    assert np.isfinite(dae.history_["loss"]).all()
    assert np.isfinite(dae.history_["val_loss"]).all()
    out = dae.transform(X_missing)
    assert out.shape == X.shape and np.isfinite(out).all()
    codes = dae.set_params(transform_output="encoded").transform(X_missing)
    assert codes.shape == (len(X), 8) and np.isfinite(codes).all()
    dae.set_params(transform_output="denoised").partial_fit(X_missing[:100])
    assert dae.n_iter_ == 4
    assert dae.__sklearn_tags__().input_tags.allow_nan


def test_missing_entries_are_hidden_as_zeros_in_transform(holes):
    _, X_missing, missing = holes
    dae = DenoisingAutoencoderTransformer(**SMALL).fit(X_missing)
    np.testing.assert_array_equal(
        dae.transform(X_missing), dae.transform(np.where(missing, 0.0, X_missing))
    )


def test_scores_leave_missing_entries_out(holes):
    X, X_missing, missing = holes
    dae = DenoisingAutoencoderTransformer(**SMALL).fit(X)
    reconstruction = dae.transform(X_missing)
    errors = np.where(missing, np.nan, (reconstruction - X) ** 2)
    np.testing.assert_allclose(
        dae.score_samples(X_missing), -np.nanmean(errors, axis=1), rtol=1e-12
    )
    assert dae.score(X_missing) == pytest.approx(-np.nanmean(errors), rel=1e-12)


def test_the_loss_of_missing_data_is_over_the_observed_entries():
    keras = _backend.keras_side().keras
    training = _backend.keras_side().training
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(3, use_bias=False)(inputs))
    model.layers[-1].kernel.assign(np.eye(3) * 0.5)
    trainer = training.Trainer(model, "mse")
    x = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 4.0]], dtype=np.float32)
    weights = np.array([1.0, 2.0], dtype=np.float32)
    got = training._observed_losses(trainer, x, x, weights, training=False).numpy()
    # Missing entries are zeros for the network and absent from the loss.
    filled = np.nan_to_num(x) * 0.5
    expected = [
        np.mean([(1.0 - filled[0, 0]) ** 2, (2.0 - filled[0, 2]) ** 2]),
        2.0 * (4.0 - filled[1, 2]) ** 2,
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_corrupt_keeps_missing_entries_missing(holes):
    _, X_missing, missing = holes
    for noise in ("gaussian", "masking", "salt_and_pepper"):
        noisy = corrupt(X_missing, noise=noise, noise_factor=0.5, random_state=0)
        np.testing.assert_array_equal(np.isnan(noisy), missing)


def test_infinity_is_still_refused(holes):
    X = holes[1].copy()
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        DenoisingAutoencoderTransformer(**SMALL).fit(X)
    dae = DenoisingAutoencoderTransformer(**SMALL).fit(holes[1])
    for output in ("denoised", "encoded"):
        dae.set_params(transform_output=output)
        for rows in (X, X[:1]):
            with pytest.raises(ValueError, match="infinity"):
                dae.transform(rows)


def user_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(8, activation="relu", name="code")(inputs)
    outputs = keras.layers.Dense(n_features, activation="sigmoid")(code)
    return keras.Model(inputs, outputs)


def test_a_user_network_trains_and_transforms_with_nan(holes):
    _, X_missing, _ = holes
    dae = DenoisingAutoencoderTransformer(model=user_network, epochs=2, random_state=0)
    out = dae.fit(X_missing).transform(X_missing)
    assert np.isfinite(out).all() and np.isfinite(dae.history_["loss"]).all()


def test_a_user_network_trains_with_an_emphasized_loss(holes):
    _, X_missing, _ = holes
    params = {"model": user_network, "noise": "masking", "epochs": 2}
    params["random_state"] = 0
    plain = DenoisingAutoencoderTransformer(**params).fit(X_missing)
    near = DenoisingAutoencoderTransformer(**params, corrupted_loss_weight=1 + 1e-6)
    np.testing.assert_allclose(
        near.fit(X_missing).transform(X_missing), plain.transform(X_missing), atol=1e-4
    )
    far = DenoisingAutoencoderTransformer(**params, corrupted_loss_weight=5.0)
    assert not np.allclose(
        far.fit(X_missing).transform(X_missing), plain.transform(X_missing), atol=1e-3
    )


def test_masking_noise_imputes_better_than_the_mean(holes):
    X, X_missing, missing = holes
    dae = DenoisingAutoencoderTransformer(
        (64, 32), noise="masking", noise_factor=0.2, epochs=60, random_state=0
    ).fit(X_missing)
    rmse = np.sqrt(np.mean((dae.transform(X_missing)[missing] - X[missing]) ** 2))
    mean_fill = np.where(missing, np.nanmean(X_missing, axis=0), X_missing)
    mean_rmse = np.sqrt(np.mean((mean_fill[missing] - X[missing]) ** 2))
    assert rmse < 0.75 * mean_rmse
