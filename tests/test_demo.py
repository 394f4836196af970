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


@pytest.mark.parametrize(
    "options, message",
    [
        (["--epochs", "0"], "--epochs: must be at least 1"),
        (["--epochs", "-3"], "--epochs: must be at least 1"),
        (["--epochs", "two"], "--epochs: invalid int value"),
        (["--noise-factor", "-1"], "--noise-factor: must be a finite number above 0"),
        (["--noise-factor", "nan"], "--noise-factor: must be a finite number"),
        (["--noise-factor", "inf"], "--noise-factor: must be a finite number"),
        (["--noise-factor", "0"], "--noise-factor: must be a finite number above 0"),
        (["--noise", "masking", "--noise-factor", "2"], "must be at most 1"),
        (["--max-train", "0"], "--max-train: must be at least 100"),
        (["--max-train", "1"], "--max-train: must be at least 100"),
        (["--max-train", "10"], "--max-train: must be at least 100"),
        (["--random-state", "-1"], "--random-state: must be in [0, 2**32 - 1]"),
        (["--random-state", "4294967296"], "--random-state: must be in"),
        (["--data-dir", "."], "--data-dir: digits ships with scikit-learn"),
        (["--verbose", "5"], "--verbose: invalid choice"),
    ],
)
def test_invalid_options_are_argparse_errors(options, message):
    done = subprocess.run(
        [sys.executable, "-m", "skdae", "demo", *options],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("skdae demo: error:")


def test_version():
    from skdae import __version__

    done = subprocess.run(
        [sys.executable, "-m", "skdae", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"skdae {__version__}"


def test_output_to_a_file_has_one_line_per_epoch_at_most(tmp_path):
    # stdout is a pipe here, not a terminal: no progress bar.
    done = subprocess.run(
        [sys.executable, "-m", "skdae", "demo", "--epochs", "4"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "\b" not in done.stdout and "\x1b[" not in done.stdout
    assert len(done.stdout.splitlines()) <= 4 + 20  # epochs + the report
    # The default folder is per dataset.
    assert (tmp_path / "skdae-demo-output" / "digits" / "denoising.png").exists()


def test_an_unwritable_out_folder_is_refused_before_training(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = subprocess.run(
        [sys.executable, "-m", "skdae", "demo", "--out", str(blocker / "figures")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "argument --out: cannot write to" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # nothing was loaded or trained


def test_a_closed_pipe_ends_the_demo_quietly(tmp_path):
    demo = subprocess.Popen(
        [sys.executable, "-m", "skdae", "demo", "--epochs", "2", "--verbose", "0"]
        + ["--out", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = demo.stdout.readline()  # like `skdae demo | head -1`
    demo.stdout.close()
    _, stderr = demo.communicate(timeout=120)
    assert first.startswith(b"digits:")
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr
    assert demo.returncode in (0, 1)


def test_the_smallest_allowed_run_and_the_largest_seed(tmp_path, capsys):
    options = ["--max-train", "100", "--epochs", "1", "--random-state", "4294967295"]
    code = main(["demo", *options, "--out", str(tmp_path), "--verbose", "0"])
    assert code == 0
    out = capsys.readouterr().out
    assert "fit: 1 epoch in" in out
    assert "behind PCA..." in out and "behind skdae..." in out


def test_every_option_has_help():
    done = subprocess.run(
        [sys.executable, "-m", "skdae", "demo", "--help"],
        capture_output=True,
        text=True,
    )
    assert "digits ships with scikit-learn" in done.stdout
    assert "seed of the network" in done.stdout
