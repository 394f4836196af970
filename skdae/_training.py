"""The training loop: epochs as compiled TensorFlow calls.

Keras's ``model.fit`` runs every batch as its own call from Python and builds
a ``tf.data`` pipeline, which dominates small fits. Here epochs run in a
``tf.function`` that loops over the batches in the graph: it gathers each
batch from the training data (held once, as one tensor), corrupts it through
the model's :class:`~skdae._model.Corruption` layer, and takes a gradient step.
When nothing has to run between epochs (no callback, no held-out loss, no
stopping rule, no progress output), one call trains several epochs.

Everything random is skdae's own: the shuffling order comes from a NumPy
generator seeded by ``random_state`` and the noise from Keras's stateless
random ops, so a fit does not depend on TensorFlow's global seed.

Keras callbacks get Keras's epoch-level hooks as in ``model.fit``; since an
epoch runs as one call, the batch-level hooks run once per epoch, with the
epoch's logs.
"""

import functools
import sys
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

import keras
import numpy as np
import tensorflow as tf
from tensorflow.python.eager import context

from ._model import CORRUPTION_LAYER
from ._training_data import has_missing


def _shared_tensor(X):
    """A tensor that shares ``X``'s memory (aligned float32, see
    :func:`skdae._training_data.aligned_float32`)."""
    return tf.experimental.dlpack.from_dlpack(X.__dlpack__())


class Trainer:
    """The compiled training and evaluation steps of one compiled model.

    ``loss`` is a Keras loss name; the model's optimizer takes the steps.
    """

    def __init__(self, model, loss):
        self.model = model
        # What resets the model for a new fit, for a pooled trainer: set by
        # the caller that knows the architecture.
        self.reinitializer = None
        self.loss_fn = keras.losses.get(loss)
        self.elementwise_loss = _ELEMENTWISE[loss]
        n_features = model.inputs[0].shape[-1]
        data = tf.TensorSpec((None, n_features), tf.float32)
        vector = tf.TensorSpec((None,), tf.float32)
        orders = tf.TensorSpec((None, None), tf.int32)
        scalar = tf.TensorSpec((), tf.int32)
        # tf.function keys its retracing statistics on the Python function's
        # code, shared by every Trainer: a partial gives each its own, so that
        # many models fitted in one process never look like retracing.
        self._epochs = tf.function(
            functools.partial(_epochs, self),
            input_signature=[data, vector, orders, scalar],
        )
        self._evaluate = tf.function(
            functools.partial(_evaluate, self),
            input_signature=[data, data, vector, scalar],
        )
        # Data with missing entries (NaN): traced only when such data come.
        self._epochs_missing = tf.function(
            functools.partial(_epochs, self, missing=True),
            input_signature=[data, vector, orders, scalar],
        )
        self._evaluate_missing = tf.function(
            functools.partial(_evaluate, self, missing=True),
            input_signature=[data, data, vector, scalar],
        )
        # corrupted_loss_weight other than 1 (with or without missing
        # entries): traced only when used.
        self._epochs_emphasized = tf.function(
            functools.partial(_epochs, self),
            input_signature=[
                data,
                vector,
                orders,
                scalar,
                tf.TensorSpec((), tf.float32),
            ],
        )
        self._after_corruption = None

    def after_corruption(self):
        """The corruption layer and the network after it, as two callables."""
        if self._after_corruption is None:
            corruption = self.model.get_layer(CORRUPTION_LAYER)
            network = keras.Model(corruption.output, self.model.output)
            self._after_corruption = (corruption, network)
        return self._after_corruption


def _bce(y, p):
    # keras.losses.binary_crossentropy's arithmetic, per entry.
    epsilon = keras.config.epsilon()
    p = tf.clip_by_value(p, epsilon, 1.0 - epsilon)
    return -(y * tf.math.log(p + epsilon) + (1.0 - y) * tf.math.log(1.0 - p + epsilon))


