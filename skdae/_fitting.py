"""Training a :class:`~skdae._plan.Plan`: one fit path for every network.

The default Dense network and a network given with ``model=`` differ in how
a trainer for them is had, and nothing else:

* the Dense network's trainers are pooled by architecture, so that a refit
  (as in a search) reuses a traced training step, reset in place to what a
  new network of that seed would be;
* a user's network is built anew, seeded, checked to be rebuildable from a
  file, and owned by the fitted estimator.

Both are then trained by :func:`skdae._training.train` and saved as plain
state by :mod:`skdae._persistence`. Importing this module imports Keras and
TensorFlow: import it after :func:`skdae._backend.keras_side`.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import keras
import numpy as np

from . import _model, _persistence, _scikeras, _training
from ._plan import resolved_loss


@dataclass
class Fitted:
    """What a fit of a new network leaves: the estimator's fitted state."""

    history: dict
    network: dict  # plain state, see skdae._persistence.network_state
    architecture: dict
    output_activation: str
    loss: str
    keras_models: tuple | None  # (model, encoder, decoder) when already built


def fit_network(plan, *, callbacks, verbose):
    """Train a new network as ``plan`` says; return :class:`Fitted`."""
    with _model.keras_policy_left_unset():
        _model.check_precision()
        return _fit_network(plan, callbacks=callbacks, verbose=verbose)


def _fit_network(plan, *, callbacks, verbose):
    network = _UserNetwork(plan) if plan.model is not None else _DenseNetwork(plan)
    with network.trainer() as trainer:
        history = _train(plan, trainer, callbacks, verbose)
        state = network.state(trainer.model)
    check_converged(history, state, plan.learning_rate)
    return Fitted(
        history=history,
        network=state,
        architecture=network.architecture,
        output_activation=network.output_activation,
        loss=network.loss,
        keras_models=network.keras_models,
    )


def train_more(plan, network, architecture, *, callbacks, verbose):
    """Train the saved ``network`` for ``plan``'s epochs; ``(history, state)``.

    The network is rebuilt from its checked state (see
    :func:`skdae._persistence.rebuild_network`), or a pooled trainer of its
    architecture is given its variables.
    """
    with _model.keras_policy_left_unset():
        _model.check_precision()
        return _train_more(plan, network, architecture, callbacks, verbose)


def _train_more(plan, network, architecture, callbacks, verbose):
    key = pool_key({**architecture, "config": network["config"]})
    with _training.pooled_trainer(
        key,
        build=lambda: _persistence.rebuild_network(network, architecture),
        loss=plan.loss,
    ) as trainer:
        model = trainer.model
        _persistence.assign_network(model, network)
        model.optimizer.learning_rate.assign(plan.learning_rate)
        _model.corruption_layer(model).noise_factor.assign(plan.noise_factor)
        history = _train(plan, trainer, callbacks, verbose)
        state = _persistence.network_state(
            model,
            dense=network["dense"] is not None,
            config=network["config"],  # partial_fit changes no architecture
        )
    # On divergence the fitted network is left as it was.
    check_converged(history, state, plan.learning_rate)
    return history, state


def _probe(plan):
    """One row for scikeras to check the model against (only shapes matter)."""
    return np.nan_to_num(plan.X[:1])


def pool_key(architecture):
    """A hashable key for the trainers of an architecture.

    Keras's float type and dtype policy are part of it: they change the
    traced training step as much as the architecture does.
    """
    return json.dumps(
        {
            **architecture,
            "floatx": keras.config.floatx(),
            "dtype_policy": keras.config.dtype_policy().name,
        },
        sort_keys=True,
    )


