"""ONNX export: the network as standard operators, checked in onnxruntime."""

import subprocess
import sys
from functools import partial

import numpy as np
import onnxruntime as rt
import pytest
import skl2onnx
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skdae import DenoisingAutoencoderImputer, DenoisingAutoencoderTransformer, to_onnx
from skdae._forward import ACTIVATIONS
from skdae.architectures import conv_autoencoder, unet

TINY = {"hidden_layer_sizes": (16, 8), "epochs": 2, "random_state": 0}


def run(onnx_model, X):
    session = rt.InferenceSession(
        onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X.astype(np.float32)})


@pytest.mark.parametrize("output", ["denoised", "encoded", "hidden"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_transformer_matches_onnxruntime(digits, activation, output):
    X = digits[0][:300]
    dae = DenoisingAutoencoderTransformer(
        **TINY, activation=activation, transform_output=output
    ).fit(X)
    onnx_model = to_onnx(dae, X[:5])
    assert {node.domain for node in onnx_model.graph.node} <= {"", "ai.onnx"}
    (got,) = run(onnx_model, digits[2])
    want = dae.transform(digits[2].astype(np.float32))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_pipelines_give_the_same_labels_and_probabilities(digits):
    X, y = digits[0], digits[3]
    pipes = [
        Pipeline(
            [
                ("dae", DenoisingAutoencoderTransformer(**TINY)),
                ("clf", LogisticRegression(max_iter=500)),
            ]
        ),
        Pipeline(
            [
                ("scale", StandardScaler()),
                (
                    "dae",
                    DenoisingAutoencoderTransformer(
                        **TINY, activation="tanh", transform_output="encoded"
                    ),
                ),
                ("clf", LogisticRegression(max_iter=500)),
            ]
        ),
    ]
    X_test = digits[2].astype(np.float32)
    for pipe in pipes:
        pipe.fit(X, y)
        labels, probabilities = run(
            to_onnx(pipe, X[:5], options={"zipmap": False}), X_test
        )
        np.testing.assert_array_equal(labels, pipe.predict(X_test))
        np.testing.assert_allclose(probabilities, pipe.predict_proba(X_test), atol=1e-4)


def test_registration_serves_skl2onnx_own_functions(fitted, digits):
    to_onnx(fitted, digits[0][:5])  # registers
    X = digits[2]
    for convert in (
        lambda: skl2onnx.to_onnx(fitted, X[:5].astype(np.float32)),
        lambda: skl2onnx.convert_sklearn(
            fitted,
            initial_types=[
                ("X", skl2onnx.common.data_types.FloatTensorType([None, 64]))
            ],
        ),
    ):
        (got,) = run(convert(), X)
        np.testing.assert_allclose(
            got, fitted.transform(X.astype(np.float32)), atol=1e-5
        )
    # A float64 input is cast to float32 inside the graph and back.
    onnx_model = skl2onnx.to_onnx(fitted, X[:5])
    session = rt.InferenceSession(
        onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (got,) = session.run(None, {session.get_inputs()[0].name: X})
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, fitted.transform(X), atol=1e-5)


NETWORKS = {
    "conv": partial(conv_autoencoder, image_shape=(8, 8), filters=(4,), code_size=8),
    "unet": partial(unet, image_shape=(8, 8), filters=(4, 8)),
}


@pytest.mark.parametrize("output", ["denoised", "encoded"])
@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_user_networks_convert_through_tf2onnx(digits, network, output):
    X = digits[0][:300]
    dae = DenoisingAutoencoderTransformer(
        model=NETWORKS[network], epochs=1, random_state=0, transform_output=output
    ).fit(X)
    (got,) = run(to_onnx(dae, X[:5]), digits[2])
    want = dae.transform(digits[2].astype(np.float32))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_pipeline_with_a_user_network(digits):
    X, y = digits[0], digits[3]
    pipe = Pipeline(
        [
            (
                "dae",
                DenoisingAutoencoderTransformer(
                    model=NETWORKS["conv"], epochs=1, random_state=0
                ),
            ),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    ).fit(X, y)
    X_test = digits[2].astype(np.float32)
    labels, probabilities = run(to_onnx(pipe, X[:5], options={"zipmap": False}), X_test)
    np.testing.assert_array_equal(labels, pipe.predict(X_test))
    np.testing.assert_allclose(probabilities, pipe.predict_proba(X_test), atol=1e-4)


def test_user_networks_need_tf2onnx_and_its_opsets(digits, monkeypatch):
    dae = DenoisingAutoencoderTransformer(model=NETWORKS["conv"], epochs=1)
    dae.fit(digits[0][:100])
    with pytest.raises(ValueError, match="pass target_opset=18"):
        to_onnx(dae, digits[0][:5], target_opset=21)
    monkeypatch.setitem(sys.modules, "tf2onnx", None)
    with pytest.raises(ValueError, match="pip install tf2onnx"):
        to_onnx(dae, digits[0][:5])


SNIPPET = """
from skl2onnx import to_onnx
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
X, y = load_digits(return_X_y=True)
X = (X / 16).astype(np.float32)
pipe = Pipeline([
    ("dae", skdae.DenoisingAutoencoderTransformer((8, 4), epochs=1, random_state=0)),
    ("clf", LogisticRegression(max_iter=100)),
]).fit(X, y)
onx = to_onnx(pipe, X[:1])
print(len(onx.graph.node))
"""


@pytest.mark.parametrize("skl2onnx_first", [True, False])
def test_skl2onnx_own_to_onnx_works_in_either_import_order(skl2onnx_first):
    first, second = "from skl2onnx import to_onnx", "import skdae"
    if not skl2onnx_first:
        first, second = second, first
    code = "import sys\n" + first + "\n" + second + "\n"
    code += SNIPPET
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 0


def test_import_skdae_does_not_import_skl2onnx():
    code = "import sys, skdae; print('skl2onnx' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def with_holes(X, rate=0.2, seed=0):
    return np.where(np.random.RandomState(seed).rand(*X.shape) < rate, np.nan, X)


@pytest.mark.parametrize("network", ["dense", "conv"])
def test_missing_entries_are_zero_to_the_network_as_in_transform(digits, network):
    X = digits[0][:300]
    model = NETWORKS["conv"] if network == "conv" else None
    dae = DenoisingAutoencoderTransformer(**TINY, model=model).fit(X)
    X_test = with_holes(digits[2]).astype(np.float32)
    (got,) = run(to_onnx(dae, X[:5]), X_test)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, dae.transform(X_test), atol=1e-5)


@pytest.mark.parametrize("add_indicator", [False, True])
def test_imputer_matches_onnxruntime(digits, add_indicator):
    X = with_holes(digits[0] * 16)  # unscaled: the imputer scales by itself
    imputer = DenoisingAutoencoderImputer(
        hidden_layer_sizes=(16,), epochs=2, add_indicator=add_indicator, random_state=0
    ).fit(X)
    X_test = with_holes(digits[2] * 16, seed=1).astype(np.float32)
    onnx_model = to_onnx(imputer, X[:5])
    assert {node.domain for node in onnx_model.graph.node} <= {"", "ai.onnx"}
    (got,) = run(onnx_model, X_test)
    want = imputer.transform(X_test)
    assert got.shape == want.shape == (len(X_test), 64 + 64 * add_indicator)
    np.testing.assert_allclose(got, want, atol=1e-4)
    observed = ~np.isnan(X_test)
    np.testing.assert_array_equal(got[:, :64][observed], X_test[observed])


@pytest.mark.parametrize("keep_empty_features", [False, True])
def test_imputer_with_an_empty_feature_matches_onnxruntime(digits, keep_empty_features):
    X = with_holes(digits[0] * 16)
    X[:, 5] = np.nan  # never observed during fit
    imputer = DenoisingAutoencoderImputer(
        hidden_layer_sizes=(16,),
        epochs=2,
        add_indicator=True,
        keep_empty_features=keep_empty_features,
        random_state=0,
    ).fit(X)
    X_test = with_holes(digits[2] * 16, seed=1).astype(np.float32)
    (got,) = run(to_onnx(imputer, X[:5]), X_test)
    want = imputer.transform(X_test)
    width = 64 - (not keep_empty_features)
    assert got.shape == want.shape == (len(X_test), width + 64)
    np.testing.assert_allclose(got, want, atol=1e-4)


def test_imputer_pipeline_and_a_user_network(digits):
    X, y = with_holes(digits[0]), digits[3]
    pipe = Pipeline(
        [
            (
                "impute",
                DenoisingAutoencoderImputer(
                    model=NETWORKS["conv"], epochs=1, random_state=0
                ),
            ),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    ).fit(X, y)
    X_test = with_holes(digits[2], seed=1).astype(np.float32)
    labels, probabilities = run(to_onnx(pipe, X[:5], options={"zipmap": False}), X_test)
    np.testing.assert_array_equal(labels, pipe.predict(X_test))
    np.testing.assert_allclose(probabilities, pipe.predict_proba(X_test), atol=1e-4)


def test_imputer_with_another_placeholder_is_refused(digits):
    X = np.where(np.isnan(with_holes(digits[0])), -1.0, digits[0])
    imputer = DenoisingAutoencoderImputer(
        missing_values=-1.0, hidden_layer_sizes=(8,), epochs=1, random_state=0
    ).fit(X)
    with pytest.raises(ValueError, match="missing_values=np.nan"):
        to_onnx(imputer, X[:5])


def test_imputer_with_neighbours_is_refused(digits):
    X = with_holes(digits[0])
    imputer = DenoisingAutoencoderImputer(
        n_neighbors=3, hidden_layer_sizes=(8,), epochs=1, random_state=0
    ).fit(X)
    with pytest.raises(ValueError, match="n_neighbors=None, not 3"):
        to_onnx(imputer, X[:5])


@pytest.mark.parametrize(
    "estimator", [DenoisingAutoencoderTransformer(), DenoisingAutoencoderImputer()]
)
def test_unfitted_estimators_are_refused(estimator, digits):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        to_onnx(estimator, digits[0][:5])
