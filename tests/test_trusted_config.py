"""Loading a crafted file: what a stored Keras configuration may contain."""

import json
import socket

import numpy as np
import pytest
import skops.io as sio

from skdae import DenoisingAutoencoderTransformer, _backend

SKDAE_TYPES = ["skdae._transformer.DenoisingAutoencoderTransformer"]
# A public Keras function that writes a file at ``path``.
GALLERY = ("keras.visualization", "plot_image_gallery")


def small_network(n_features):
    """A user's network: input -> code -> reconstruction."""
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(8, activation="relu", name="code")(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_features)(code))


def crafted_config(n_features, function, arguments):
    """Our training model's configuration with a Lambda after the network.

    The Lambda names a public Keras function (``(module, name)``) and takes
    its arguments from the file; it adds no variable, so the saved arrays
    still fit.
    """
    keras = _backend.keras_side().keras
    module, name = function
    function = getattr(eval(module, {"keras": keras}), name)
    keras = _backend.keras_side().keras
    corruption = _backend.keras_side().model.Corruption
    inputs = keras.Input((n_features,), name="input")
    h = corruption(name="corruption")(inputs)
    h = small_network(n_features)(h)
    side = int(np.sqrt(n_features))
    h = keras.layers.Reshape((side, side, 1))(h)  # images, for the gallery
    h = keras.layers.Lambda(
        function, arguments=arguments, output_shape=(side, side, 1), name="payload"
    )(h)
    config = keras.saving.serialize_keras_object(keras.Model(inputs, h))
    payload = config["config"]["layers"][-1]["config"]["function"]
    payload["module"] = module  # as Keras finds a public function
    return json.dumps(config)


@pytest.fixture
def no_network(monkeypatch):
    """Record (and refuse) every outbound connection."""
    attempts = []

    def connect(self, address):
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def tampered(estimator, config, tmp_path):
    """``estimator`` saved with skops, its network's configuration replaced."""
    state = estimator.__getstate__()
    state["_network_"] = {**state["_network_"], "config": config}
    crafted = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    crafted.__setstate__(state)
    sio.dump(crafted, tmp_path / "crafted.skops")
    trusted = sio.get_untrusted_types(file=tmp_path / "crafted.skops")
    # skdae's class, and the user's network builder when there is one.
    assert set(SKDAE_TYPES) <= set(trusted) and len(trusted) <= 2
    return sio.load(tmp_path / "crafted.skops", trusted=trusted)


def test_the_payload_writes_a_file_when_keras_runs_it(digits, tmp_path):
    # The control: the crafted configuration is live in plain Keras.
    pytest.importorskip("matplotlib")
    keras = _backend.keras_side().keras
    target = tmp_path / "written.png"
    config = crafted_config(64, GALLERY, {"path": str(target)})
    model = keras.saving.deserialize_keras_object(json.loads(config), safe_mode=True)
    model(digits[0][:4].astype("float32"))
    assert target.exists()


def test_a_crafted_user_network_touches_nothing(digits, tmp_path, no_network):
    pytest.importorskip("matplotlib")
    X = digits[0][:200]
    genuine = DenoisingAutoencoderTransformer(
        model=small_network, epochs=1, random_state=0
    ).fit(X)
    target = tmp_path / "written.png"
    for function, arguments in [
        (GALLERY, {"path": str(target)}),
        (("keras.datasets.mnist", "load_data"), {"path": str(target)}),
    ]:
        config = crafted_config(64, function, arguments)
        loaded = tampered(genuine, config, tmp_path)
        for operation in ("transform", "model_", "partial_fit", "score"):
            with pytest.raises(ValueError, match="Lambda"):
                if operation == "model_":
                    loaded.model_  # noqa: B018 - built on access
                else:
                    getattr(loaded, operation)(X[:10])
    assert not target.exists()
    assert no_network == []


def test_a_dense_file_with_a_crafted_config_touches_nothing(
    fitted, digits, tmp_path, no_network
):
    pytest.importorskip("matplotlib")
    keras = _backend.keras_side().keras
    target = tmp_path / "written.png"
    config = crafted_config(64, GALLERY, {"path": str(target)})
    loaded = tampered(fitted, config, tmp_path)
    X = digits[2]
    np.testing.assert_array_equal(loaded.transform(X), fitted.transform(X))
    # The Dense network is rebuilt by skdae's builder: the config is unused.
    assert not any(
        isinstance(layer, keras.layers.Lambda) for layer in loaded.model_.layers
    )
    loaded.partial_fit(digits[0][:100])
    assert np.isfinite(loaded.transform(X)).all()
    assert not target.exists()
    assert no_network == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("activation", "keras.visualization.plot_image_gallery"),
        ("hidden_layer_sizes", [64, "32"]),
        ("optimizer", {"class_name": "Adam"}),
        ("n_features", -1),
    ],
)
def test_a_tampered_dense_architecture_is_refused(fitted, field, value):
    state = fitted.__getstate__()
    state["_architecture_"] = {**state["_architecture_"], field: value}
    crafted = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    crafted.__setstate__(state)
    with pytest.raises(ValueError, match="not one skdae writes"):
        crafted.model_  # noqa: B018 - built on access


