"""The one place skdae talks to scikeras.

The estimator's Keras model is built and held by a scikeras
``KerasRegressor`` whose target is its input (``y = X``): scikeras checks the
model against the data and makes it picklable. skdae keeps the scikit-learn
estimator contract itself, since scikeras 0.13 only defines the pre-1.6
``_more_tags``. The training epochs run through :mod:`skdae._training`.

Importing this module imports scikeras, which imports TensorFlow.
"""

from scikeras.wrappers import KerasRegressor


def build_regressor(build_fn, X):
    """A ``KerasRegressor`` whose model ``build_fn()`` is built for ``X``.

    The regressor gets no ``random_state``: scikeras would set
    ``TF_DETERMINISTIC_OPS`` while building, which TensorFlow caches for the
    rest of the process, so that every later unseeded fit fails. ``build_fn``
    seeds the model itself.
    """
    regressor = KerasRegressor(model=build_fn, verbose=0)
    return regressor.initialize(X, X)
