"""Users' own networks (``model=``) and the ready-made image builders."""

import pickle
import subprocess
import sys
from functools import partial

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV

from skdae import DenoisingAutoencoderTransformer, _backend
from skdae.architectures import conv_autoencoder, unet

CONV = partial(conv_autoencoder, image_shape=(8, 8), filters=(8, 4), code_size=16)


@pytest.fixture(scope="module")
def conv_fitted(digits):
    """A conv network on digits, with a 16-wide "code" layer."""
    return DenoisingAutoencoderTransformer(
        model=CONV, epochs=3, batch_size=64, random_state=0
    ).fit(digits[0])


def test_conv_network_transforms_like_predict_encodes_and_decodes(conv_fitted, digits):
    X = digits[2]
    denoised = conv_fitted.transform(X)
    predicted = conv_fitted.model_.predict(X.astype(np.float32), verbose=0)
    np.testing.assert_allclose(denoised, predicted, atol=1e-5)
    assert denoised.dtype == np.float64
    encoder = conv_fitted.encoder_
    assert encoder.output.shape[-1] == 16
    encoded = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    encoded.__setstate__(conv_fitted.__getstate__())
    encoded.set_params(transform_output="encoded")
    codes = encoded.transform(X)
    assert codes.shape == (len(X), 16)
    np.testing.assert_allclose(
        codes, encoder.predict(X.astype(np.float32), verbose=0), atol=1e-5
    )
    back = encoded.inverse_transform(codes)
    np.testing.assert_allclose(back, denoised, atol=1e-5)
    assert conv_fitted.loss_ == "binary_crossentropy"
    assert conv_fitted.output_activation_ == "sigmoid"


def test_conv_network_pickles_into_a_fresh_process(conv_fitted, digits, tmp_path):
    path = tmp_path / "conv.pkl"
    path.write_bytes(pickle.dumps(conv_fitted))
    np.save(tmp_path / "X.npy", digits[2])
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import pickle, numpy as np\n"
            f"dae = pickle.loads(open({str(path)!r}, 'rb').read())\n"
            f"X = np.load({str(tmp_path / 'X.npy')!r})\n"
            f"np.save({str(tmp_path / 'out.npy')!r}, dae.transform(X))\n",
        ],
        check=True,
    )
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npy"), conv_fitted.transform(digits[2]), atol=1e-6
    )


def test_conv_network_in_a_grid_search_in_worker_processes(digits):
    search = GridSearchCV(
        DenoisingAutoencoderTransformer(model=CONV, epochs=1, random_state=0),
        {"noise_factor": [0.2, 0.5]},
        cv=2,
        n_jobs=2,
    ).fit(digits[0][:400])
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_user_networks_are_reproducible_and_leave_global_rngs_alone(digits):
    import random

    X = digits[0][:200]
    # Keras draws the seeds of unseeded initializers from Python's generator
    # while the network is built, as in plain Keras; skdae never seeds or
    # restores it (other threads share it), and re-draws the weights from
    # random_state, so that the draws do not matter.
    random.seed(12345)
    a = DenoisingAutoencoderTransformer(model=CONV, epochs=1, random_state=3).fit(X)
    random.seed(54321)
    b = DenoisingAutoencoderTransformer(model=CONV, epochs=1, random_state=3).fit(X)
    c = DenoisingAutoencoderTransformer(model=CONV, epochs=1, random_state=4).fit(X)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    assert not np.allclose(a.transform(X), c.transform(X))


def test_unet_has_an_encoder_but_no_decoder(digits):
    X = digits[0][:200]
    dae = DenoisingAutoencoderTransformer(
        model=partial(unet, image_shape=(8, 8), filters=(4, 8)),
        epochs=1,
        transform_output="encoded",
        random_state=0,
    ).fit(X)
    codes = dae.transform(X)
    assert codes.shape == (200, 4 * 4 * 8)
    with pytest.raises(ValueError, match="no decoder: the layers after its 'code'"):
        dae.inverse_transform(codes)
    assert dae.set_params(transform_output="denoised").transform(X).shape == X.shape


def no_code_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_features)(hidden))


def test_a_network_without_code_layer_denoises_but_cannot_encode(digits):
    X = digits[0][:100]
    dae = DenoisingAutoencoderTransformer(model=no_code_network, epochs=1).fit(X)
    assert dae.transform(X).shape == X.shape
    dae.set_params(transform_output="encoded")
    with pytest.raises(ValueError, match="Name a layer 'code'"):
        dae.transform(X)


def wrong_width_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    return keras.Model(inputs, keras.layers.Dense(3)(inputs))


def not_a_model(n_features):
    return "a network"


def test_networks_that_do_not_fit_the_data_are_refused(digits):
    X = digits[0][:50]
    with pytest.raises(ValueError, match=r"outputs of shape \(64,\)"):
        DenoisingAutoencoderTransformer(model=wrong_width_network).fit(X)
    with pytest.raises(TypeError, match="must return a keras.Model"):
        DenoisingAutoencoderTransformer(model=not_a_model).fit(X)


@pytest.mark.parametrize("builder", [conv_autoencoder, unet])
def test_builders_check_the_image_shape(builder):
    with pytest.raises(ValueError, match="height \\* width \\* channels"):
        builder(64, image_shape=(7, 7))
    model = builder(6 * 10 * 3, image_shape=(6, 10, 3))  # odd sizes, colour
    assert model.output_shape == (None, 6 * 10 * 3)


def test_score_samples_detects_novelty(fitted, digits):
    # Held-out digits against rows of uniform noise: the noise reconstructs
    # badly, so it scores low.
    X_test = digits[1]
    noise = np.random.RandomState(0).rand(len(X_test), X_test.shape[1])
    scores = fitted.score_samples(np.vstack([X_test, noise]))
    is_digit = np.r_[np.ones(len(X_test)), np.zeros(len(noise))]
    assert roc_auc_score(is_digit, scores) >= 0.99


def test_compiled_transform_is_thread_safe(conv_fitted, digits):
    from concurrent.futures import ThreadPoolExecutor

    X = digits[2]
    chunks = [X[i : i + 1 + i % 7] for i in range(0, 300, 3)]
    expected = [conv_fitted.transform(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(conv_fitted.transform, chunks))
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_user_network_round_trips_through_skops(conv_fitted, digits, tmp_path):
    import skops.io as sio

    sio.dump(conv_fitted, tmp_path / "conv.skops")
    untrusted = sio.get_untrusted_types(file=tmp_path / "conv.skops")
    assert sorted(untrusted) == [
        "functools.partial",
        "skdae._transformer.DenoisingAutoencoderTransformer",
        "skdae.architectures.conv_autoencoder",
    ]
    restored = sio.load(tmp_path / "conv.skops", trusted=untrusted)
    np.testing.assert_array_equal(
        restored.transform(digits[2]), conv_fitted.transform(digits[2])
    )
