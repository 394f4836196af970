"""The frozen plan: what fit and partial_fit train, resolved in NumPy."""

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from skdae import DenoisingAutoencoderTransformer
from skdae._plan import new_network_plan, resolved_batch_size, resolved_epochs


@pytest.mark.parametrize(
    "n_samples, batch_size, epochs",
    [(1198, 64, 250), (455, 64, 250), (5000, 64, 64), (60000, 256, 22), (30, 30, 250)],
)
def test_auto_batch_size_and_epochs(n_samples, batch_size, epochs):
    assert resolved_batch_size("auto", n_samples) == batch_size
    assert resolved_epochs("auto", n_samples, batch_size) == epochs
    assert resolved_batch_size(100, n_samples) == 100
    assert resolved_epochs(7, n_samples, batch_size) == 7


def test_plan_of_a_fit_and_of_a_first_partial_fit(digits):
    X = digits[0]
    dae = DenoisingAutoencoderTransformer(validation_fraction=0.2, tol=1e-4)
    plan = new_network_plan(dae, X, None, partial=False)
    assert plan.X.dtype == np.float32 and plan.X.ctypes.data % 64 == 0
    assert len(plan.rows) + len(plan.validation[0]) == len(X)
    assert plan.loss == "binary_crossentropy" and plan.clip_range == (0.0, 1.0)
    assert plan.plateau == (1e-4, 10) and plan.early_stopping is None
    assert plan.epochs == resolved_epochs("auto", len(plan.rows), plan.batch_size)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.epochs = 1
    first_chunk = new_network_plan(dae, X, None, partial=True)
    assert first_chunk.validation is None and first_chunk.epochs == 1
    assert first_chunk.plateau is None


def test_the_plan_module_imports_no_tensorflow():
    code = "import sys, skdae._plan; print('tensorflow' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
