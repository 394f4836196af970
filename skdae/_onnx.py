"""ONNX export through skl2onnx: :func:`to_onnx`.

skl2onnx converts scikit-learn pipelines step by step, with a shape
calculator and a converter registered for each estimator type. This module
registers skdae's: the trained Dense chain becomes standard ONNX operators
(``MatMul``, ``Add`` and one operator per activation) in float32, for the
denoised output and for the code; a network given with ``model=`` is
converted by tf2onnx and its graph spliced in. Missing entries (NaN) enter
the network as 0. The imputer's graph scales its input, runs its
autoencoder's graph, fills the missing entries and appends the indicator's
columns. skl2onnx, onnxruntime and tf2onnx are the ``onnx`` extra; this
module imports them only when called.
"""

import importlib.abc
import importlib.util
import sys
import threading

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._imputer import DenoisingAutoencoderImputer, _is_nan
from ._transformer import DenoisingAutoencoderTransformer

_ALIAS = "SkdaeDenoisingAutoencoderTransformer"
_IMPUTER_ALIAS = "SkdaeDenoisingAutoencoderImputer"


def _skl2onnx():
    try:
        import skl2onnx
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            'ONNX export needs skl2onnx: pip install "skdae[onnx]"'
        ) from exc
    return skl2onnx


def register_converter():
    """Register skdae's shape calculator and converter with skl2onnx.

    Afterwards ``skl2onnx.to_onnx`` and ``skl2onnx.convert_sklearn`` convert
    the transformer and the imputer, and pipelines containing them, in this
    process. :func:`to_onnx` calls it.
    """
    skl2onnx = _skl2onnx()
    skl2onnx.update_registered_converter(
        DenoisingAutoencoderTransformer,
        _ALIAS,
        _shape_calculator,
        _converter,
    )
    skl2onnx.update_registered_converter(
        DenoisingAutoencoderImputer,
        _IMPUTER_ALIAS,
        _shape_calculator,
        _imputer_converter,
    )


