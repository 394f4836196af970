"""
Novelty detection with score_samples
====================================

An autoencoder reconstructs data like its training data well and anything
else badly. :meth:`~skdae.DenoisingAutoencoderTransformer.score_samples`
returns each sample's negative reconstruction error, higher for more typical
samples, as :meth:`sklearn.decomposition.PCA.score_samples` does. Here the
transformer, trained on digits, tells held-out digits from rows of uniform
noise; the area under the ROC curve printed below is asserted to be at least
0.99.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from skdae import DenoisingAutoencoderTransformer

X = load_digits().data / 16.0
X_train, X_test = train_test_split(X, random_state=0)
X_novel = np.random.RandomState(0).rand(len(X_test), X.shape[1])

dae = DenoisingAutoencoderTransformer(
    (64, 32), epochs=30, batch_size=64, random_state=0
).fit(X_train)
scores_digits = dae.score_samples(X_test)
scores_novel = dae.score_samples(X_novel)
auc = roc_auc_score(
    np.r_[np.ones(len(X_test)), np.zeros(len(X_novel))],
    np.r_[scores_digits, scores_novel],
)
print(f"ROC AUC, held-out digits against uniform noise: {auc:.4f}")
assert auc >= 0.99
assert np.isclose(scores_digits.mean(), dae.score(X_test))

plt.figure(figsize=(5, 3))
plt.hist(scores_digits, bins=40, alpha=0.7, label="held-out digits")
plt.hist(scores_novel, bins=40, alpha=0.7, label="uniform noise")
plt.xlabel("score_samples (negative reconstruction error)")
plt.legend()
plt.tight_layout()
plt.show()