def _huber(y, p):
    error = tf.abs(y - p)
    return tf.where(error <= 1.0, 0.5 * tf.square(error), error - 0.5)


# Each loss per entry, for data with missing entries: the loss of a sample is
# then the mean over its observed entries.
_ELEMENTWISE = {
    "binary_crossentropy": _bce,
    "mse": lambda y, p: tf.square(y - p),
    "mae": lambda y, p: tf.abs(y - p),
    "huber": _huber,
}


def _observed_losses(trainer, x_in, x_target, weights, training, emphasis=None):
    """Per-sample weighted loss over the observed (non-NaN) entries.

    Missing entries are hidden from the network as masking noise hides
    entries (set to 0) and left out of the loss: a sample's loss is the mean
    over its observed entries. With ``emphasis`` (a scalar tensor), the
    entries the noise changed weigh ``emphasis`` times the others in that
    mean: Vincent et al.'s "emphasized" denoising autoencoder (JMLR 2010),
    which teaches the network more to put back what the noise hid than to
    copy what it sees.
    """
    observed = tf.logical_not(tf.math.is_nan(x_target))
    zeros = tf.zeros_like(x_in)
    clean = tf.where(observed, x_in, zeros)
    entry_weights = tf.cast(observed, tf.float32)
    if emphasis is None:
        outputs = trainer.model(clean, training=training)
    else:
        # The corruption and the network apart, to see what the noise changed.
        corruption, network = trainer.after_corruption()
        corrupted = corruption(clean, training=training)
        outputs = network(corrupted, training=training)
        changed = tf.cast(tf.not_equal(corrupted, clean), tf.float32)
        entry_weights *= 1.0 + (emphasis - 1.0) * changed
    outputs = tf.cast(tf.reshape(outputs, tf.shape(x_target)), tf.float32)
    entries = trainer.elementwise_loss(tf.where(observed, x_target, zeros), outputs)
    total = tf.maximum(tf.reduce_sum(entry_weights, axis=-1), 1e-12)
    return tf.reduce_sum(entries * entry_weights, axis=-1) / total * weights


def apply_gradients(optimizer, gradients, variables):
    """``optimizer.apply(gradients, variables)``, without ``tf.distribute``.

    Keras's TensorFlow optimizers route every update through the default
    distribution strategy's ``extended.update``, which keeps each traced
    loop body that calls it alive for the life of the process: about 5 MiB
    per architecture fitted. This is the same arithmetic as Keras's
    backend-independent ``apply`` (gradient clipping, weight decay, the
    update step, constraints, the iteration count), for optimizers without
    gradient accumulation, moving averages or loss scaling, which skdae's
    named optimizers never have; others go through ``optimizer.apply``.
    """
    nadam = isinstance(optimizer, keras.optimizers.Nadam)
    if (
        optimizer.gradient_accumulation_steps
        or optimizer.use_ema
        or optimizer.loss_scale_factor is not None
        # Optimizers with steps of their own around the update: only Nadam's
        # (below) is known here.
        or (
            type(optimizer)._backend_update_step
            is not keras.optimizers.Optimizer._backend_update_step
            and not nadam
        )
    ):
        optimizer.apply(gradients, variables)
        return
    gradients = optimizer._clip_gradients(gradients)
    learning_rate = optimizer.learning_rate
    if nadam:  # keras.optimizers.Nadam._backend_update_step's own step
        product = optimizer._u_product
        power = tf.pow(0.96, tf.cast(optimizer.iterations + 1, product.dtype))
        product.assign(product * optimizer.beta_1 * (1.0 - 0.5 * power))
    if optimizer.weight_decay is not None:
        for variable in variables:
            if optimizer._use_weight_decay(variable):
                rate = tf.cast(learning_rate, variable.dtype)
                decay = tf.cast(optimizer.weight_decay, variable.dtype)
                variable.assign_sub(variable * decay * rate)
    if _plain_adam(optimizer, variables):
        _adam_update(optimizer, gradients, variables, learning_rate)
    else:
        for gradient, variable in zip(gradients, variables, strict=True):
            optimizer.update_step(gradient, variable, learning_rate)
    for variable in variables:
        if variable.constraint is not None:
            variable.assign(variable.constraint(variable))
    optimizer.iterations.assign_add(1)


