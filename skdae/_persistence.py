"""The plain fitted state: a Keras network as NumPy arrays, and back.

A fitted transformer holds its network as a plain dict, which is what it
pickles (or saves with skops): the model's variables and its optimizer's
variables as lists of NumPy arrays; where the Dense layers' weights are in
that list, for the NumPy inference of :mod:`skdae._forward`; and, for a
network given with ``model=`` only, its Keras configuration as JSON.

A loaded file is input from a stranger, so rebuilding trusts no stored
configuration. The default Dense network is built again by skdae's own
builder from its architecture, whose every field is checked first. A user's
network is rebuilt from its stored configuration only after
:func:`skdae._trusted_config.check_network_config` has walked it, and is
compiled from the checked loss and optimizer, never from the file's
``compile_config``. The arrays are then assigned, so the weights come back
bit for bit. Importing this module imports Keras; reach it through
:func:`skdae._backend.keras_side`, which imports TensorFlow quietly.
"""

import copy
import json
from numbers import Integral, Real

import keras
import numpy as np

from ._corruption import NOISE_TYPES
from ._forward import ACTIVATIONS
from ._model import build_autoencoder, compiled, dense_indices
from ._options import LOSSES, OPTIMIZERS
from ._trusted_config import check_network_config


def network_state(model, *, dense=True, config=None):
    """The plain state of a compiled model.

    ``{"config", "variables", "optimizer_variables", "dense"}``: the
    variables are all of ``model.variables``, the noise generator's state
    included, so that training continued from the state draws the noise it
    would have drawn without the round trip. ``dense`` is where the Dense
    chain's weights are, for NumPy inference and for a network made by
    :func:`skdae._model.build_autoencoder`, whose configuration is not kept
    (``config`` is None). ``dense=False`` is for a user's network: its
    configuration is kept, as ``config`` (JSON) or read from ``model``.
    """
    if not dense and config is None:
        config = user_network_config(model)
    return {
        "config": None if dense else config,
        "variables": [np.array(v.numpy()) for v in model.variables],
        "optimizer_variables": [np.array(v.numpy()) for v in model.optimizer.variables],
        "dense": dense_indices(model) if dense else None,
    }


def user_network_config(model):
    """The JSON configuration of a user's network, checked to be rebuildable.

    The compile settings are left out: rebuilding compiles with the
    transformer's own. Raises a ValueError for a network that could not be
    rebuilt safely (a ``Lambda``, an unregistered custom layer, ...).
    """
    config = keras.saving.serialize_keras_object(model)
    config.pop("compile_config", None)
    check_network_config(config)
    return json.dumps(config)


def rebuild_network(state, architecture):
    """The compiled model that :func:`network_state` described.

    ``architecture`` is the transformer's ``_architecture_``: the Dense
    network's parameters, or the loss and optimizer of a user's network.
    Everything is checked before Keras sees it; a ValueError says what is
    wrong with a file that was not saved by skdae.
    """
    if architecture.get("network") == "user":
        loss, optimizer = architecture.get("loss"), architecture.get("optimizer")
        if loss not in LOSSES or optimizer not in OPTIMIZERS:
            _invalid("loss or optimizer")
        if not isinstance(state.get("config"), str):
            _invalid("network configuration")
        config = json.loads(state["config"])
        config.pop("compile_config", None)
        check_network_config(config)
        # The shapes first, with no memory spent on them: a file's sizes are
        # checked against its arrays before any variable is allocated.
        _check_shapes(_deferred_shapes(config), state, "network configuration")
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
        model = compiled(model, optimizer, 1e-3, loss)
    else:
        arguments = check_dense_architecture(architecture)
        _check_dense_widths(arguments, state)
        _check_shapes(_dense_shapes(arguments), state, "hidden_layer_sizes")
        model = build_autoencoder(**arguments, seed=0)
    assign_network(model, state)
    return model


def _deferred_shapes(config):
    """The shapes of the variables of the model ``config`` describes.

    The model is built in a :class:`keras.StatelessScope` that leaves its
    variables uninitialized: Keras knows their shapes but has allocated no
    memory for them. The model is then dropped, uninitialized.
    """
    from keras.src.backend.common import global_state

    pending = global_state.get_global_attribute("uninitialized_variables") or []
    before = {id(v) for v in pending}
    try:
        with keras.StatelessScope(initialize_variables=False):
            model = keras.saving.deserialize_keras_object(
                copy.deepcopy(config),  # Keras consumes the dict it reads
                safe_mode=True,
            )
            shapes = [tuple(v.shape) for v in model.variables]
    except Exception as error:  # the rebuild fails: whatever Keras says
        raise ValueError(
            "The saved network configuration cannot be rebuilt: the file was "
            f"altered or saved by an incompatible version ({error})"
        ) from None
    finally:
        # Forget the probe's variables, so that no later scope allocates them.
        pending = global_state.get_global_attribute("uninitialized_variables")
        if pending:
            global_state.set_global_attribute(
                "uninitialized_variables",
                [v for v in pending if id(v) in before],
            )
    return shapes


