"""The plain fitted state: pickle, joblib, cloudpickle, deepcopy and skops."""

import copy
import pickle
import subprocess
import sys

import cloudpickle
import joblib
import numpy as np
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoderTransformer

SKDAE_TYPES = ["skdae._transformer.DenoisingAutoencoderTransformer"]
PLAIN = (str, int, float, bool, type(None), np.ndarray, np.generic)


def run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )


def assert_plain(value, where="state"):
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{where} has the key {key!r}"
            assert_plain(item, f"{where}[{key!r}]")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
    else:
        assert isinstance(value, PLAIN), f"{where} is a {type(value)}"


def test_state_holds_no_live_keras_object(fitted):
    state = fitted.__getstate__()
    assert_plain(state)
    assert "model_" not in state and "_network_" in state


@pytest.mark.parametrize(
    "round_trip",
    [
        lambda est: pickle.loads(pickle.dumps(est)),
        lambda est: cloudpickle.loads(cloudpickle.dumps(est)),
        copy.deepcopy,
    ],
    ids=["pickle", "cloudpickle", "deepcopy"],
)
def test_round_trips_keep_weights_and_output(fitted, digits, round_trip):
    restored = round_trip(fitted)
    for got, want in zip(
        restored.model_.variables, fitted.model_.variables, strict=True
    ):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    np.testing.assert_array_equal(
        restored.transform(digits[2]), fitted.transform(digits[2])
    )
    assert restored.model_ is not fitted.model_


def test_training_continues_after_a_round_trip_as_without_it(digits):
    X = digits[0][:300]
    dae = DenoisingAutoencoderTransformer(
        (8, 4), epochs=2, batch_size=32, random_state=0
    )
    dae.fit(X)
    restored = pickle.loads(pickle.dumps(dae))
    dae.partial_fit(X)
    restored.partial_fit(X)
    np.testing.assert_array_equal(restored.transform(X), dae.transform(X))


def test_skops_round_trip_in_a_fresh_process(fitted, digits, tmp_path):
    X, y = digits[0], digits[3]
    pipe = Pipeline(
        [
            ("dae", DenoisingAutoencoderTransformer((8, 4), epochs=2, random_state=0)),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    ).fit(X, y)
    sio.dump(fitted, tmp_path / "dae.skops")
    sio.dump(pipe, tmp_path / "pipe.skops")
    np.save(tmp_path / "X.npy", X[:50])
    for name in ("dae.skops", "pipe.skops"):
        assert sio.get_untrusted_types(file=tmp_path / name) == SKDAE_TYPES
    done = run(
        "import numpy as np, skops.io as sio\n"
        f"X = np.load({str(tmp_path / 'X.npy')!r})\n"
        f"dae = sio.load({str(tmp_path / 'dae.skops')!r}, trusted={SKDAE_TYPES!r})\n"
        f"pipe = sio.load({str(tmp_path / 'pipe.skops')!r}, trusted={SKDAE_TYPES!r})\n"
        f"np.save({str(tmp_path / 'dae.npy')!r}, dae.transform(X))\n"
        f"np.save({str(tmp_path / 'pipe.npy')!r}, pipe.predict_proba(X))\n"
    )
    assert done.stderr == ""
    np.testing.assert_allclose(
        np.load(tmp_path / "dae.npy"), fitted.transform(X[:50]), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        np.load(tmp_path / "pipe.npy"), pipe.predict_proba(X[:50]), rtol=1e-10
    )


def test_skops_refuses_to_load_untrusted_types(fitted, tmp_path):
    sio.dump(fitted, tmp_path / "dae.skops")
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.load(tmp_path / "dae.skops")


def test_joblib_load_and_transform_in_a_fresh_process_print_nothing(
    fitted, digits, tmp_path
):
    joblib.dump(fitted, tmp_path / "dae.joblib")
    np.save(tmp_path / "X.npy", digits[2])
    done = run(
        "import joblib, numpy as np\n"
        f"dae = joblib.load({str(tmp_path / 'dae.joblib')!r})\n"
        f"out = dae.transform(np.load({str(tmp_path / 'X.npy')!r}))\n"
        f"np.save({str(tmp_path / 'out.npy')!r}, out)\n"
    )
    assert done.stdout == "" and done.stderr == ""
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npy"), fitted.transform(digits[2]), rtol=1e-12
    )


def test_a_dense_state_saved_by_0_2_loads_and_trains_on(fitted, digits):
    # 0.2 had no tol parameter and no _value_range_, and kept the Dense
    # network's Keras configuration (now unused).
    state = fitted.__getstate__()
    del state["tol"], state["_value_range_"]
    state["_network_"] = {**state["_network_"], "config": '{"class_name": "x"}'}
    old = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    old.__setstate__(state)
    assert old.tol is None and old._value_range_ == (0.0, 1.0)
    np.testing.assert_array_equal(old.transform(digits[2]), fitted.transform(digits[2]))
    old.partial_fit(digits[0][:100])
    assert old.n_iter_ == fitted.n_iter_ + 1
