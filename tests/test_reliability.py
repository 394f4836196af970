"""Reliability: threads, divergence, training control, persistence."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from skdae import DenoisingAutoencoderTransformer, _backend

keras = _backend.keras_side().keras
TINY = {"hidden_layer_sizes": (8, 4), "epochs": 2, "batch_size": 32}


def test_transform_is_thread_safe(fitted, digits):
    X = digits[2]
    rng = np.random.RandomState(0)
    slices = [
        slice(a, a + n)
        for a, n in zip(rng.randint(0, 400, 200), rng.randint(1, 50, 200), strict=True)
    ]
    expected = [fitted.transform(X[s]) for s in slices]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: fitted.transform(X[s]), slices))
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_divergence_raises_and_leaves_no_model():
    X = np.random.RandomState(0).rand(200, 10) * 1e4  # unscaled
    dae = DenoisingAutoencoderTransformer(
        (8,),
        optimizer="sgd",
        learning_rate=10.0,
        epochs=20,
        batch_size=16,
        random_state=0,  # a few seeds kill every ReLU first: a constant output
    )
    with pytest.raises(ValueError, match="Training diverged.*learning_rate.*scale"):
        dae.fit(X)
    with pytest.raises(NotFittedError):
        check_is_fitted(dae)


def test_partial_fit_divergence_restores_the_previous_weights(digits):
    X = digits[0][:200]
    dae = DenoisingAutoencoderTransformer(
        **TINY,
        optimizer="sgd",
        learning_rate=10.0,
        loss="mse",
        clip_range=None,
        random_state=0,
    ).partial_fit(X)
    before = dae.transform(X)
    with pytest.raises(ValueError, match="Training diverged"):
        dae.partial_fit(X * 1e30)  # squared errors overflow float32
    np.testing.assert_array_equal(dae.transform(X), before)
    assert np.isfinite(dae.transform(X)).all()


class Recorder(keras.callbacks.Callback):
    """Records the epochs and the weights it sees."""

    def __init__(self):
        super().__init__()
        self.epochs = []
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)
        self.weights.append(self.model.get_weights())


def test_early_stopping_restores_the_best_weights(digits):
    recorder = Recorder()
    dae = DenoisingAutoencoderTransformer(
        (16, 8),
        epochs=300,
        batch_size=256,
        learning_rate=0.02,
        early_stopping=True,
        patience=3,
        callbacks=[recorder],
        random_state=0,
    ).fit(digits[0])
    val = dae.history_["val_loss"]
    assert dae.n_iter_ < 300
    assert len(val) == len(dae.history_["loss"]) == dae.n_iter_ == len(recorder.epochs)
    best = int(np.argmin(val))
    assert dae.n_iter_ == best + 1 + 3
    for got, want in zip(dae.model_.get_weights(), recorder.weights[best], strict=True):
        np.testing.assert_array_equal(got, want)


def test_validation_fraction_records_val_loss_without_stopping(digits):
    dae = DenoisingAutoencoderTransformer(**TINY, validation_fraction=0.2).fit(
        digits[0]
    )
    assert len(dae.history_["val_loss"]) == 2


def test_user_callbacks_run_and_survive_clone(digits):
    recorder = Recorder()
    dae = DenoisingAutoencoderTransformer(**TINY, callbacks=[recorder], random_state=0)
    dae.fit(digits[0][:100])
    assert recorder.epochs == [0, 1]
    assert recorder.model is None  # detached: the parameters never hold the network
    cloned = clone(dae)
    assert cloned.callbacks[0] is not recorder
    cloned.fit(digits[0][:100])
    # The clone trained with its own copy; the original saw only its own fit.
    assert cloned.callbacks[0].epochs == [0, 1, 0, 1]
    assert recorder.epochs == [0, 1]


def test_fitted_transformers_come_back_from_worker_processes(digits):
    X, y = digits[0][:300], digits[3][:300]
    pipe = Pipeline(
        [
            ("dae", DenoisingAutoencoderTransformer(**TINY, random_state=0)),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    result = cross_validate(pipe, X, y, cv=2, n_jobs=2, return_estimator=True)
    for fitted_pipe in result["estimator"]:
        dae = fitted_pipe.named_steps["dae"]
        np.testing.assert_allclose(
            dae.transform(X[:20]),
            dae.model_.predict(X[:20].astype(np.float32), verbose=0),
            atol=1e-5,
        )
        assert fitted_pipe.predict(X[:5]).shape == (5,)


def test_keras_native_export(fitted, digits, tmp_path):
    path = tmp_path / "dae.keras"
    fitted.model_.save(path)
    model = keras.saving.load_model(path)
    X = digits[2][:10].astype(np.float32)
    np.testing.assert_allclose(
        model.predict_on_batch(X), fitted.transform(X), atol=1e-5
    )


CONCURRENT_FIRST_FITS = """
import threading, numpy as np
from sklearn.datasets import load_digits
from skdae import DenoisingAutoencoderTransformer as D
X = load_digits().data[:300] / 16
params = dict(hidden_layer_sizes=(16, 8), epochs=3, batch_size=32)
results, errors = {}, []
def work(i, r):
    try:
        results[r, i] = D(**params, random_state=i).fit(X).transform(X[:20])
    except Exception as exc:
        errors.append(repr(exc))
for r in range(2):  # the first fits of the process, then fits of new models
    threads = [threading.Thread(target=work, args=(i, r)) for i in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
assert not errors, errors
for i in range(4):
    alone = D(**params, random_state=i).fit(X).transform(X[:20])
    for r in range(2):
        np.testing.assert_allclose(results[r, i], alone, atol=1e-4)
"""


@pytest.mark.parametrize("run", range(2))
def test_concurrent_first_fits_in_a_fresh_process(run):
    # 4 threads x 2 rounds starting with the process's very first fits:
    # TensorFlow's import, our modules and Keras's global state must not race,
    # seeded fits must equal the same fits run alone, and nothing may print
    # (no retracing warning).
    done = subprocess.run(
        [sys.executable, "-c", CONCURRENT_FIRST_FITS], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_threading_backend_grid_search_gives_finite_scores(digits):
    X = digits[0][:300]
    search = GridSearchCV(
        DenoisingAutoencoderTransformer(**TINY, random_state=0),
        {"noise_factor": [0.1, 0.3, 0.5]},
        cv=2,
        n_jobs=2,
    )
    with joblib.parallel_backend("threading"):
        search.fit(X)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


OPTUNA_SEARCH = """
import optuna, numpy as np
from optuna.distributions import FloatDistribution
from optuna_integration import OptunaSearchCV
from sklearn.datasets import load_digits
from skdae import DenoisingAutoencoderTransformer as D
optuna.logging.set_verbosity(optuna.logging.ERROR)
X = load_digits().data[:300] / 16
search = OptunaSearchCV(
    D((8, 4), epochs=2, batch_size=32, random_state=0),
    {"noise_factor": FloatDistribution(0.0, 1.0)},
    n_trials=6, n_jobs=2, cv=2, random_state=0, error_score="raise",
)
search.fit(X)
values = [t.value for t in search.trials_]
assert len(values) == 6 and np.isfinite(values).all(), values
"""


def test_optuna_search_with_two_threads_in_a_fresh_process():
    done = subprocess.run(
        [sys.executable, "-c", OPTUNA_SEARCH], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