def _dense_shapes(arguments):
    """The variable shapes of :func:`build_autoencoder`'s network: the
    corruption layer's seed and noise factor, then kernel and bias of each
    Dense layer."""
    hidden = arguments["hidden_layer_sizes"]
    widths = [
        arguments["n_features"],
        *hidden,
        *hidden[-2::-1],
        arguments["n_features"],
    ]
    shapes = [(2,), ()]
    for n_in, n_out in zip(widths[:-1], widths[1:], strict=True):
        shapes += [(n_in, n_out), (n_out,)]
    return shapes


def _check_dense_widths(arguments, state):
    """Raise a ValueError naming the field whose widths the saved Dense
    chain does not have."""
    from ._forward import dense_stack

    kernels = [kernel for kernel, _, _ in dense_stack(state)]
    saved = [kernels[0].shape[0], *(kernel.shape[1] for kernel in kernels)]
    hidden = arguments["hidden_layer_sizes"]
    n_features = arguments["n_features"]
    if saved[0] != n_features or saved[-1] != n_features:
        _invalid("n_features, which does not fit the file's arrays,")
    if saved[1:-1] != [*hidden, *hidden[-2::-1]]:
        _invalid("hidden_layer_sizes, which do not fit the file's arrays,")


def _check_shapes(shapes, state, field):
    """Raise a ValueError naming ``field`` unless the variables of
    ``shapes`` are the saved arrays' (in any order: :func:`assign_network`
    checks the order), so that rebuilding allocates no more than the file
    holds."""
    variables = state.get("variables")
    if not isinstance(variables, list) or not all(
        isinstance(v, np.ndarray) for v in variables
    ):
        _invalid("variables")
    saved = sorted(tuple(v.shape) for v in variables)
    if saved != sorted(tuple(s) for s in shapes):
        _invalid(f"{field}, which does not fit the file's arrays,")


def check_dense_architecture(architecture):
    """The builder's arguments for a Dense architecture, every field checked."""
    try:
        n_features = architecture["n_features"]
        hidden = architecture["hidden_layer_sizes"]
        corruption = architecture["corruption"]
        noise, clip_range = corruption["noise"], corruption["clip_range"]
        value_range = corruption["value_range"]
        groups = corruption.get("groups")  # absent before 0.4
        activation = architecture["activation"]
        output_activation = architecture["output_activation"]
        loss, optimizer = architecture["loss"], architecture["optimizer"]
    except (KeyError, TypeError):
        _invalid("architecture")
    if not _is_count(n_features) or not isinstance(hidden, list | tuple):
        _invalid("network size")
    if not hidden or not all(_is_count(size) for size in hidden):
        _invalid("hidden_layer_sizes")
    if activation not in ACTIVATIONS or output_activation not in ACTIVATIONS:
        _invalid("activation")
    if loss not in LOSSES or optimizer not in OPTIMIZERS or noise not in NOISE_TYPES:
        _invalid("loss, optimizer or noise")
    if clip_range is not None and not (
        isinstance(clip_range, list | tuple)
        and len(clip_range) == 2
        and all(_is_number(v) for v in clip_range)
    ):
        _invalid("clip_range")
    if not (
        isinstance(value_range, list | tuple)
        and len(value_range) == 2
        and all(
            _is_number(v)
            or (
                isinstance(v, list | tuple)
                and len(v) == n_features
                and all(_is_number(x) for x in v)
            )
            for v in value_range
        )
    ):
        _invalid("salt-and-pepper values")
    if groups is not None and not (
        isinstance(groups, list)
        and len(groups) == n_features
        and all(_is_index(g, n_features) for g in groups)
    ):
        _invalid("feature groups")
    return {
        "n_features": int(n_features),
        "hidden_layer_sizes": tuple(int(size) for size in hidden),
        "activation": activation,
        "output_activation": output_activation,
        "corruption": {
            "noise": noise,
            "noise_factor": 0.0,  # the saved variable holds it
            "clip_range": clip_range,
            "value_range": value_range,
            "groups": groups,
        },
        "loss": loss,
        "optimizer": optimizer,
        "learning_rate": 1e-3,  # the saved optimizer variables hold it
    }


def _is_index(value, n):
    return (
        isinstance(value, Integral) and not isinstance(value, bool) and 0 <= value < n
    )


def _is_count(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value > 0


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _invalid(what):
    raise ValueError(
        f"The saved network's {what} is not one skdae writes: the file was not "
        "saved by this version of skdae, or it was altered."
    )


def assign_network(model, state):
    """Give ``model`` (of the same architecture) the variables in ``state``."""
    _assign(model.variables, state["variables"], "network")
    _assign(model.optimizer.variables, state["optimizer_variables"], "optimizer")


def _assign(variables, values, what):
    if len(variables) != len(values):
        raise ValueError(
            f"The saved {what} has {len(values)} variables, the rebuilt one "
            f"{len(variables)}: it was saved by an incompatible version."
        )
    for variable, value in zip(variables, values, strict=True):
        if tuple(variable.shape) != np.shape(value):
            raise ValueError(
                f"The saved {what} has a variable of shape {np.shape(value)} "
                f"where the rebuilt one has {tuple(variable.shape)}."
            )
        variable.assign(value)
