"""make_corrupted_scorer: only the held-out fold is corrupted, reproducibly."""

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skdae import DenoisingAutoencoderTransformer, corrupt, make_corrupted_scorer

NOISE = {"noise_factor": 0.5, "clip_range": (0, 1), "random_state": 0}


LOG = []


class Recorder(TransformerMixin, BaseEstimator):
    """Records in LOG the X it was fitted on and the X it is scored on."""

    def fit(self, X, y=None):
        self.fitted_on_ = X.copy()
        return self

    def transform(self, X):
        return X

    def score(self, X, y=None):
        LOG.append((self.fitted_on_, X.copy()))
        return 0.0


def test_only_the_held_out_fold_is_corrupted(digits):
    X = digits[0][:60]
    del LOG[:]
    scoring = make_corrupted_scorer(lambda est, X, y=None: est.score(X), **NOISE)
    cross_validate(Recorder(), X, cv=3, scoring=scoring)
    log = LOG[:]
    assert len(log) == 3
    clean_rows = {row.tobytes() for row in X}
    for fitted_on, scored in log:
        assert all(row.tobytes() in clean_rows for row in fitted_on)  # clean
        assert not any(row.tobytes() in clean_rows for row in scored)  # noisy


def test_noise_is_reproducible_and_the_same_for_every_candidate(digits):
    X = digits[0][:50]
    scorer = make_corrupted_scorer(**NOISE)
    np.testing.assert_array_equal(scorer.corrupt(X), scorer.corrupt(X))
    np.testing.assert_array_equal(
        scorer.corrupt(X),
        corrupt(X, noise_factor=0.5, clip_range=(0, 1), random_state=0),
    )
    # random_state=None is resolved once, when the scorer is made.
    unseeded = make_corrupted_scorer(noise_factor=0.5)
    np.testing.assert_array_equal(unseeded.corrupt(X), unseeded.corrupt(X))


def test_default_scores_denoising_against_the_clean_fold(fitted, digits):
    X = digits[1]
    scorer = make_corrupted_scorer(**NOISE)
    expected = -np.mean((fitted.transform(scorer.corrupt(X)) - X) ** 2)
    assert scorer(fitted, X) == pytest.approx(expected)
    # transform_output does not change what is measured.
    from sklearn.base import clone

    encoded = clone(fitted).set_params(transform_output="encoded")
    encoded.__setstate__(fitted.__getstate__())
    encoded.set_params(transform_output="encoded")
    assert scorer(encoded, X) == pytest.approx(expected)


def test_pipeline_ending_in_the_transformer_is_scored_in_its_space(digits):
    X = digits[0][:200]
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("dae", DenoisingAutoencoderTransformer((8, 4), epochs=2, random_state=0)),
        ]
    ).fit(X)
    scorer = make_corrupted_scorer(**NOISE)
    expected = -np.mean(
        (pipe.transform(scorer.corrupt(X)) - pipe[:-1].transform(X)) ** 2
    )
    assert scorer(pipe, X) == pytest.approx(expected)


def test_named_and_callable_scorings_and_other_estimators(digits):
    X, y = digits[0][:300], digits[3][:300]
    clf = LogisticRegression(max_iter=500).fit(X, y)
    scorer = make_corrupted_scorer("accuracy", **NOISE)
    X_noisy = scorer.corrupt(X)
    assert scorer(clf, X, y) == pytest.approx(clf.score(X_noisy, y))
    custom = make_corrupted_scorer(lambda est, X, y: -1.0 * len(X), **NOISE)
    assert custom(clf, X, y) == -300.0
    # No scoring and no autoencoder to score: an error, not another score.
    for estimator in (clf, PCA(4).fit(X)):
        with pytest.raises(ValueError, match="Pass a scoring"):
            make_corrupted_scorer(**NOISE)(estimator, X, y)


