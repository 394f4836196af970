"""python -m skdae demo, on the embedded digits with few epochs."""

import subprocess
import sys

import pytest

from skdae._demo import main, psnr


def test_demo_writes_figures_and_table(tmp_path, capsys):
    code = main(["demo", "--epochs", "3", "--out", str(tmp_path), "--verbose", "0"])
    assert code == 0
    out = capsys.readouterr().out
    assert "| skdae" in out and "PCA(16)" in out and "noisy input" in out
    for name in ("denoising.png", "loss.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_missing_dataset_is_a_message_not_a_traceback(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "skdae",
            "demo",
            "--dataset",
            "mnist",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "No mnist IDX files" in done.stderr
    assert "Traceback" not in done.stderr


def test_psnr():
    import numpy as np

    X = np.zeros((2, 2))
    assert psnr(X + 0.1, X) == pytest.approx(20.0)