def test_tampered_dense_indices_are_refused(fitted):
    state = fitted.__getstate__()
    network = state["_network_"]
    state["_network_"] = {**network, "dense": [[0, 1, "os.system"]]}
    crafted = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    with pytest.raises(ValueError, match="not a Dense chain"):
        crafted.__setstate__(state)


def lambda_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(4, name="code")(inputs)
    outputs = keras.layers.Lambda(lambda x: x, name="identity")(
        keras.layers.Dense(n_features)(code)
    )
    return keras.Model(inputs, outputs)


def unregistered_layer_network(n_features):
    keras = _backend.keras_side().keras

    class Doubling(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(4, name="code")(inputs)
    return keras.Model(inputs, Doubling()(keras.layers.Dense(n_features)(code)))


@pytest.mark.parametrize(
    "network, match",
    [
        (lambda_network, "Lambda"),
        (unregistered_layer_network, "register_keras_serializable"),
    ],
)
def test_networks_that_cannot_be_rebuilt_are_refused_at_fit(digits, network, match):
    dae = DenoisingAutoencoderTransformer(model=network, epochs=1)
    with pytest.raises(ValueError, match=match):
        dae.fit(digits[0][:50])
    assert not hasattr(dae, "n_iter_")


def test_a_registered_custom_layer_is_rebuilt(digits):
    X = digits[0][:100]
    dae = DenoisingAutoencoderTransformer(
        model=_registered_layer_network, epochs=1, random_state=0
    ).fit(X)
    import copy
    import pickle

    restored = pickle.loads(pickle.dumps(dae))
    np.testing.assert_allclose(restored.transform(X), dae.transform(X), rtol=1e-6)
    copy.deepcopy(dae).partial_fit(X)
    dae.partial_fit(X).partial_fit(X)


def _registered_layer_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(4, name="code")(inputs)
    outputs = _scale_layer()(keras.layers.Dense(n_features)(code))
    return keras.Model(inputs, outputs)


_SCALE = []


def _scale_layer():
    if not _SCALE:
        keras = _backend.keras_side().keras

        @keras.saving.register_keras_serializable(package="skdae_tests")
        class Scale(keras.layers.Layer):
            def call(self, x):
                return 0.5 * x

        _SCALE.append(Scale)
    return _SCALE[0]()


def _functions(config):
    """Every serialized function node in a configuration."""
    if isinstance(config, list):
        return [f for item in config for f in _functions(item)]
    if not isinstance(config, dict):
        return []
    found = [config] if config.get("class_name") == "function" else []
    return found + [f for value in config.values() for f in _functions(value)]


def _registered_activation_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(4, activation=_halve(), name="code")(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_features)(code))


_HALVE = []


def _halve():
    if not _HALVE:
        keras = _backend.keras_side().keras

        @keras.saving.register_keras_serializable(package="skdae_tests")
        def halve(x):
            return 0.5 * x

        _HALVE.append(halve)
    return _HALVE[0]


@pytest.fixture(scope="module")
def with_function(digits):
    """A user network whose configuration stores a registered function."""
    return DenoisingAutoencoderTransformer(
        model=_registered_activation_network, epochs=1, random_state=0
    ).fit(digits[0][:100])


def _with_node(estimator, **changes):
    """The estimator's configuration with its function node changed."""
    config = json.loads(estimator._network_["config"])
    (node,) = _functions(config)
    node.update(changes)
    return json.dumps(config)


def test_a_registered_function_round_trips(with_function, digits, tmp_path):
    X = digits[2]
    loaded = tampered(with_function, with_function._network_["config"], tmp_path)
    np.testing.assert_allclose(loaded.transform(X), with_function.transform(X))


@pytest.mark.parametrize(
    "changes",
    [
        # Keras <= 3.10 resolves a function by its registered name: skdae's
        # own registered class must not stand for a Keras function.
        {"registered_name": "skdae>Corruption", "config": "set_epsilon"},
        {"registered_name": "skdae>Corruption", "module": "keras.config"},
        # A registered name other than the function's name.
        {"registered_name": "skdae_tests>halve", "config": "relu"},
        {"config": "skdae>Corruption", "registered_name": "skdae>Corruption"},
        # The right function from another module: Keras would import it.
        {"module": "keras.utils"},
        {"module": "keras_hub.models"},
    ],
)
def test_function_nodes_must_name_one_registered_function(
    with_function, digits, tmp_path, changes
):
    config = _with_node(with_function, **changes)
    loaded = tampered(with_function, config, tmp_path)
    with pytest.raises(ValueError, match="function"):
        loaded.transform(digits[2])


