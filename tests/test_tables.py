"""The tabular recipe: swap noise, grouped categories, hidden-layer features."""

import pickle

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from skdae import (
    DenoisingAutoencoderTransformer,
    _backend,
    make_corrupted_scorer,
    one_hot_groups,
)

TINY = {"hidden_layer_sizes": (16, 8), "epochs": 3, "batch_size": 32}


def user_network(n_features):
    keras = _backend.keras_side().keras
    inputs = keras.Input((n_features,))
    code = keras.layers.Dense(4, activation="relu", name="code")(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_features)(code))


@pytest.fixture(scope="module")
def table():
    """Two numeric columns and a 3-level categorical, one-hot encoded."""
    rng = np.random.RandomState(0)
    category = rng.randint(0, 3, 240)
    numeric = rng.normal(size=(240, 2)) + category[:, None]
    X = np.hstack([numeric, np.eye(3)[category]])
    return X, category


@pytest.fixture(scope="module")
def hidden(table):
    X, _ = table
    return DenoisingAutoencoderTransformer(
        **TINY,
        noise="swap",
        feature_groups=one_hot_groups([[0, 1, 2]], start=2),
        transform_output="hidden",
        random_state=0,
    ).fit(X)


def test_hidden_output_is_every_hidden_layer_side_by_side(hidden, table):
    X, _ = table
    out = hidden.transform(X)
    assert out.shape == (240, 16 + 8 + 16)
    assert hidden.get_feature_names_out().shape == (40,)
    assert hidden.transform(X.astype(np.float32)).dtype == np.float32
    # The same activations as Keras's own layers.
    keras = _backend.keras_side().model.keras
    keras_dense = keras.layers.Dense
    dense = [layer for layer in hidden.model_.layers if isinstance(layer, keras_dense)]
    probe = keras.Model(hidden.model_.inputs[0], [layer.output for layer in dense[:-1]])
    expected = np.hstack([np.asarray(a) for a in probe(X.astype(np.float32))])
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    assert (out >= 0).all()  # ReLU activations


def test_hidden_output_takes_missing_values(hidden, table):
    X = table[0].copy()
    X[0, 0] = np.nan
    out = hidden.transform(X)
    assert np.isfinite(out).all()
    assert not np.allclose(out[0], hidden.transform(table[0][:1])[0])
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        hidden.transform(X)


def test_hidden_features_beside_the_raw_columns(hidden, table):
    X, y = table
    union = FeatureUnion([("raw", FunctionTransformer()), ("dae", hidden)])
    pipe = make_pipeline(union, LogisticRegression(max_iter=500)).fit(X, y)
    assert pipe[:-1].transform(X).shape == (240, 5 + 40)
    assert pipe.score(X, y) > 0.9


def test_hidden_output_has_no_inverse_and_no_user_network(hidden, table):
    X, _ = table
    with pytest.raises(ValueError, match="inverse_transform is not available"):
        hidden.inverse_transform(hidden.transform(X))
    user = DenoisingAutoencoderTransformer(
        model=user_network, epochs=1, transform_output="hidden", random_state=0
    ).fit(X)
    with pytest.raises(ValueError, match="needs the default Dense network"):
        user.transform(X)


def test_swap_noise_defaults_to_the_tabular_fraction(hidden):
    assert hidden.noise_factor_ == 0.15


def test_feature_groups_survive_pickling_and_further_training(hidden, table):
    X, _ = table
    copy = pickle.loads(pickle.dumps(hidden))
    np.testing.assert_array_equal(copy.transform(X), hidden.transform(X))
    copy.partial_fit(X)
    assert copy.n_iter_ == hidden.n_iter_ + 1
    with pytest.raises(ValueError, match="partial_fit cannot change feature_groups"):
        copy.set_params(feature_groups=None).partial_fit(X)


def test_altered_feature_groups_in_a_file_are_refused(hidden):
    state = pickle.loads(pickle.dumps(hidden)).__getstate__()
    state["_architecture_"]["corruption"]["groups"] = [10**9] * 5
    altered = DenoisingAutoencoderTransformer.__new__(DenoisingAutoencoderTransformer)
    altered.__setstate__(state)
    with pytest.raises(ValueError, match="feature groups"):
        _ = altered.model_


@pytest.mark.parametrize(
    "params, match",
    [
        ({"noise": "gaussian", "feature_groups": [[2, 3, 4]]}, "feature_groups needs"),
        ({"noise": "swap", "feature_groups": [[2, 3, 9]]}, r"in \[0, 5\)"),
    ],
)
def test_feature_group_errors_at_fit(table, params, match):
    with pytest.raises(ValueError, match=match):
        DenoisingAutoencoderTransformer(**TINY, **params).fit(table[0])


def test_swap_scorer_on_a_one_hot_pipeline():
    rng = np.random.RandomState(0)
    Xc = rng.choice(list("abc"), size=(120, 2)).astype(object)
    encoder = OneHotEncoder(categories=[list("abc")] * 2)
    pipe = make_pipeline(
        ColumnTransformer([("onehot", encoder, [0, 1])]),
        DenoisingAutoencoderTransformer(
            **TINY,
            noise="swap",
            feature_groups=one_hot_groups(encoder.categories),
            random_state=0,
        ),
    ).fit(Xc)
    assert pipe[-1].model_.get_layer("corruption").groups == [0, 0, 0, 1, 1, 1]
    scorer = make_corrupted_scorer(
        noise="swap",
        noise_factor=0.5,
        feature_groups=one_hot_groups(encoder.categories),
        random_state=0,
    )
    onehot = pipe[0].transform(Xc)
    noisy = scorer.corrupt(onehot)
    np.testing.assert_array_equal(noisy.reshape(-1, 2, 3).sum(axis=2), 1)
    assert np.isfinite(scorer(pipe[-1], onehot))
    with pytest.raises(ValueError, match="feature_groups needs noise"):
        make_corrupted_scorer(noise="gaussian", feature_groups=[[0, 1]])


# QuantileTransformer's 1,000 quantiles exceed these 60 rows; real tables don't.
@pytest.mark.filterwarnings("ignore:n_quantiles:UserWarning")
def test_the_user_guides_tables_recipe_runs(guide_code):
    """The user guide's recipe, as printed, on a small mixed table."""
    code = guide_code("Tables")
    assert "FeatureUnion" in code and "one_hot_groups" in code
    namespace = {}
    exec(compile(code, "user_guide.rst", "exec"), namespace)
    rng = np.random.RandomState(0)
    n_samples = 60
    X = np.empty((n_samples, 5), dtype=object)
    X[:, :3] = rng.normal(size=(n_samples, 3))
    X[:, 3] = rng.choice(["a", "b", "c"], n_samples)
    X[:, 4] = rng.choice(["x", "y"], n_samples)
    y = (X[:, 0].astype(float) > 0).astype(int)
    pipe = namespace["pipe"].fit(X, y)
    # 3 numeric, 3 + 2 one-hot, and three hidden layers of 512.
    assert pipe[:2].transform(X).shape == (n_samples, 3 + 5 + 3 * 512)
    assert pipe.score(X, y) > 0.9
