"""Shared fixtures: tiny data, one fitted transformer per test module, and
the user guide's code."""

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdae import DenoisingAutoencoderTransformer, corrupt


@pytest.fixture(scope="session")
def digits():
    """Digits scaled to [0, 1]: train, test, noisy test and labels."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    X_noisy = corrupt(X_test, noise_factor=0.3, clip_range=(0, 1), random_state=1)
    return X_train, X_test, X_noisy, y_train, y_test


@pytest.fixture(scope="module")
def fitted(digits):
    """A transformer trained on digits; tests must not refit or mutate it."""
    X_train = digits[0]
    return DenoisingAutoencoderTransformer(
        (64, 32), noise_factor=0.3, epochs=20, batch_size=64, random_state=0
    ).fit(X_train)


@pytest.fixture
def rng():
    return np.random.RandomState(0)


GUIDE = Path(__file__).parent.parent / "docs" / "user_guide.rst"


@pytest.fixture(scope="session")
def guide_code():
    """``guide_code(title)``: the python code blocks of the user guide's
    section headed ``title``, up to the next section, joined."""

    def code(title):
        text = GUIDE.read_text()
        heading = re.search(rf"^{re.escape(title)}\n-{{4,}}\n", text, re.MULTILINE)
        assert heading is not None, title
        section = text[heading.end() :]
        end = re.search(r"\n[^\n]+\n-{4,}\n", section)
        if end is not None:
            section = section[: end.start()]
        blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", section)
        return "\n".join(textwrap.dedent(block) for block in blocks)

    return code