def register_when_skl2onnx_is_imported():
    """Make skl2onnx's own entry points convert skdae, in either import order.

    Called by ``import skdae``. If skl2onnx is imported already, the
    converter is registered now; otherwise a one-shot import hook registers
    it right after skl2onnx's first import, and then removes itself, so that
    ``from skl2onnx import to_onnx`` works without ``skdae.to_onnx`` having
    run, and ``import skdae`` never imports skl2onnx itself.
    """
    if "skl2onnx" in sys.modules:
        register_converter()
    elif not any(isinstance(f, _RegisterOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())


class _RegisterOnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps skl2onnx's loader to register afterwards."""

    _lock = threading.Lock()

    def find_spec(self, name, path=None, target=None):
        if name != "skl2onnx":
            return None
        with self._lock:
            if self not in sys.meta_path:
                return None
            sys.meta_path.remove(self)  # one shot
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _RegisteringLoader(spec.loader)
        return spec


class _RegisteringLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        register_converter()

    def __getattr__(self, name):  # get_resource_reader, is_package, ...
        return getattr(self._loader, name)


# The newest opset tf2onnx writes; networks given with model= are converted
# at it at most.
TF2ONNX_MAX_OPSET = 18


def _tf2onnx():
    try:
        import tf2onnx
    except ImportError as exc:
        raise ValueError(
            "Networks given with model= (not a Dense chain) are converted to ONNX "
            "by tf2onnx, which is not installed: pip install tf2onnx"
        ) from exc
    return tf2onnx


def _convert_with_tf2onnx(scope, operator, container):
    """Convert a user's network with tf2onnx and splice its graph in."""
    from onnx import TensorProto, helper, numpy_helper
    from skl2onnx.common.data_types import DoubleTensorType

    from . import _backend

    transformer = operator.raw_operator
    opset = container.target_opset
    if opset > TF2ONNX_MAX_OPSET:
        raise ValueError(
            f"tf2onnx writes ONNX opsets up to {TF2ONNX_MAX_OPSET}, and this "
            f"conversion targets {opset}: pass target_opset={TF2ONNX_MAX_OPSET} "
            "(skdae.to_onnx does so for such networks)."
        )
    tf2onnx = _tf2onnx()
    _backend.keras_side()  # TensorFlow, imported quietly
    import tensorflow as tf

    part = "encoder" if transformer.transform_output == "encoded" else "network"
    network = transformer._keras_view(part)  # raises if there is no encoder
    spec = (tf.TensorSpec((None, transformer.n_features_in_), tf.float32, name="x"),)
    function = tf.function(lambda x: network(x, training=False), input_signature=spec)
    proto, _ = tf2onnx.convert.from_function(
        function, input_signature=spec, opset=opset
    )
    graph = proto.graph

    # Rename everything into this scope; the graph's input becomes the
    # operator's (in float32) and its output, flattened, the operator's.
    prefix = scope.get_unique_variable_name("skdae_network")
    names = {}

    def rename(name):
        if name == "":
            return name
        return names.setdefault(name, f"{prefix}_{name}")

    source = operator.inputs[0].full_name
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    as_float = source
    if double:
        as_float = scope.get_unique_variable_name(f"{prefix}_float")
        container.add_node("Cast", [source], [as_float], to=TensorProto.FLOAT)
    # Missing entries (NaN) are 0 to the network, as in transform.
    is_nan = scope.get_unique_variable_name(f"{prefix}_is_nan")
    zero = scope.get_unique_variable_name(f"{prefix}_zero")
    container.add_initializer(zero, TensorProto.FLOAT, [], [0.0])
    container.add_node("IsNaN", [as_float], [is_nan])
    container.add_node("Where", [is_nan, zero, as_float], [rename(graph.input[0].name)])
    for initializer in graph.initializer:
        value = numpy_helper.to_array(initializer)
        container.add_initializer(
            rename(initializer.name),
            initializer.data_type,
            list(value.shape),
            value.flatten().tolist(),
        )
    for node in graph.node:
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        container.add_node(
            node.op_type,
            [rename(name) for name in node.input],
            [rename(name) for name in node.output],
            op_domain=node.domain,
            op_version=opset if node.domain in ("", "ai.onnx") else None,
            name=rename(node.name or node.output[0]),
            **attributes,
        )
    flat = operator.outputs[0].full_name
    if double:
        flat = scope.get_unique_variable_name(f"{prefix}_flat")
    container.add_node(
        "Flatten", [rename(graph.output[0].name)], [flat], axis=1, name=f"{prefix}_out"
    )
    if double:
        container.add_node(
            "Cast", [flat], [operator.outputs[0].full_name], to=TensorProto.DOUBLE
        )


def _needs_tf2onnx(estimator):
    steps = getattr(estimator, "steps", [(None, estimator)])
    transformers = [
        getattr(step, "autoencoder_", step)
        for _, step in steps
        if isinstance(
            step, DenoisingAutoencoderTransformer | DenoisingAutoencoderImputer
        )
    ]
    # Unfitted ones have no layers; skl2onnx then says they are not fitted.
    return any(getattr(step, "_forward_layers_", ()) is None for step in transformers)


def to_onnx(estimator, X_sample, **kwargs):
    """Convert a fitted transformer or imputer, or a pipeline with one, to ONNX.

    Registers skdae's converter with skl2onnx (see below), then calls
    :func:`skl2onnx.to_onnx`. The network is written with standard ONNX
    operators in float32: ``X_sample`` is cast to float32, so the model's
    input is float32.

    Parameters
    ----------
    estimator : DenoisingAutoencoderTransformer, DenoisingAutoencoderImputer or Pipeline
        Fitted. The transformer's ``transform_output`` decides whether the
        ONNX model outputs the denoised reconstruction or the code. Missing
        entries (NaN) are 0 to the network, as in ``transform``; the
        imputer's model fills them (it needs ``missing_values=np.nan``).
    X_sample : array-like of shape (n_samples, n_features)
        A few rows of input, from which skl2onnx infers the input's type.
    **kwargs
        Passed to :func:`skl2onnx.to_onnx` (``target_opset``, ``options``,
        ...).

    Returns
    -------
    onnx_model : onnx.ModelProto
        Run it with onnxruntime, or save it with ``onnx_model.SerializeToString()``.

    Networks given with ``model=`` are converted by tf2onnx (in the ``onnx``
    extra), at ONNX opset 18 at most (the newest tf2onnx writes), and spliced
    into the graph; without tf2onnx they raise a ValueError.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skdae import DenoisingAutoencoderTransformer, to_onnx
    >>> X = load_digits().data / 16.0
    >>> dae = DenoisingAutoencoderTransformer((16, 8), epochs=1).fit(X)
    >>> onx = to_onnx(dae, X[:5])
    >>> [node.op_type for node in onx.graph.node][:5]
    ['IsNaN', 'Where', 'MatMul', 'Add', 'Relu']
    """
    register_converter()
    if _needs_tf2onnx(estimator):
        kwargs.setdefault("target_opset", TF2ONNX_MAX_OPSET)
    X_sample = np.asarray(X_sample, dtype=np.float32)
    return _skl2onnx().to_onnx(estimator, X_sample, **kwargs)


def _output_width(estimator):
    if isinstance(estimator, DenoisingAutoencoderImputer):
        # The kept features and the indicator's columns, as transform does.
        return len(estimator.get_feature_names_out())
    return estimator._n_features_out


def _shape_calculator(operator):
    """The transformer's and the imputer's: the input's type, their width."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    estimator = operator.raw_operator
    check_is_fitted(estimator)
    n = operator.inputs[0].get_first_dimension()
    tensor_type = (
        DoubleTensorType
        if isinstance(operator.inputs[0].type, DoubleTensorType)
        else FloatTensorType
    )
    operator.outputs[0].type = tensor_type([n, _output_width(estimator)])


def _activation(name, h, opv):
    from skl2onnx.algebra import onnx_ops as ops

    if name == "linear":
        return h
    if name == "relu":
        return ops.OnnxRelu(h, op_version=opv)
    if name == "sigmoid":
        return ops.OnnxSigmoid(h, op_version=opv)
    if name == "tanh":
        return ops.OnnxTanh(h, op_version=opv)
    if name == "elu":
        return ops.OnnxElu(h, alpha=1.0, op_version=opv)
    if name == "selu":
        return ops.OnnxSelu(
            h, alpha=1.6732632423543772, gamma=1.0507009873554805, op_version=opv
        )
    if name == "leaky_relu":  # keras.activations.leaky_relu's default slope
        return ops.OnnxLeakyRelu(h, alpha=0.2, op_version=opv)
    if name == "softplus":
        return ops.OnnxSoftplus(h, op_version=opv)
    if name in ("swish", "silu"):
        return ops.OnnxMul(h, ops.OnnxSigmoid(h, op_version=opv), op_version=opv)
    if name == "gelu":  # Keras's exact form: x / 2 * (1 + erf(x / sqrt(2)))
        half = np.array([0.5], dtype=np.float32)
        one = np.array([1.0], dtype=np.float32)
        root2 = np.array([np.sqrt(2.0)], dtype=np.float32)
        erf = ops.OnnxErf(ops.OnnxDiv(h, root2, op_version=opv), op_version=opv)
        return ops.OnnxMul(
            ops.OnnxMul(h, half, op_version=opv),
            ops.OnnxAdd(erf, one, op_version=opv),
            op_version=opv,
        )
    raise ValueError(f"No ONNX form for the activation {name!r}.")  # pragma: no cover


def _converter(scope, operator, container):
    from onnx import TensorProto
    from skl2onnx.algebra import onnx_ops as ops
    from skl2onnx.common.data_types import DoubleTensorType

    transformer = operator.raw_operator
    if transformer._forward_layers_ is None:
        return _convert_with_tf2onnx(scope, operator, container)
    opv = container.target_opset
    layers = transformer._forward_layers_[np.dtype(np.float32)]
    if transformer.transform_output == "encoded":
        layers = layers[: len(layers) // 2]
    hidden = transformer.transform_output == "hidden"
    if hidden:  # every layer's activations but the output's
        layers = layers[:-1]
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    h = operator.inputs[0]
    if double:
        h = ops.OnnxCast(h, to=TensorProto.FLOAT, op_version=opv)
    # Missing entries (NaN) are 0 to the network, as in transform.
    h = ops.OnnxWhere(
        ops.OnnxIsNaN(h, op_version=opv),
        np.array([0.0], dtype=np.float32),
        h,
        op_version=opv,
    )
    activations = []
    for kernel, bias, activation in layers:
        h = ops.OnnxAdd(ops.OnnxMatMul(h, kernel, op_version=opv), bias, op_version=opv)
        h = _activation(activation, h, opv)
        activations.append(h)
    if hidden:
        h = ops.OnnxConcat(*activations, axis=1, op_version=opv)
    if double:
        h = ops.OnnxCast(h, to=TensorProto.DOUBLE, op_version=opv)
    output = ops.OnnxIdentity(h, op_version=opv, output_names=operator.outputs[:1])
    output.add_to(scope, container)


def _imputer_converter(scope, operator, container):
    """Scale, fill the missing entries with the autoencoder's reconstruction,
    scale back, keep the observed entries, drop the empty features (or fill
    them with 0); append the indicator's columns."""
    from onnx import TensorProto
    from skl2onnx.algebra import onnx_ops as ops
    from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
    from skl2onnx.common.data_types import DoubleTensorType

    imputer = operator.raw_operator
    if imputer._fills_from_neighbors():
        raise ValueError(
            "ONNX export of DenoisingAutoencoderImputer needs "
            f"n_neighbors=None, not {imputer.n_neighbors!r}: the neighbour "
            "search over the training rows has no ONNX converter here."
        )
    if not _is_nan(imputer.missing_values):
        raise ValueError(
            "ONNX export of DenoisingAutoencoderImputer needs "
            f"missing_values=np.nan, not {imputer.missing_values!r}: ONNX "
            "inputs are float tensors, where NaN marks the missing entries."
        )
    opv = container.target_opset
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    dtype = np.float64 if double else np.float32
    X = operator.inputs[0]
    missing = ops.OnnxIsNaN(X, op_version=opv)
    low = imputer.data_min_.astype(dtype)
    spread = imputer.data_range_.astype(dtype)
    # NaN stays NaN here; the autoencoder's graph takes it as 0.
    scaled = ops.OnnxDiv(ops.OnnxSub(X, low, op_version=opv), spread, op_version=opv)
    if imputer.empty_features_.any():  # hidden from the network, as in transform
        scaled = ops.OnnxWhere(
            imputer.empty_features_[np.newaxis],
            np.array([np.nan], dtype=dtype),
            scaled,
            op_version=opv,
        )
    reconstruction = OnnxSubEstimator(imputer.autoencoder_, scaled, op_version=opv)
    # The empty features' spread is 1 and their minimum 0: a 0 spread fills
    # them with 0, as transform does.
    spread_out = np.where(imputer.empty_features_, 0, spread).astype(dtype)
    fills = ops.OnnxAdd(
        ops.OnnxMul(reconstruction, spread_out, op_version=opv), low, op_version=opv
    )
    filled = ops.OnnxWhere(missing, fills, X, op_version=opv)
    if not imputer.keep_empty_features and imputer.empty_features_.any():
        kept = np.flatnonzero(~imputer.empty_features_).astype(np.int64)
        filled = ops.OnnxGather(filled, kept, axis=1, op_version=opv)
    if imputer.indicator_ is not None:
        columns = imputer.indicator_.features_.astype(np.int64)
        indicator = ops.OnnxCast(
            ops.OnnxGather(missing, columns, axis=1, op_version=opv),
            to=TensorProto.DOUBLE if double else TensorProto.FLOAT,
            op_version=opv,
        )
        filled = ops.OnnxConcat(filled, indicator, axis=1, op_version=opv)
    output = ops.OnnxIdentity(filled, op_version=opv, output_names=operator.outputs[:1])
    output.add_to(scope, container)
