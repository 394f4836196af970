"""The plain fitted state: a Keras network as JSON and NumPy arrays, and back.

What a fitted transformer pickles (or saves with skops) holds no live Keras
object: the network is its Keras configuration as a JSON string, with
compile settings, plus its variables and its optimizer's variables as lists of
NumPy arrays. Loading deserializes the configuration in Keras's safe mode
(no Python lambdas) and assigns the arrays, so the weights are restored bit
for bit. Importing this module imports Keras; reach it through
:func:`skdae._backend.keras_side`, which imports TensorFlow quietly.
"""

import json

import keras
import numpy as np


def network_state(model):
    """``{"config", "variables", "optimizer_variables"}`` of a compiled model.

    ``variables`` are all of ``model.variables``, the noise generator's state
    included, so that training continued after loading draws the noise it
    would have drawn without the round trip.
    """
    config = keras.saving.serialize_keras_object(model)
    return {
        "config": json.dumps(config),
        "variables": [np.array(v.numpy()) for v in model.variables],
        "optimizer_variables": [np.array(v.numpy()) for v in model.optimizer.variables],
    }


def rebuild_network(state):
    """The compiled model that :func:`network_state` described."""
    config = json.loads(state["config"])
    model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    if not model.built:  # pragma: no cover - Functional models are built
        raise ValueError("The saved network could not be rebuilt.")
    model.optimizer.build(model.trainable_variables)
    _assign(model.variables, state["variables"], "network")
    _assign(model.optimizer.variables, state["optimizer_variables"], "optimizer")
    return model


def _assign(variables, values, what):
    if len(variables) != len(values):
        raise ValueError(
            f"The saved {what} has {len(values)} variables, the rebuilt one "
            f"{len(variables)}: it was saved by an incompatible version."
        )
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)
