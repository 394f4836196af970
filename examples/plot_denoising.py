"""
Denoising digits
================

The classic experiment on scikit-learn's 8x8 digits: corrupt the test images
with Gaussian noise, train a :class:`~skdae.DenoisingAutoencoderTransformer`
on the clean training images (it corrupts them itself, with fresh noise for
every batch), and denoise. PCA with 16 components is shown for comparison.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skdae import (
    DenoisingAutoencoderTransformer,
    LossCurveDisplay,
    ReconstructionDisplay,
    corrupt,
)

X = load_digits().data / 16.0
X_train, X_test = train_test_split(X, random_state=0)
X_noisy = corrupt(X_test, noise_factor=0.5, clip_range=(0, 1), random_state=1)

dae = DenoisingAutoencoderTransformer(epochs=40, batch_size=32, random_state=0)
X_denoised = dae.fit(X_train).transform(X_noisy)

pca = PCA(16).fit(X_train)
X_pca = np.clip(pca.inverse_transform(pca.transform(X_noisy)), 0, 1)

for name, images in [("noisy", X_noisy), ("skdae", X_denoised), ("PCA(16)", X_pca)]:
    print(f"{name:>8}: MSE {np.mean((images - X_test) ** 2):.4f}")

# %%
# :class:`~skdae.ReconstructionDisplay` shows clean images, the noisy inputs
# and their reconstructions, for skdae and for PCA.
fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), layout="constrained")
for ax, name, estimator in ((top, "skdae", dae), (bottom, "PCA(16)", pca)):
    ReconstructionDisplay.from_estimator(
        estimator, X_noisy, X_clean=X_test, image_shape=(8, 8), n_samples=8, ax=ax
    )
    ax.set_title(name, loc="left")
plt.show()

# %%
# :class:`~skdae.LossCurveDisplay` draws the training curve: the loss of
# reconstructing clean images from corrupted ones.
LossCurveDisplay.from_estimator(dae)
plt.show()
