"""scikit-learn's estimator checks."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdae import DenoisingAutoencoderTransformer

# One hidden layer and SGD, whose update TensorFlow traces faster than Adam's:
# the suite fits about 50 times per estimator, and tracing dominates each fit.
FAST = DenoisingAutoencoderTransformer((4,), epochs=2, batch_size=32, optimizer="sgd")

EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Stochastic mini-batch training cannot make an integer sample weight "
        "equal to repeating the sample: the repeated rows change the batches, "
        "their noise and the number of gradient steps."
    ),
}


@parametrize_with_checks(
    [DenoisingAutoencoderTransformer(), FAST],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