@pytest.mark.parametrize(
    "module", ["keras_hub.models", "keras.src.export.onnx_test", "kerasx", "keras.x"]
)
def test_models_from_other_keras_modules_are_refused(fitted_user, tmp_path, module):
    config = json.loads(fitted_user._network_["config"])
    config["module"] = module
    loaded = tampered(fitted_user, json.dumps(config), tmp_path)
    with pytest.raises(ValueError, match="module"):
        loaded.model_  # noqa: B018 - built on access


@pytest.fixture(scope="module")
def fitted_user(digits):
    return DenoisingAutoencoderTransformer(
        model=small_network, epochs=1, random_state=0
    ).fit(digits[0][:100])


def test_a_user_network_too_large_for_its_arrays_is_refused(fitted_user, digits):
    state = fitted_user.__getstate__()
    config = state["_network_"]["config"].replace('"units": 8', '"units": 400000000')
    state["_network_"] = {**state["_network_"], "config": config}
    crafted = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    crafted.__setstate__(state)
    for operation in ("transform", "model_", "partial_fit"):
        with pytest.raises(ValueError, match="network configuration"):
            if operation == "model_":
                crafted.model_  # noqa: B018 - built on access
            else:
                getattr(crafted, operation)(digits[2])


@pytest.mark.parametrize(
    "field, value",
    [("hidden_layer_sizes", [10**9, 32]), ("n_features", 10**9)],
)
def test_dense_sizes_are_checked_against_the_arrays(fitted, digits, field, value):
    state = fitted.__getstate__()
    state["_architecture_"] = {**state["_architecture_"], field: value}
    crafted = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    crafted.__setstate__(state)
    for operation in ("model_", "partial_fit"):
        with pytest.raises(ValueError, match=field):
            if operation == "model_":
                crafted.model_  # noqa: B018 - built on access
            else:
                crafted.partial_fit(digits[0][:10])


@pytest.mark.parametrize(
    "field, value",
    [("n_iter_", 10**8), ("n_iter_", -1), ("n_iter_", "20"), ("history_", [])],
)
def test_stored_counts_must_agree_with_the_stored_lists(fitted, field, value):
    state = {**fitted.__getstate__(), field: value}
    crafted = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    with pytest.raises(ValueError, match=field):
        crafted.__setstate__(state)


_CRAFTED_FILES = """
import json, resource, sys
import numpy as np, skops.io as sio
from skdae import DenoisingAutoencoderTransformer as D

def network(n):
    import keras
    i = keras.Input((n,))
    c = keras.layers.Dense(8, name="code")(i)
    return keras.Model(i, keras.layers.Dense(n)(c))

X = np.random.RandomState(0).rand(100, 64)
dense = D((32, 16), epochs=1, random_state=0).fit(X)
user = D(model=network, epochs=1, random_state=0).fit(X)
crafted = []
for field, value in [("hidden_layer_sizes", [10**8, 16]), ("n_features", 10**9)]:
    state = dense.__getstate__()
    state["_architecture_"] = {**state["_architecture_"], field: value}
    crafted.append(state)
state = user.__getstate__()
config = state["_network_"]["config"].replace('"units": 8', '"units": 10**8')
config = config.replace("10**8", "100000000")
state["_network_"] = {**state["_network_"], "config": config}
crafted.append(state)
config = json.loads(user._network_["config"])
config["module"] = "keras_hub.models"
state = user.__getstate__()
state["_network_"] = {**state["_network_"], "config": json.dumps(config)}
crafted.append(state)
loaded = []
for i, state in enumerate(crafted):
    estimator = D.__new__(D)
    estimator.__setstate__(state)
    sio.dump(estimator, f"{i}.skops")
    trusted = sio.get_untrusted_types(file=f"{i}.skops")
    loaded.append(sio.load(f"{i}.skops", trusted=trusted))
modules = set(sys.modules)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
refused = 0
for estimator in loaded:
    for operation in ("model_", "transform", "partial_fit"):
        try:
            if operation == "model_":
                estimator.model_
            else:
                getattr(estimator, operation)(X[:10])
        except ValueError:
            refused += 1
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"refused": refused, "grown_mib": grown,
                  "new_modules": sorted(set(sys.modules) - modules)}))
"""


def test_crafted_files_allocate_and_import_nothing_before_refusing(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _CRAFTED_FILES],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Two dense files: transform runs in NumPy from the arrays and works.
    assert result["refused"] == 2 * 2 + 2 * 3
    assert result["grown_mib"] < 100
    assert result["new_modules"] == []
