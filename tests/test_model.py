"""The Keras graph: the Corruption layer and the autoencoder builder."""

import numpy as np
import pytest
from scipy import stats

from skdae import DenoisingAutoencoderTransformer, _backend

model_lib = _backend.keras_side().model
keras = model_lib.keras


def corruption(**kwargs):
    params = {"noise_factor": 0.5, "seed": 0, **kwargs}
    return model_lib.Corruption(**params)


@pytest.fixture
def X():
    return np.random.RandomState(0).uniform(0.2, 0.8, size=(512, 50)).astype("float32")


@pytest.mark.parametrize("noise", ["gaussian", "masking", "salt_and_pepper", "swap"])
def test_identity_outside_training(noise, X):
    layer = corruption(noise=noise)
    np.testing.assert_array_equal(layer(X, training=False), X)
    np.testing.assert_array_equal(layer(X), X)


@pytest.mark.parametrize("shape", [(12, 1), (10, 5), (200, 64), (32, 64)])
def test_gaussian_noise_is_iid_normal_for_any_shape(shape):
    # The noise the network sees: the layer's output in training mode, batch
    # after batch, minus its input. Tiny and one-feature data included, where
    # a bank of pre-drawn values used to give a biased pool of 16 values.
    X = np.full(shape, 0.5, dtype="float32")
    layer = corruption(noise="gaussian", noise_factor=0.5, seed=1)
    draws = np.concatenate(
        [np.asarray(layer(X, training=True)) - X for _ in range(-(-4000 // X.size))]
    ).ravel()
    assert draws.size >= 4000
    assert abs(draws.mean()) < 4 * 0.5 / np.sqrt(draws.size)
    assert abs(draws.std() - 0.5) < 0.03
    assert np.unique(draws).size > 0.99 * draws.size  # fresh values
    assert stats.kstest(draws / 0.5, "norm").pvalue > 1e-3


def test_noise_factor_is_a_weight_that_can_change():
    X = np.zeros((1000, 4), dtype="float32")
    layer = corruption(noise_factor=0.5)
    layer(X, training=True)
    layer.noise_factor.assign(0.1)
    assert np.std(np.asarray(layer(X, training=True))) == pytest.approx(0.1, rel=0.1)


def test_seed_makes_noise_reproducible(X):
    a = np.asarray(corruption(seed=3)(X, training=True))
    b = np.asarray(corruption(seed=3)(X, training=True))
    c = np.asarray(corruption(seed=4)(X, training=True))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_masking_zeroes_the_requested_fraction(X):
    out = np.asarray(corruption(noise="masking", noise_factor=0.25)(X, training=True))
    zeroed = out == 0
    assert abs(zeroed.mean() - 0.25) < 0.01
    np.testing.assert_array_equal(out[~zeroed], X[~zeroed])


def test_salt_and_pepper_uses_the_value_range(X):
    layer = corruption(noise="salt_and_pepper", noise_factor=0.2, value_range=(-1, 2))
    out = np.asarray(layer(X, training=True))
    assert abs((out == -1).mean() - 0.1) < 0.01
    assert abs((out == 2).mean() - 0.1) < 0.01


def test_salt_and_pepper_takes_per_feature_values(X):
    low, high = -np.arange(50.0), np.arange(50.0) + 100
    layer = corruption(
        noise="salt_and_pepper", noise_factor=0.2, value_range=(low, high)
    )
    out = np.asarray(layer(X, training=True))
    assert abs((out == low).mean() - 0.1) < 0.01
    assert abs((out == high).mean() - 0.1) < 0.01


def test_swap_takes_each_value_from_its_own_column_in_another_row():
    X = np.random.RandomState(0).normal(size=(256, 12)).astype("float32")
    layer = corruption(noise="swap", noise_factor=0.15)
    noisy = np.asarray(layer(X, training=True))
    changed = np.argwhere(noisy != X)
    assert abs(len(changed) / X.size - 0.15) < 0.02
    for i, j in changed:
        donors = np.flatnonzero(X[:, j] == noisy[i, j])
        assert donors.size and (donors != i).any()
    # Fresh draws every batch.
    assert not np.array_equal(noisy, np.asarray(layer(X, training=True)))


def test_grouped_swap_moves_whole_categories_in_the_graph():
    rng = np.random.RandomState(0)
    X = np.hstack([np.eye(3)[rng.randint(0, 3, 400)], rng.normal(size=(400, 2))])
    X = X.astype("float32")
    layer = corruption(noise="swap", noise_factor=0.5, groups=[0, 0, 0, 1, 2])
    noisy = np.asarray(layer(X, training=True))
    np.testing.assert_array_equal(noisy[:, :3].sum(axis=1), 1)
    assert (noisy[:, :3] != X[:, :3]).any(axis=1).mean() > 0.2
    assert layer.get_config()["groups"] == [0, 0, 0, 1, 2]


def test_groups_must_fit_the_features():
    layer = corruption(noise="swap", groups=[0, 0, 7])
    with pytest.raises(ValueError, match="groups must give each of the 3"):
        layer(np.zeros((4, 3), "float32"), training=True)


def test_clip_range(X):
    out = np.asarray(corruption(noise_factor=2.0, clip_range=(0, 1))(X, training=True))
    assert out.min() == 0 and out.max() == 1


def test_config_round_trip():
    layer = corruption(noise="masking", clip_range=(0, 1))
    config = layer.get_config()
    clone = model_lib.Corruption.from_config(config)
    assert clone.get_config() == config
    assert (
        keras.saving.get_registered_object("skdae>Corruption") is model_lib.Corruption
    )


def test_unknown_noise_is_rejected():
    with pytest.raises(ValueError, match="noise must be one of"):
        model_lib.Corruption(noise="pink")


def build(**kwargs):
    params = {
        "n_features": 20,
        "hidden_layer_sizes": (16, 8, 4),
        "activation": "relu",
        "output_activation": "sigmoid",
        "corruption": {"noise": "gaussian", "noise_factor": 0.5},
        "loss": "binary_crossentropy",
        "optimizer": "adam",
        "learning_rate": 1e-3,
        "seed": 0,
    }
    params.update(kwargs)
    return model_lib.build_autoencoder(**params)


def test_architecture_mirrors_the_encoder():
    model = build()
    widths = [layer.units for layer in model.layers if hasattr(layer, "units")]
    assert widths == [16, 8, 4, 8, 16, 20]
    assert model.get_layer("code").units == 4
    assert model.get_layer("reconstruction").activation.__name__ == "sigmoid"
    assert model.optimizer.learning_rate.numpy() == pytest.approx(1e-3)


def test_seeded_builds_have_equal_weights():
    a, b, c = build(), build(), build(seed=1)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    kernel = "encoder_0"
    assert not np.array_equal(
        a.get_layer(kernel).get_weights()[0], c.get_layer(kernel).get_weights()[0]
    )


def test_split_autoencoder_composes_to_the_model():
    model = build()
    encoder, decoder = model_lib.split_autoencoder(model)
    X = np.random.RandomState(0).rand(5, 20).astype("float32")
    codes = encoder.predict_on_batch(X)
    assert codes.shape == (5, 4)
    np.testing.assert_allclose(
        decoder.predict_on_batch(codes), model.predict_on_batch(X), atol=1e-6
    )


def _user_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(8, activation="relu", name="code")(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_features)(code))


def test_changing_model_changes_nothing_the_estimator_computes(digits):
    import pickle

    X = digits[2][:50]
    dae = DenoisingAutoencoderTransformer(
        model=_user_network, epochs=1, random_state=0
    ).fit(digits[0][:100])
    before = dae.transform(X)
    for variable in dae.model_.variables:
        variable.assign(np.zeros(variable.shape, variable.dtype))
    np.testing.assert_array_equal(dae.transform(X), before)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(dae)).transform(X), before)


def test_a_row_with_no_observed_entry_scores_nan_silently(digits):
    import warnings

    dae = DenoisingAutoencoderTransformer((8,), epochs=1, random_state=0).fit(
        digits[0][:100]
    )
    X = digits[2][:3].copy()
    X[0] = np.nan
    X[1, :10] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = dae.score_samples(X)
    assert np.isnan(scores[0]) and np.isfinite(scores[1:]).all()