def _plain_adam(optimizer, variables):
    return (
        type(optimizer) is keras.optimizers.Adam
        and not optimizer.amsgrad
        and len({variable.dtype for variable in variables}) == 1
    )


def _adam_update(optimizer, gradients, variables, learning_rate):
    """``keras.optimizers.Adam.update_step`` for every variable, with the
    step size computed once rather than once per variable: the same
    arithmetic, bit for bit, in fewer operations."""
    dtype = variables[0].dtype
    lr = tf.cast(learning_rate, dtype)
    local_step = tf.cast(optimizer.iterations + 1, dtype)
    beta_1_power = tf.pow(tf.cast(optimizer.beta_1, dtype), local_step)
    beta_2_power = tf.pow(tf.cast(optimizer.beta_2, dtype), local_step)
    alpha = lr * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    for gradient, variable in zip(gradients, variables, strict=True):
        gradient = tf.cast(gradient, dtype)
        index = optimizer._get_variable_index(variable)
        m, v = optimizer._momentums[index], optimizer._velocities[index]
        m.assign_add((gradient - m) * (1 - optimizer.beta_1))
        v.assign_add((tf.square(gradient) - v) * (1 - optimizer.beta_2))
        variable.assign_sub((m * alpha) / (tf.sqrt(v) + optimizer.epsilon))


def _weighted_losses(trainer, x_in, x_target, weights, training):
    outputs = trainer.model(x_in, training=training)
    per_sample = trainer.loss_fn(x_target, outputs)
    return tf.cast(per_sample, tf.float32) * weights


def _epochs(trainer, X, weights, orders, batch_size, emphasis=None, missing=False):
    """One epoch over ``X[order]`` for each row ``order`` of ``orders``, in
    one call; returns each epoch's loss, and stops after the first that is
    not finite.

    A call from Python, and the work around it, cost over a millisecond,
    against about 15 ms for an epoch of 1,198 digits: :func:`train` hands
    over several epochs at once when nothing needs to run between them.
    """
    losses = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    for epoch in tf.range(tf.shape(orders)[0]):
        loss = _epoch(trainer, X, weights, orders[epoch], batch_size, emphasis, missing)
        losses = losses.write(epoch, loss)
        if not tf.math.is_finite(loss):
            break
    return losses.stack()


def _epoch(trainer, X, weights, order, batch_size, emphasis=None, missing=False):
    """One epoch over ``X[order]``; returns the weighted mean loss.

    ``missing``: ``X`` has NaN entries, hidden from the network and left out
    of the loss. ``emphasis`` (a scalar tensor): the loss weight of the
    entries the noise changed, see :func:`_observed_losses`, which also
    takes data without NaN.
    """
    losses = _observed_losses if missing else _weighted_losses
    if emphasis is not None:
        losses = functools.partial(_observed_losses, emphasis=emphasis)
    model = trainer.model
    n = tf.shape(order)[0]
    total = tf.constant(0.0)
    for start in tf.range(0, n, batch_size):
        rows = order[start : start + batch_size]
        x = tf.gather(X, rows)
        w = tf.gather(weights, rows)
        with tf.GradientTape() as tape:
            weighted = losses(trainer, x, x, w, training=True)
            # Keras's "sum over batch size" reduction, as in model.fit.
            loss = tf.reduce_sum(weighted) / tf.cast(tf.shape(rows)[0], tf.float32)
            if model.losses:
                loss += tf.add_n(model.losses)
        variables = model.trainable_variables
        gradients = tape.gradient(loss, variables)
        apply_gradients(model.optimizer, gradients, variables)
        # The reported loss includes regularization penalties, as Keras's.
        total += loss * tf.cast(tf.shape(rows)[0], tf.float32)
    return total / tf.cast(n, tf.float32)