def _train(plan, trainer, callbacks, verbose):
    callbacks = list(callbacks or [])
    if plan.early_stopping is not None:
        min_delta, patience = plan.early_stopping
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss",
                min_delta=min_delta,
                patience=patience,
                restore_best_weights=True,
            )
        )
    return _training.train(
        trainer,
        plan.X,
        rows=plan.rows,
        sample_weight=plan.weights,
        batch_size=plan.batch_size,
        epochs=plan.epochs,
        initial_epoch=plan.initial_epoch,
        plateau=plan.plateau,
        callbacks=callbacks,
        validation_data=plan.validation,
        verbose=verbose,
        rng=plan.rng,
        corrupted_loss_weight=plan.corrupted_loss_weight,
    )


class _DenseNetwork:
    """The default network: pooled trainers, reset in place for each fit."""

    keras_models = None  # built from the saved state on first use

    def __init__(self, plan):
        self.plan = plan
        self.architecture = plan.architecture
        self.output_activation, self.loss = plan.output_activation, plan.loss

    @contextmanager
    def trainer(self):
        plan = self.plan
        build = partial(
            _model.build_autoencoder,
            n_features=plan.X.shape[1],
            hidden_layer_sizes=plan.hidden_layer_sizes,
            activation=plan.activation,
            output_activation=plan.output_activation,
            corruption={**self.architecture["corruption"], "noise_factor": 0.0},
            loss=plan.loss,
            optimizer=plan.optimizer,
            learning_rate=plan.learning_rate,
            seed=plan.seed,
        )
        with _training.pooled_trainer(
            pool_key(self.architecture),
            build=lambda: _scikeras.build_model(build, _probe(plan)),
            loss=plan.loss,
        ) as trainer:
            if trainer.reinitializer is None:
                trainer.reinitializer = _model.Reinitializer(trainer.model)
            trainer.reinitializer(
                seed=plan.seed,
                noise_factor=plan.noise_factor,
                learning_rate=plan.learning_rate,
            )
            yield trainer

    def state(self, model):
        return _persistence.network_state(model)


class _UserNetwork:
    """A network given with ``model=``: built anew, owned by the estimator."""

    def __init__(self, plan):
        self.plan = plan

    @contextmanager
    def trainer(self):
        plan = self.plan
        model = _scikeras.build_model(
            partial(
                _model.build_custom_autoencoder,
                network=plan.model,
                n_features=plan.X.shape[1],
                corruption={
                    "noise": plan.noise,
                    "noise_factor": plan.noise_factor,
                    "clip_range": plan.clip_range,
                    "value_range": plan.value_range,
                    "groups": plan.groups,
                },
                resolve_loss=partial(
                    resolved_loss,
                    loss=plan.loss_parameter,
                    unit_interval=plan.unit_interval,
                ),
                optimizer=plan.optimizer,
                learning_rate=plan.learning_rate,
                seed=plan.seed,
            ),
            _probe(plan),
        )
        self.output_activation = _model.output_activation_of(model)
        self.loss = model.loss
        # Refuse a network that could not be saved and loaded before
        # training it, not when it is copied or loaded.
        self.config = _persistence.user_network_config(model)
        self.architecture = {
            "network": "user",
            "loss": self.loss,
            "optimizer": plan.optimizer,
        }
        self.keras_models = (model, *_model.split_autoencoder(model))
        yield _training.Trainer(model, self.loss)

    def state(self, model):
        return _persistence.network_state(model, dense=False, config=self.config)


def check_converged(history, network, learning_rate):
    """Raise a ValueError naming the likely causes if training diverged."""
    losses = np.asarray(history.get("loss", []), dtype=float)
    if np.isfinite(losses).all() and all(
        np.isfinite(v).all() for v in network["variables"]
    ):
        return
    bad = np.flatnonzero(~np.isfinite(losses))
    where = (
        f"the loss became {losses[bad[0]]} in epoch {bad[0] + 1}"
        if bad.size
        else "the network's weights became non-finite"
    )
    raise ValueError(
        f"Training diverged: {where}. The usual causes are a learning_rate that "
        f"is too large (got {learning_rate}) or unscaled input data; scale X with "
        "MinMaxScaler or StandardScaler and/or lower learning_rate."
    )