def test_pickles_and_works_multi_metric_with_refit_in_worker_processes(digits):
    X, y = digits[0][:300], digits[3][:300]
    scorer = make_corrupted_scorer("accuracy", **NOISE)
    assert pickle.loads(pickle.dumps(scorer)).corrupt(X).tobytes() == (
        scorer.corrupt(X).tobytes()
    )
    pipe = Pipeline(
        [
            ("dae", DenoisingAutoencoderTransformer((32,), epochs=10, random_state=0)),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    )
    search = GridSearchCV(
        pipe,
        {"dae__noise_factor": [0.0, 0.5]},
        scoring={"noisy_accuracy": scorer, "clean_accuracy": "accuracy"},
        refit="noisy_accuracy",
        cv=2,
        n_jobs=2,
    ).fit(X, y)
    results = search.cv_results_
    assert np.isfinite(results["mean_test_noisy_accuracy"]).all()
    assert (
        results["mean_test_noisy_accuracy"] < results["mean_test_clean_accuracy"]
    ).all()
    assert search.best_index_ == np.argmax(results["mean_test_noisy_accuracy"])


def test_a_search_finds_an_interior_noise_factor(digits):
    # Scored on clean folds, a search picks no noise; scored on folds that
    # carry the noise the data will have, it picks the middle of this grid.
    X = np.vstack(digits[:2])
    search = GridSearchCV(
        DenoisingAutoencoderTransformer(
            (64, 32), epochs=40, batch_size=32, random_state=0
        ),
        {"noise_factor": [0.0, 0.5, 1.5]},
        scoring={"noisy": make_corrupted_scorer(**NOISE), "clean": None},
        refit="noisy",
        cv=2,
        n_jobs=2,
    ).fit(X)
    assert search.best_params_ == {"noise_factor": 0.5}
    assert np.argmax(search.cv_results_["mean_test_clean"]) == 0


def test_invalid_arguments():
    with pytest.raises(ValueError, match="clip_range"):
        make_corrupted_scorer(clip_range=(1, 0))
    with pytest.raises(ValueError, match="corrupted fraction"):
        make_corrupted_scorer(noise="masking", noise_factor=2)
    with pytest.raises(ValueError, match="noise"):
        make_corrupted_scorer(noise="pink")


def test_dataframes_keep_their_feature_names(digits):
    import warnings

    import pandas as pd

    X = pd.DataFrame(digits[0][:200], columns=[f"px{i}" for i in range(64)])
    dae = DenoisingAutoencoderTransformer((8, 4), epochs=1, random_state=0).fit(X)
    scorer = make_corrupted_scorer(**NOISE)
    noisy = scorer.corrupt(X)
    assert list(noisy.columns) == list(X.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        score = scorer(dae, X)
    assert score == pytest.approx(-np.mean((dae.transform(noisy) - X.to_numpy()) ** 2))


def test_searches_and_nested_pipelines_are_scored_once_corrupted(digits):
    X, y = digits[0][:300], digits[3][:300]
    scorer = make_corrupted_scorer(**NOISE)
    dae = DenoisingAutoencoderTransformer((8, 4), epochs=2, random_state=0)
    search = GridSearchCV(dae, {"noise_factor": [0.2, 0.5]}, scoring=scorer, cv=2)
    search.fit(X)
    # Nested CV: the outer scorer is given the search itself.
    assert scorer(search, X) == scorer(search.best_estimator_, X)
    flat = Pipeline([("scale", StandardScaler()), ("dae", clone(dae))]).fit(X)
    nested = Pipeline(
        [("inner", Pipeline([("scale", StandardScaler()), ("dae", clone(dae))]))]
    ).fit(X)
    assert scorer(nested, X) == pytest.approx(scorer(flat, X))
    deeper = Pipeline(
        [("scale", StandardScaler()), ("inner", Pipeline([("dae", clone(dae))]))]
    ).fit(X)
    assert scorer(deeper, X) == pytest.approx(scorer(flat, X))
    # A classifier ends this pipeline: no autoencoder to score.
    clf_pipe = Pipeline(
        [("dae", clone(dae)), ("clf", LogisticRegression(max_iter=200))]
    ).fit(X, y)
    with pytest.raises(ValueError, match="Pass a scoring"):
        scorer(clf_pipe, X, y)


def test_polars_dataframes_keep_their_feature_names(digits):
    import warnings

    pl = pytest.importorskip("polars")
    X = pl.DataFrame(digits[0][:200], schema=[f"px{i}" for i in range(64)])
    dae = DenoisingAutoencoderTransformer((8, 4), epochs=1, random_state=0).fit(X)
    scorer = make_corrupted_scorer(**NOISE)
    noisy = scorer.corrupt(X)
    assert isinstance(noisy, pl.DataFrame) and noisy.columns == X.columns
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        scorer(dae, X)
