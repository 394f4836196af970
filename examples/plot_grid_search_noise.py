"""
Choosing the noise factor with GridSearchCV
===========================================

``noise_factor`` is a hyper-parameter like any other: search it with
:class:`~sklearn.model_selection.GridSearchCV` over a pipeline, in worker
processes (``n_jobs``).
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoderTransformer

X, y = load_digits(return_X_y=True)
X = X / 16.0

pipe = Pipeline(
    [
        (
            "dae",
            DenoisingAutoencoderTransformer(
                (64, 32), epochs=15, batch_size=32, random_state=0
            ),
        ),
        ("clf", LogisticRegression(max_iter=1000)),
    ]
)
factors = [0.0, 0.2, 0.5, 0.8]
search = GridSearchCV(pipe, {"dae__noise_factor": factors}, cv=3, n_jobs=2)
search.fit(X, y)
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

plt.figure(figsize=(5, 3))
plt.errorbar(
    factors,
    search.cv_results_["mean_test_score"],
    yerr=search.cv_results_["std_test_score"],
    marker="o",
)
plt.xlabel("noise_factor")
plt.ylabel("cross-validated accuracy")
plt.tight_layout()
plt.show()
