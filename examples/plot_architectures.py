"""
Bring your own network: convolutional autoencoders for images
=============================================================

``model=`` takes any Keras network, built for the number of features. Images
stay rows of pixels in scikit-learn; the builders in
:mod:`skdae.architectures` reshape them. Here the default Dense network, the
convolutional autoencoder and the small U-Net denoise 8 x 8 digits corrupted
with Gaussian noise of standard deviation 0.5, after the same 30 epochs.
The printed test errors are what this run measured; on digits this small the
ranking says little about 28 x 28 images (see the benchmarks page).
"""

from functools import partial

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdae import DenoisingAutoencoderTransformer, corrupt
from skdae.architectures import conv_autoencoder, unet

X = load_digits().data / 16.0
X_train, X_test = train_test_split(X, random_state=0)
X_noisy = corrupt(X_test, noise_factor=0.5, clip_range=(0, 1), random_state=1)

networks = {
    "Dense 128-64-32": None,
    "conv_autoencoder": partial(conv_autoencoder, image_shape=(8, 8), code_size=16),
    "unet": partial(unet, image_shape=(8, 8), filters=(16, 32)),
}
denoised = {}
for name, network in networks.items():
    dae = DenoisingAutoencoderTransformer(
        model=network, epochs=30, batch_size=64, random_state=0
    ).fit(X_train)
    denoised[name] = dae.transform(X_noisy)
    mse = np.mean((denoised[name] - X_test) ** 2)
    print(f"{name:>16}: test MSE {mse:.4f}")

fig, axes = plt.subplots(5, 6, figsize=(6, 5.5), layout="constrained")
rows = {"clean": X_test, "noisy": X_noisy, **denoised}
for ax_row, (name, images) in zip(axes, rows.items(), strict=True):
    for ax, image in zip(ax_row, images, strict=False):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()
    ax_row[0].set_title(name, loc="left", fontsize=8)
plt.show()
