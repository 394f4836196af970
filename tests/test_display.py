"""ReconstructionDisplay and LossCurveDisplay."""

import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.decomposition import PCA

from skdae import (
    DenoisingAutoencoderTransformer,
    LossCurveDisplay,
    ReconstructionDisplay,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_reconstruction_display_draws_images(fitted, digits):
    X_test, X_noisy = digits[1], digits[2]
    display = ReconstructionDisplay.from_estimator(
        fitted, X_noisy, X_clean=X_test, image_shape=(8, 8), n_samples=6
    )
    np.testing.assert_allclose(display.X_reconstructed, fitted.transform(X_noisy[:6]))
    assert display.X.shape == display.X_clean.shape == (6, 64)
    image = display.ax_.get_images()[0].get_array()
    assert image.shape == (3 * 8 + 2, 6 * 8 + 5)  # 3 rows, 6 columns, 1-px gaps
    labels = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert labels == ["clean", "input", "reconstruction"]
    assert display.figure_ is display.ax_.figure


def test_reconstruction_display_draws_lines_on_a_given_axes(digits):
    _, ax = plt.subplots()
    pca = PCA(8).fit(digits[0])
    display = ReconstructionDisplay.from_estimator(pca, digits[2], n_samples=3, ax=ax)
    assert display.ax_ is ax
    assert len(ax.get_lines()) == 2 * 3  # input and reconstruction per sample
    np.testing.assert_allclose(
        display.X_reconstructed, pca.inverse_transform(pca.transform(digits[2][:3]))
    )


def test_encoded_transformer_is_shown_decoded(fitted, digits):
    from sklearn.base import clone

    encoded = clone(fitted).set_params(transform_output="encoded")
    encoded.__setstate__(fitted.__getstate__())
    encoded.set_params(transform_output="encoded")
    display = ReconstructionDisplay.from_estimator(encoded, digits[2], n_samples=4)
    np.testing.assert_allclose(
        display.X_reconstructed, fitted.transform(digits[2][:4]), atol=1e-12
    )


def test_loss_curve_display(digits):
    dae = DenoisingAutoencoderTransformer(
        (8, 4), epochs=3, validation_fraction=0.2, random_state=0
    ).fit(digits[0][:200])
    display = LossCurveDisplay.from_estimator(dae)
    assert display.loss == dae.history_["loss"]
    assert display.val_loss == dae.history_["val_loss"]
    assert len(display.lines_) == 2
    np.testing.assert_array_equal(display.lines_[0].get_xdata(), [1, 2, 3])
    assert display.ax_.get_xlabel() == "epoch"
    display.figure_.canvas.draw()
    ticks = [t for t in display.ax_.get_xticks() if 1 <= t <= 3]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_missing_matplotlib_names_the_extra(fitted, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skdae\[plot\]"'):
        LossCurveDisplay.from_estimator(fitted)
