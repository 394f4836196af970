"""The one place skdae talks to scikeras.

The estimator's Keras model is built through a scikeras ``KerasRegressor``
whose target is its input (``y = X``): scikeras calls the model-building
function and checks the model it returns against the data. skdae keeps the
scikit-learn estimator contract itself, since scikeras 0.13 only defines the
pre-1.6 ``_more_tags``, and trains with its own loop
(:mod:`skdae._training`). The regressor is not kept after fitting: the
fitted estimator owns the model.

Importing this module imports scikeras, which imports TensorFlow; reach it
through :func:`skdae._backend.keras_side`, which imports TensorFlow quietly.
"""

from scikeras.wrappers import KerasRegressor


def build_model(build_fn, X):
    """The compiled model ``build_fn()``, built and checked by scikeras for ``X``.

    The regressor gets no ``random_state``: scikeras would set
    ``TF_DETERMINISTIC_OPS`` while building, which TensorFlow caches for the
    rest of the process, so that every later unseeded fit fails. ``build_fn``
    seeds the model itself.
    """
    regressor = KerasRegressor(model=build_fn, verbose=0)
    return regressor.initialize(X, X).model_
