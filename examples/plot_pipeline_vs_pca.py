"""
A denoising front end for a classifier, against PCA
===================================================

Train a :class:`~sklearn.pipeline.Pipeline` of a dimensionality reduction
and a logistic regression on clean digits, then score it on noisy digits.
The denoising autoencoder's code is robust to the noise it was trained
against; PCA's components are not.
"""

from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoderTransformer, corrupt

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
X_noisy = corrupt(X_test, noise_factor=0.5, clip_range=(0, 1), random_state=1)

reducers = {
    "PCA(16)": PCA(16),
    "skdae, encoded (16)": DenoisingAutoencoderTransformer(
        (128, 64, 16),
        epochs=40,
        batch_size=32,
        transform_output="encoded",
        random_state=0,
    ),
}
for name, reducer in reducers.items():
    pipe = Pipeline([("reduce", reducer), ("clf", LogisticRegression(max_iter=2000))])
    pipe.fit(X_train, y_train)
    print(
        f"{name:>20}: clean test {pipe.score(X_test, y_test):.3f}, "
        f"noisy test {pipe.score(X_noisy, y_test):.3f}"
    )