def _evaluate(trainer, X_noisy, X_clean, weights, batch_size, missing=False):
    """Weighted mean loss of reconstructing ``X_clean`` from ``X_noisy``."""
    losses = _observed_losses if missing else _weighted_losses
    n = tf.shape(X_noisy)[0]
    total = tf.constant(0.0)
    for start in tf.range(0, n, batch_size):
        stop = start + batch_size
        total += tf.reduce_sum(
            losses(
                trainer,
                X_noisy[start:stop],
                X_clean[start:stop],
                weights[start:stop],
                training=False,
            )
        )
    return total / tf.cast(n, tf.float32)


# Idle trainers by architecture. Tracing a new training step costs about
# 0.3 s and its first run as much again, most of a small fit; a fit of an
# architecture seen before in the process reuses a traced one, re-initialised
# in place. At most this many are kept, the least recently used dropped.
_POOL_SIZE = 16
# Gradient steps per call at most, when :func:`train` hands over several
# epochs at once: an interrupt (Ctrl-C) is seen between calls, within a few
# seconds.
_STEPS_PER_CALL = 2048
_POOL = OrderedDict()
_POOL_LOCK = threading.Lock()


@contextmanager
def pooled_trainer(key, build, loss):
    """A :class:`Trainer` for the architecture ``key``, for one fit.

    An idle trainer made for ``key`` is reused; otherwise ``build()`` makes
    the compiled model of a new one. The caller has it alone until the end
    of the ``with`` block, and must reset its state (it holds the last fit's).
    """
    with _POOL_LOCK:
        idle = _POOL.get(key)
        trainer = idle.pop() if idle else None
    if trainer is None:
        trainer = Trainer(build(), loss)
    try:
        yield trainer
    finally:
        trainer.model.stop_training = False
        with _POOL_LOCK:
            _POOL.setdefault(key, []).append(trainer)
            _POOL.move_to_end(key)
            evicted = False
            while sum(map(len, _POOL.values())) > _POOL_SIZE:
                oldest = next(iter(_POOL))
                del _POOL[oldest][0]
                if not _POOL[oldest]:
                    del _POOL[oldest]
                evicted = True
        if evicted:
            # TensorFlow keeps the kernels it instantiated for the evicted
            # trainer's functions in the eager context's caches after the
            # functions are gone (about 1 MiB per architecture): drop them.
            # The kept trainers' functions are instantiated again on their
            # next call, in milliseconds.
            context.context().clear_kernel_cache()


