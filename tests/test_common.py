"""scikit-learn's estimator checks."""

from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdae import (
    DenoisingAutoencoderImputer,
    DenoisingAutoencoderTransformer,
    _backend,
)


class BatchNormDropoutNetwork:
    """A user's network with BatchNormalization and Dropout, for any width.

    A class, so that its repr (in the test ids) is the same in every
    pytest-xdist worker.
    """

    def __call__(self, n_features):
        keras = _backend.keras_side().keras
        inputs = keras.Input((n_features,))
        h = keras.layers.Dense(8, activation="relu")(inputs)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.Dropout(0.1)(h)
        h = keras.layers.Dense(4, activation="relu", name="code")(h)
        outputs = keras.layers.Dense(n_features)(h)
        return keras.Model(inputs, outputs)

    def __repr__(self):
        return "BatchNormDropoutNetwork()"


# One hidden layer and SGD, whose update TensorFlow traces faster than Adam's:
# the suite fits about 50 times per estimator, and tracing dominates each fit.
FAST = DenoisingAutoencoderTransformer((4,), epochs=2, batch_size=32, optimizer="sgd")
USER_NETWORK = DenoisingAutoencoderTransformer(
    model=BatchNormDropoutNetwork(), epochs=2, batch_size=32
)

EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Stochastic mini-batch training cannot make an integer sample weight "
        "equal to repeating the sample: the repeated rows change the batches, "
        "their noise and the number of gradient steps."
    ),
}


FAST_IMPUTER = DenoisingAutoencoderImputer(
    hidden_layer_sizes=(4,), epochs=2, add_indicator=True
)


@parametrize_with_checks(
    [
        DenoisingAutoencoderTransformer(),
        FAST,
        USER_NETWORK,
        DenoisingAutoencoderImputer(),
        FAST_IMPUTER,
        clone(FAST_IMPUTER).set_params(n_neighbors=2),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
