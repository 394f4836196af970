"""NumPy inference for a fitted stack of Dense layers: the fast ``transform``.

Keras's ``model.predict`` costs tens of milliseconds per call whatever the
input size; an eager call still costs a fraction of a millisecond. The trained
network is a plain chain of affine maps and element-wise activations, so after
fitting we copy its weights out once and run the forward pass with NumPy's
BLAS, which costs microseconds for one row and matches Keras to float32
rounding for large inputs.
"""

import weakref

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

# Rows per block: bounds the extra memory for very large inputs, and keeps
# the matrix products large enough for BLAS (measured fastest on 60,000 x 784).
_BLOCK_ROWS = 4096
# Rows per element-wise pass over a block's output: a 784-wide slice of 256
# rows fits in a core's L2 cache, so the sigmoid's three passes read it from
# there instead of from memory (about 15% less time for them than in
# 4096-row passes, measured on 60,000 x 784).
_PASS_ROWS = 256


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


def _sigmoid_of_halved(z):
    """``sigmoid(2 z)`` in place, as ``(tanh(z) + 1) / 2``.

    Three passes, as ``1 / (1 + exp(-2 z))`` takes, but NumPy's float32
    ``tanh`` is faster than ``exp`` followed by a division: about 35% less
    time on a 784-wide output. The absolute error is float rounding of 1.
    """
    np.tanh(z, out=z)
    z *= 0.5
    z += 0.5
    return z


def _cached(kernel, bias, activation, make):
    """``make(kernel, bias, activation)``, made once per kernel and kept while
    the kernel lives (a fitted transformer's weights): one-row calls would
    otherwise spend most of their time making it."""
    key = (id(kernel), id(bias), activation, make)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is kernel and cached[1]() is bias:
        return cached[2]
    made = make(kernel, bias, activation)
    _CACHE[key] = (
        weakref.ref(kernel, lambda _: _CACHE.pop(key, None)),
        weakref.ref(bias),
        made,
    )
    return made


_CACHE = {}


def _with_bias_row(kernel, bias, activation):
    """``kernel`` with ``bias`` as an extra last row, for an input with a
    column of ones: BLAS then adds the bias, instead of a pass of its own.
    Halved for a sigmoid, computed from ``tanh`` of half its input.
    """
    augmented = np.vstack([kernel, bias[np.newaxis, :]])
    if activation == "sigmoid":
        augmented = augmented * augmented.dtype.type(0.5)
    return augmented


def _with_sum_column(kernel, bias, activation):
    """``kernel`` with an extra last column of ones: the product's last
    column is then each input row's sum, finite exactly when the row is
    (barring overflow), for almost no extra cost."""
    return np.hstack([kernel, np.ones_like(kernel[:, :1])])


def _activate(z, activation, halved, bias=None):
    """Add ``bias`` to ``z`` and apply ``activation``, in place, a cache-sized
    slice at a time.

    ``halved``: ``z`` came through a kernel made by :func:`_with_bias_row`,
    halved for a sigmoid.
    """
    if activation == "sigmoid" and halved:
        apply = _sigmoid_of_halved
    else:
        apply = ACTIVATIONS[activation]
    for start in range(0, z.shape[0], _PASS_ROWS):
        part = z[start : start + _PASS_ROWS]
        if bias is not None:
            part += bias
        result = apply(part)
        if result is not part:  # not computed in place
            part[...] = result


def _check_missing(block, kernel, h):
    """Raise on infinity in ``block``; recompute ``h``, its product with
    ``kernel``, with missing entries (NaN) as 0, as in training."""
    if np.isinf(block).any():
        raise ValueError(
            f"Input X contains infinity or a value too large for {block.dtype!r}."
        )
    if np.isnan(block).any():
        np.matmul(np.where(np.isnan(block), 0, block), kernel, out=h)


def forward(X, layers):
    """Run ``X`` through ``layers``, a list of ``(kernel, bias, activation)``.

    Computes in the kernels' dtype and returns that dtype. Missing entries
    (NaN) are 0 to the network, as in training; infinity raises a
    ValueError. ``X`` need not have been checked for either: a non-finite
    entry makes its row's sum non-finite, and the first product computes
    every row's sum in one more column (see :func:`_with_sum_column`), so a
    sum over those finds them, instead of a pass over the input. Only a
    block where it does is looked at entry by entry.

    Element-wise work runs on one core while BLAS uses all of them, so it is
    kept to a minimum on the wide output: every layer after the first reads
    its input with a column of ones and gets its bias (and, for a sigmoid,
    the halving) from the matrix product. Each product writes straight into
    the next layer's input buffer, or into the output, and the activation
    runs over it in cache-sized slices. A 784-wide sigmoid output then costs
    three element-wise passes from cache.
    """
    X = np.asarray(X, dtype=layers[0][0].dtype)
    n_rows = X.shape[0]
    out = np.empty((n_rows, layers[-1][0].shape[1]), dtype=X.dtype)
    first, rest = layers[0], layers[1:]
    augmented = [(_cached(*layer, _with_bias_row), layer[2]) for layer in rest]
    block_rows = max(1, min(_BLOCK_ROWS, n_rows))
    # The input of every layer after the first, with its column of ones.
    inputs = [
        np.empty((block_rows, kernel.shape[0]), dtype=X.dtype)
        for kernel, _ in augmented
    ]
    for start in range(0, n_rows, block_rows):
        stop = min(start + block_rows, n_rows)
        block = X[start:stop]
        if augmented:
            # The first product fills the next input, ones column included:
            # there it holds the rows' sums until the check below.
            full = inputs[0][: stop - start]
            np.matmul(block, _cached(*first, _with_sum_column), out=full)
            sums, h = full[:, -1], full[:, :-1]
        else:
            h = out[start:stop]
            np.matmul(block, first[0], out=h)
            sums = h
        if not np.isfinite(sums.sum()):
            _check_missing(block, first[0], h)
        _activate(h, first[2], halved=False, bias=first[1])
        if augmented:
            sums[:] = 1
        for i, (kernel, activation) in enumerate(augmented):
            last = i == len(augmented) - 1
            h = out[start:stop] if last else inputs[i + 1][: stop - start, :-1]
            np.matmul(inputs[i][: stop - start], kernel, out=h)
            _activate(h, activation, halved=True)
            if not last:
                inputs[i + 1][: stop - start, -1] = 1
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


def hidden_activations(X, layers):
    """The activations of every layer of ``layers`` but the last, side by
    side: ``(n_samples, sum of their widths)``, in the kernels' dtype.

    Each layer runs through :func:`forward`, so missing entries (NaN) are 0
    to the network and infinity raises a ValueError, as in ``transform``.
    """
    activations = []
    h = X
    for layer in layers[:-1]:
        h = forward(h, [layer])
        activations.append(h)
    return np.hstack(activations)
