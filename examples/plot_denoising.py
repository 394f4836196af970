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

from skdae import DenoisingAutoencoderTransformer, corrupt

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
# Rows: original, noisy, denoised by skdae, denoised by PCA.
rows = [X_test, X_noisy, X_denoised, X_pca]
labels = ["original", "noisy", "skdae", "PCA(16)"]
fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
for r, (images, label) in enumerate(zip(rows, labels, strict=True)):
    for c in range(8):
        axes[r, c].imshow(images[c].reshape(8, 8), cmap="gray", vmin=0, vmax=1)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
    axes[r, 0].set_ylabel(label)
fig.tight_layout()
plt.show()

# %%
# The training curve: the loss of reconstructing clean images from corrupted
# ones.
plt.figure(figsize=(5, 3))
plt.plot(dae.history_["loss"])
plt.xlabel("epoch")
plt.ylabel(dae.loss_)
plt.tight_layout()
plt.show()
