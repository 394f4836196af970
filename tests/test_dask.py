"""Grid search on dask.distributed through joblib's dask backend."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoderTransformer

distributed = pytest.importorskip("dask.distributed")
pytest.importorskip("dask_ml")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def test_grid_search_runs_on_dask_workers(client, digits):
    import joblib

    X, y = digits[0][:300], digits[3][:300]
    pipe = Pipeline(
        [
            ("dae", DenoisingAutoencoderTransformer((8, 4), epochs=2, random_state=0)),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    search = GridSearchCV(pipe, {"dae__noise_factor": [0.1, 0.5]}, cv=2)
    with joblib.parallel_backend("dask"):
        search.fit(X, y)
    workers = client.run(lambda: __import__("os").getpid())
    assert len(workers) == 2
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.score(X, y) > 0.1


def test_the_user_guides_cluster_section_runs(guide_code):
    code = guide_code("Data larger than memory, and clusters")
    assert "Incremental" in code and "ParallelPostFit" in code
    exec(compile(code, "user_guide.rst", "exec"), {})


def test_workers_that_only_transform_never_import_tensorflow(digits):
    from dask_ml.wrappers import ParallelPostFit

    da = pytest.importorskip("dask.array")
    X = digits[0][:300]
    dae = DenoisingAutoencoderTransformer((8, 4), epochs=1, random_state=0).fit(X)
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        out = ParallelPostFit(dae).transform(da.from_array(X, chunks=(100, 64)))
        np.testing.assert_array_equal(out.compute(), dae.transform(X))
        imported = client.run(lambda: "tensorflow" in __import__("sys").modules)
    assert list(imported.values()) == [False]
