"""What a saved user network may contain: an allowlist for Keras configurations.

A fitted transformer's file is input from a stranger. Keras's safe mode
refuses Python bytecode, but still rebuilds a ``Lambda`` layer that names a
public Keras function, with arguments taken from the file (one that writes
files, or downloads). So skdae never hands a stored configuration to Keras
before walking it here: every object in it must be one of the plain Keras
layers, initializers, regularizers and constraints below, whose
configurations hold numbers, names and shapes but no callable and no path,
or a class registered with :func:`keras.saving.register_keras_serializable`
in the loading process (code the user installed and chose to trust).
Anything else is refused with a ValueError that says why.

The default Dense network never comes from a stored configuration: it is
rebuilt by skdae's own builder from validated parameters.
"""

import inspect

import keras

# Keras layers whose configurations are plain data.
_LAYERS = frozenset(
    """
    InputLayer Dense EinsumDense Embedding Identity Activation ReLU LeakyReLU
    PReLU ELU Softmax Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D
    GaussianNoise GaussianDropout AlphaDropout ActivityRegularization
    BatchNormalization LayerNormalization GroupNormalization UnitNormalization
    RMSNormalization Rescaling Flatten Reshape Permute RepeatVector
    Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose
    SeparableConv1D SeparableConv2D DepthwiseConv1D DepthwiseConv2D
    MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D
    AveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
    GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D
    UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D
    ZeroPadding3D Cropping1D Cropping2D Cropping3D Add Subtract Multiply
    Average Maximum Minimum Concatenate Dot LSTM GRU SimpleRNN Bidirectional
    MultiHeadAttention
    """.split()
)
_MODELS = frozenset({"Functional", "Sequential"})
_REGULARIZERS = frozenset({"L1", "L2", "L1L2", "OrthogonalRegularizer"})
_DTYPE_POLICIES = frozenset({"DTypePolicy", "FloatDTypePolicy"})
# Serialized values, not objects: tensors in a functional graph, tuples, arrays.
_VALUES = frozenset(
    {"__keras_tensor__", "__tuple__", "__numpy__", "__tensor__", "__ellipsis__"}
)
# Layer classes that run code named by their configuration.
_NEVER = frozenset({"Lambda", "TFSMLayer"})
# The exact modules Keras writes for its models and activation functions:
# Keras imports a stored object's module before it checks the object, so a
# prefix ("keras...") would let a file import any module named so.
_MODEL_MODULES = frozenset({"keras", "keras.models", "keras.src.models.functional"})
_ACTIVATION_MODULES = frozenset({"keras.activations", "keras.src.activations"})
# Configuration keys that name an activation function.
_ACTIVATION_KEYS = frozenset({"activation", "recurrent_activation"})


def check_network_config(config):
    """Raise a ValueError unless every object in ``config`` is allowed.

    ``config`` is a Keras serialized object (the dict of
    ``keras.saving.serialize_keras_object``).
    """
    _walk(config, where="network")


def _walk(node, where):
    if isinstance(node, list):
        for item in node:
            _walk(item, where)
        return
    if not isinstance(node, dict):
        return
    if "class_name" in node:
        where = _check_object(node, where)
    for key, value in node.items():
        if key in _ACTIVATION_KEYS and isinstance(value, str):
            _check_activation(value, where)
        else:
            _walk(value, where)


def _check_object(node, where):
    """Check one serialized object; return where the next ones are."""
    class_name = node.get("class_name")
    module = node.get("module") or ""
    registered = node.get("registered_name")
    config = node.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    here = f"{class_name} {name!r}" if name else str(class_name)
    if not isinstance(class_name, str):
        _refuse(f"an object without a class name in {where}")
    if class_name in _NEVER:
        _refuse(
            f"{here}: a {class_name} layer runs a function or loads a file named "
            "by its configuration, so a file that holds one could run anything. "
            "Write a custom layer instead and register it with "
            "@keras.saving.register_keras_serializable()"
        )
    if class_name in _VALUES:
        return where
    if class_name == "function":
        # Keras resolves a function by its name (Keras >= 3.11) or by its
        # registered name (before), then by its module: all of them must
        # name the same allowed function, and no other module.
        if module in _ACTIVATION_MODULES and _is_activation(config):
            if registered in (None, config):
                return where
        if (
            registered in (None, "function", config)
            and _is_registered_function(config)
            and module in ("builtins", _registered_module(config))
        ):
            return where
        _refuse(
            f"{here}: a function ({module}.{config}) stored in the configuration "
            "of a layer in " + where
        )
    if class_name == "__lambda__":
        _refuse(f"Python bytecode (a lambda) in {where}")
    if registered and _is_registered(registered):
        return here
    if _is_allowed_keras_class(module, class_name):
        return here
    _refuse(
        f"{here} (module {module!r}) in {where} is neither one of the plain Keras "
        "layers skdae rebuilds from a file nor a class registered with "
        "@keras.saving.register_keras_serializable() in this process. Register "
        "the class (and import its module before fitting and loading)"
    )


def _is_allowed_keras_class(module, class_name):
    if class_name in _MODELS:
        return module in _MODEL_MODULES
    if module == "keras.layers":
        return class_name in _LAYERS
    if module == "keras.initializers":
        cls = getattr(keras.initializers, class_name, None)
        return isinstance(cls, type) and issubclass(cls, keras.initializers.Initializer)
    if module == "keras.constraints":
        cls = getattr(keras.constraints, class_name, None)
        return isinstance(cls, type) and issubclass(cls, keras.constraints.Constraint)
    if module == "keras.regularizers":
        return class_name in _REGULARIZERS
    if module == "keras":
        return class_name in _DTYPE_POLICIES
    return False


def _is_registered(registered_name):
    """Whether a class registered under this name exists in this process."""
    obj = keras.saving.get_registered_object(registered_name)
    if not isinstance(obj, type):
        return False
    return not any(base.__name__ in _NEVER for base in obj.__mro__)


def _is_activation(name):
    return isinstance(name, str) and name in _activation_names()


def _check_activation(name, where):
    if _is_activation(name) or _is_registered_function(name):
        return
    _refuse(f"the activation {name!r} in {where}, which is not one of Keras's")


def _is_registered_function(name):
    """Whether a function (not a class) is registered under this name."""
    return isinstance(name, str) and inspect.isfunction(
        keras.saving.get_registered_object(name)
    )


def _registered_module(name):
    return keras.saving.get_registered_object(name).__module__


def _activation_names():
    return {
        name
        for name in dir(keras.activations)
        if not name.startswith("_") and callable(getattr(keras.activations, name))
    } - {"get", "serialize", "deserialize"}


def _refuse(what):
    raise ValueError(
        f"This network cannot be saved or loaded safely: {what}. skdae only "
        "rebuilds user networks made of allowlisted Keras layers and registered "
        "classes; see 'What to trust' in the user guide."
    )