class _EpochLines(keras.callbacks.Callback):
    """One line per epoch: its number, its logs and its time."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        values = " - ".join(f"{k}: {v:.4f}" for k, v in (logs or {}).items())
        seconds = time.perf_counter() - self._start
        print(
            f"Epoch {epoch + 1}/{self.epochs} - {values} - {seconds:.2f} s", flush=True
        )


class _NoHooks:
    """Stands in for a ``CallbackList`` when no callback is used."""

    callbacks = ()

    def __getattr__(self, name):
        return _do_nothing


def _do_nothing(*args, **kwargs):
    pass


def train(
    trainer,
    X,
    *,
    rows,
    sample_weight,
    batch_size,
    epochs,
    initial_epoch,
    plateau=None,
    callbacks,
    validation_data,
    verbose,
    rng,
    corrupted_loss_weight=1.0,
):
    """Train ``trainer.model`` on ``X[rows]`` and return the history dict.

    ``X`` comes from :func:`skdae._training_data.aligned_float32` and is not
    copied; ``rows`` (int array) selects the training rows, so that a
    validation split copies nothing. ``sample_weight`` is float32 of length
    ``len(X)``. ``validation_data`` is ``(X_noisy, X_clean, weights)`` or
    None. ``rng`` (a NumPy ``RandomState``) draws each epoch's order.
    Training stops at the first non-finite loss, when a callback sets
    ``model.stop_training``, or, with ``plateau=(tol, patience)``, when the
    training loss has not improved on its best by at least ``tol`` for
    ``patience`` epochs (as scikit-learn's MLP stops). ``callbacks`` are
    detached from the model afterwards. ``corrupted_loss_weight`` weights
    the entries the noise changed in the training loss.
    """
    model = trainer.model
    missing = has_missing(X)
    epochs_step = trainer._epochs_missing if missing else trainer._epochs
    if corrupted_loss_weight != 1.0:
        emphasis = tf.constant(float(corrupted_loss_weight), tf.float32)
        emphasized = trainer._epochs_emphasized

        def epochs_step(X, weights, orders, batch):
            return emphasized(X, weights, orders, batch, emphasis)

    evaluate = trainer._evaluate_missing if missing else trainer._evaluate
    X = _shared_tensor(X)
    weights = tf.convert_to_tensor(sample_weight)
    rows = np.asarray(rows, dtype=np.int32)
    validation = None
    if validation_data is not None:
        validation = tuple(tf.convert_to_tensor(v) for v in validation_data)
    batch = tf.constant(int(batch_size), tf.int32)
    steps = -(-rows.shape[0] // int(batch_size))
    # A progress bar is for terminals; in a file or a pipe, and for
    # verbose=2, one line per epoch.
    progress_bar = verbose == 1 and sys.stdout.isatty()
    lines = [] if progress_bar or verbose == 0 else [_EpochLines(epochs)]
    history = {}
    model.stop_training = False
    if not (callbacks or lines or progress_bar or validation or plateau):
        # Nothing runs between epochs: several per call.
        per_call = max(1, _STEPS_PER_CALL // steps)
        for first in range(initial_epoch, epochs, per_call):
            count = min(per_call, epochs - first)
            orders = np.stack([rng.permutation(rows) for _ in range(count)])
            losses = epochs_step(X, weights, tf.convert_to_tensor(orders), batch)
            history.setdefault("loss", []).extend(losses.numpy().tolist())
            # Stop silently at the first non-finite loss; the caller raises.
            if not np.isfinite(history["loss"][-1]):
                break
        return history
    hooks = _NoHooks()
    if callbacks or lines or progress_bar:
        # Keras's hooks cost about as much as a small epoch: only when used.
        hooks = keras.callbacks.CallbackList(
            [*callbacks, *lines],
            add_history=False,
            add_progbar=progress_bar,
            model=model,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
        )
    best, waited = np.inf, 0
    try:
        hooks.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            hooks.on_epoch_begin(epoch)
            hooks.on_train_batch_begin(0)
            orders = tf.convert_to_tensor(rng.permutation(rows)[np.newaxis])
            (loss,) = epochs_step(X, weights, orders, batch).numpy().tolist()
            logs = {"loss": loss}
            hooks.on_train_batch_end(steps - 1, dict(logs))
            if validation is not None:
                logs["val_loss"] = float(evaluate(*validation, batch))
            hooks.on_epoch_end(epoch, logs)
            for key, value in logs.items():
                history.setdefault(key, []).append(value)
            # Stop silently at the first non-finite loss; the caller raises.
            if model.stop_training or not np.isfinite(logs["loss"]):
                break
            if plateau is not None:
                tol, patience = plateau
                if logs["loss"] < best - tol:
                    best, waited = logs["loss"], 0
                else:
                    waited += 1
                if waited >= patience:
                    break
        hooks.on_train_end(logs=None)
    finally:
        for callback in hooks.callbacks:
            callback.set_model(None)
    return history
