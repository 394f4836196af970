"""The plain fitted state: a Keras network as JSON and NumPy arrays, and back.

A fitted transformer holds its network as a plain dict, which is what it
pickles (or saves with skops): the Keras configuration as a JSON string, with
compile settings; the model's variables and its optimizer's variables as
lists of NumPy arrays; and where the Dense layers' weights are in that list,
for the NumPy inference of :mod:`skdae._forward`. Rebuilding deserializes the
configuration in Keras's safe mode (no Python lambdas) and assigns the
arrays, so the weights come back bit for bit. Importing this module imports
Keras; reach it through :func:`skdae._backend.keras_side`, which imports
TensorFlow quietly.
"""

import json

import keras
import numpy as np

from ._model import dense_indices, python_random_seeded


def network_state(model, *, dense=True, config=None):
    """The plain state of a compiled model.

    ``{"config", "variables", "optimizer_variables", "dense"}``: the
    variables are all of ``model.variables``, the noise generator's state
    included, so that training continued from the state draws the noise it
    would have drawn without the round trip. ``dense`` is where the Dense
    chain's weights are, for NumPy inference, or None for a network that is
    not one (``dense=False``). ``config`` is the configuration's JSON when
    the caller has it already.
    """
    if config is None:
        config = json.dumps(keras.saving.serialize_keras_object(model))
    return {
        "config": config,
        "variables": [np.array(v.numpy()) for v in model.variables],
        "optimizer_variables": [np.array(v.numpy()) for v in model.optimizer.variables],
        "dense": dense_indices(model) if dense else None,
    }


def rebuild_network(state):
    """The compiled model that :func:`network_state` described."""
    config = json.loads(state["config"])
    # Layers saved without a seed draw one from Python's global generator
    # when they are made; the saved variables then replace what they drew.
    with python_random_seeded(0):
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    model.optimizer.build(model.trainable_variables)
    assign_network(model, state)
    return model


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
        variable.assign(value)
