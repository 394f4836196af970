"""The training loop and the pooled, re-initialised networks it trains."""

import subprocess
import sys

import numpy as np
import pytest

from skdae import DenoisingAutoencoderTransformer, _backend
from skdae._options import OPTIMIZERS
from skdae._plan import seed_and_rng
from skdae._training_data import aligned_float32

side = _backend.keras_side()
keras = side.keras
SETUP = {
    "hidden_layer_sizes": (6, 3),
    "epochs": 3,
    "batch_size": 16,
    "learning_rate": 1e-3,
}


def new_keras_fit(X, optimizer, random_state):
    """What a fit trains, on a brand-new Keras model: no pool, no reset."""
    seed, rng = seed_and_rng(random_state)
    model = side.model.build_autoencoder(
        n_features=X.shape[1],
        hidden_layer_sizes=SETUP["hidden_layer_sizes"],
        activation="relu",
        output_activation="sigmoid",
        corruption={
            "noise": "gaussian",
            "noise_factor": 0.5,
            "clip_range": (0.0, 1.0),
            "value_range": (0.0, 1.0),
        },
        loss="binary_crossentropy",
        optimizer=optimizer,
        learning_rate=1e-3,
        seed=seed,
    )
    train_plainly(model, "binary_crossentropy", X, epochs=SETUP["epochs"], rng=rng)
    return model


def train_plainly(model, loss, X, *, epochs, rng):
    """``train`` on every row of ``X``, unweighted, with no callback."""
    return side.training.train(
        side.training.Trainer(model, loss),
        aligned_float32(X),
        rows=np.arange(X.shape[0]),
        sample_weight=np.ones(X.shape[0], np.float32),
        batch_size=SETUP["batch_size"],
        epochs=epochs,
        initial_epoch=0,
        callbacks=[],
        validation_data=None,
        verbose=0,
        rng=rng,
    )


def small_mse_model(n_features, *, optimizer, learning_rate, noise_factor):
    """A compiled Dense (3,) autoencoder with a linear output and MSE."""
    return side.model.build_autoencoder(
        n_features=n_features,
        hidden_layer_sizes=(3,),
        activation="relu",
        output_activation="linear",
        corruption={
            "noise": "gaussian",
            "noise_factor": noise_factor,
            "clip_range": None,
            "value_range": (0.0, 1.0),
        },
        loss="mse",
        optimizer=optimizer,
        learning_rate=learning_rate,
        seed=0,
    )


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_reset_optimizer_state_is_a_fresh_optimizers(optimizer):
    model = small_mse_model(
        5, optimizer=optimizer, learning_rate=1e-2, noise_factor=0.5
    )
    fresh = [v.numpy().copy() for v in model.optimizer.variables]
    for v in model.optimizer.variables:  # as a trained optimizer might be
        v.assign(np.full(v.shape, 7, dtype=v.dtype))
    side.model.Reinitializer(model)(seed=0, noise_factor=0.5, learning_rate=1e-2)
    for got, want in zip(model.optimizer.variables, fresh, strict=True):
        np.testing.assert_array_equal(got.numpy(), want, err_msg=got.path)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_pooled_fits_equal_a_new_keras_models(digits, optimizer):
    X = digits[0][:96]
    want = new_keras_fit(X, optimizer, random_state=0)
    dae = DenoisingAutoencoderTransformer(**SETUP, optimizer=optimizer, random_state=0)
    for _ in range(2):  # the first fit in the process, then a pooled one
        got = dae.fit(X)._network_["variables"]
        for g, w in zip(got, want.variables, strict=True):
            np.testing.assert_allclose(g, w.numpy(), rtol=1e-5, atol=1e-6)


def test_the_pool_follows_keras_floatx(digits):
    X = digits[0][:64]
    dae = DenoisingAutoencoderTransformer(**SETUP, random_state=0)
    before = dae.fit(X).history_["loss"]
    # A pooled float32 network must not serve a fit under float64.
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        assert keras.layers.Dense(2).dtype_policy.variable_dtype == "float64"
        kernel = dae.fit(X)._network_["variables"][-2]
        assert kernel.dtype == np.float64
    finally:
        keras.config.set_dtype_policy("float32")
        keras.config.set_floatx("float32")
    after = dae.fit(X)
    assert after._network_["variables"][-2].dtype == np.float32
    assert after.history_["loss"] == before


def regularized_network(n_features):
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(
        4, name="code", kernel_regularizer=keras.regularizers.L2(1.0)
    )(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_features)(code))


