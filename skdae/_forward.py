"""NumPy inference for a fitted stack of Dense layers: the fast ``transform``.

Keras's ``model.predict`` costs tens of milliseconds per call whatever the
input size; an eager call still costs a fraction of a millisecond. The trained
network is a plain chain of affine maps and element-wise activations, so after
fitting we copy its weights out once and run the forward pass with NumPy's
BLAS, which costs microseconds for one row and matches Keras to float32
rounding for large inputs.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import erf, expit


def _relu(z):
    return np.maximum(z, 0, out=z)


def _sigmoid(z):
    # In place with NumPy's vectorised exp: about 1.6x faster than
    # scipy.special.expit on large outputs. exp(-z) overflows to inf for very
    # negative z, which gives the correct 0.
    with np.errstate(over="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1
        return np.reciprocal(z, out=z)


def _elu(z):
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def _selu(z):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


def _gelu(z):
    # keras.activations.gelu defaults to the exact (erf) form.
    return 0.5 * z * (1 + erf(z / np.sqrt(2).astype(z.dtype)))


def _leaky_relu(z):
    # keras.activations.leaky_relu's default negative_slope.
    return np.where(z > 0, z, 0.2 * z)


def _swish(z):
    return z * expit(z)


def _softplus(z):
    return np.logaddexp(z, 0)


ACTIVATIONS = {
    "relu": _relu,
    "elu": _elu,
    "selu": _selu,
    "gelu": _gelu,
    "leaky_relu": _leaky_relu,
    "swish": _swish,
    "silu": _swish,
    "softplus": _softplus,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "linear": lambda z: z,
}

# Rows per block: keeps each block's intermediates in cache while the
# element-wise activations run over them (measured fastest on 60,000 x 784),
# and bounds the extra memory for very large inputs.
_BLOCK_ROWS = 1024


def by_dtype(layers):
    """``{dtype: layers}`` for float32 and float64 copies of ``layers``.

    Float64 inputs are computed in float64: float32 BLAS results depend on a
    row's position in the block at the last bit, so a row's output would
    depend on the other rows.
    """
    return {
        np.dtype(dtype): [
            (kernel.astype(dtype), bias.astype(dtype), act)
            for kernel, bias, act in layers
        ]
        for dtype in (np.float32, np.float64)
    }


# Element-wise work (bias and activation) on blocks of at least this many
# values is split across the CPU's cores. NumPy's ufuncs run on one core
# while its BLAS uses all of them: on a 60,000 x 784 output, the sigmoid on
# one core costs as much as all the matrix products.
_PARALLEL_MIN_SIZE = 1 << 16
_POOL = None
_POOL_LOCK = threading.Lock()


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _pool():
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(_cores(), thread_name_prefix="skdae-forward")
        return _POOL


def _bias_and_activation(h, bias, activation):
    """``activation(h + bias)``, in place in ``h``."""
    h += bias
    result = ACTIVATIONS[activation](h)
    if result is not h:
        h[...] = result


def forward(X, layers):
    """Run ``X`` through ``layers``, a list of ``(kernel, bias, activation)``.

    Computes in the kernels' dtype and returns that dtype. The matrix
    products use NumPy's BLAS (all cores); on large blocks the bias and
    activation run on row chunks in parallel threads (NumPy's ufuncs release
    the GIL), which gives the same values as one thread.
    """
    X = np.asarray(X, dtype=layers[0][0].dtype)
    out = np.empty((X.shape[0], layers[-1][0].shape[1]), dtype=X.dtype)
    cores = _cores()
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        h = X[start : start + _BLOCK_ROWS]
        for kernel, bias, activation in layers:
            h = h @ kernel
            if cores > 1 and h.size >= _PARALLEL_MIN_SIZE:
                chunks = np.array_split(h, cores)
                list(
                    _pool().map(
                        _bias_and_activation,
                        chunks,
                        [bias] * cores,
                        [activation] * cores,
                    )
                )
            else:
                _bias_and_activation(h, bias, activation)
        out[start : start + _BLOCK_ROWS] = h
    return out


def dense_stack(network):
    """``[(kernel, bias, activation), ...]`` of a network's plain state.

    ``network`` is :func:`skdae._persistence.network_state`'s dict, maybe
    from a file: a ValueError says what does not fit a Dense chain.
    """
    variables = network["variables"]
    layers = []
    width = None
    for entry in network["dense"]:
        try:
            kernel_at, bias_at, activation = entry
            kernel, bias = variables[kernel_at], variables[bias_at]
        except (TypeError, ValueError, IndexError, KeyError):
            kernel = bias = activation = None
        if not (
            isinstance(kernel, np.ndarray)
            and isinstance(bias, np.ndarray)
            and kernel.ndim == 2
            and bias.shape == kernel.shape[1:]
            and (width is None or kernel.shape[0] == width)
            and isinstance(activation, str)
            and activation in ACTIVATIONS
        ):
            raise ValueError(
                "The saved network is not a Dense chain skdae wrote: the file "
                "was altered or saved by an incompatible version."
            )
        width = kernel.shape[1]
        layers.append((kernel, bias, activation))
    return layers