def test_loss_includes_regularization_penalties(digits):
    X = digits[0][:64]
    dae = DenoisingAutoencoderTransformer(
        model=regularized_network, noise_factor=0.0, epochs=1, batch_size=64
    ).fit(X)
    # One batch: the loss is the penalty-included loss of the initial weights,
    # far above what the data term alone can be on [0, 1] data (at most 1).
    assert dae.history_["loss"][0] > 1.0


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_apply_gradients_is_keras_apply(optimizer):
    # skdae's update avoids tf.distribute's path (which keeps traced loop
    # bodies alive) with the same arithmetic as optimizer.apply.
    def setup():
        variables = [keras.Variable(np.linspace(-1, 1, 6).reshape(2, 3))]
        opt = keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": 0.1}}
        )
        opt.build(variables)
        return variables, opt

    gradient = [np.arange(6, dtype="float32").reshape(2, 3) / 10]
    ours, ours_opt = setup()
    theirs, theirs_opt = setup()
    for _ in range(3):
        side.training.apply_gradients(ours_opt, gradient, ours)
        theirs_opt.apply(gradient, theirs)
    np.testing.assert_allclose(ours[0].numpy(), theirs[0].numpy(), rtol=1e-6)
    for a, b in zip(ours_opt.variables, theirs_opt.variables, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_traced_loop_bodies_of_evicted_networks_are_freed():
    # More architectures than the pool keeps: the graphs of the evicted
    # ones must go, so the number alive stops growing.
    code = """
import gc, numpy as np
from tensorflow.python.framework import func_graph
from skdae import DenoisingAutoencoderTransformer as D
X = np.random.RandomState(0).rand(50, 6)
alive = []
for i in range(34):
    D((2 + i,), epochs=1, batch_size=25, random_state=0).fit(X)
    if i + 1 in (20, 34):
        gc.collect()
        alive.append(sum(isinstance(o, func_graph.FuncGraph) for o in gc.get_objects()))
print(*alive)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    at_20, at_34 = map(int, done.stdout.split())
    assert at_34 <= at_20, (at_20, at_34)


def one_epoch_per_call():
    """A callback that does nothing: train() then calls once per epoch."""
    return [keras.callbacks.Callback()]


@pytest.mark.parametrize("steps_per_call", [None, 14])
def test_several_epochs_per_call_train_as_one_per_call(
    digits, monkeypatch, steps_per_call
):
    # Without callbacks, train() hands several epochs to one compiled call
    # (all of them here, or two at a time: 7 steps each); with one, a call
    # per epoch. The same arithmetic, bit for bit.
    if steps_per_call is not None:
        monkeypatch.setattr(side.training, "_STEPS_PER_CALL", steps_per_call)
    X = digits[0][:100]
    params = {**SETUP, "epochs": 5, "random_state": 0}
    several = DenoisingAutoencoderTransformer(**params).fit(X)
    single = DenoisingAutoencoderTransformer(
        **params, callbacks=one_epoch_per_call()
    ).fit(X)
    assert several.history_["loss"] == single.history_["loss"]
    assert len(several.history_["loss"]) == 5
    np.testing.assert_array_equal(several.transform(X), single.transform(X))


def test_several_epochs_per_call_stop_at_the_first_non_finite_loss():
    X = np.full((32, 4), 1e30)  # squared errors overflow float32; 2 batches
    model = small_mse_model(4, optimizer="sgd", learning_rate=1e-3, noise_factor=0.0)
    history = train_plainly(model, "mse", X, epochs=6, rng=np.random.RandomState(0))
    # All six epochs go in one call, which stops after the first.
    assert len(history["loss"]) == 1
    assert not np.isfinite(history["loss"][0])


def test_set_floatx_after_a_fit_reaches_the_next_fit(digits):
    from keras.src.backend.common import global_state

    X = digits[0][:64]
    dae = DenoisingAutoencoderTransformer(**SETUP, random_state=0)
    # As in a fresh process where nothing has asked Keras for its policy yet.
    global_state.set_global_attribute("dtype_policy", None)
    assert dae.fit(X)._network_["variables"][-2].dtype == np.float32
    keras.config.set_floatx("float64")
    try:
        kernel = dae.fit(X)._network_["variables"][-2]
        assert kernel.dtype == np.float64
        assert dae.model_.variables[-2].dtype == "float64"
    finally:
        keras.config.set_floatx("float32")
    assert dae.fit(X)._network_["variables"][-2].dtype == np.float32


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_is_refused_at_fit(digits, policy):
    dae = DenoisingAutoencoderTransformer(**SETUP, random_state=0)
    keras.config.set_dtype_policy(policy)
    try:
        with pytest.raises(ValueError, match=f"{policy}.*set_dtype_policy"):
            dae.fit(digits[0][:64])
    finally:
        keras.config.set_dtype_policy("float32")
    assert not hasattr(dae, "n_iter_")
