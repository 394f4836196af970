"""Importing skdae is cheap and quiet; TensorFlow loads on first use."""

import subprocess
import sys


def run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )


def test_import_does_not_import_tensorflow():
    done = run(
        "import sys, skdae\n"
        "heavy = ('tensorflow', 'keras', 'scikeras', 'skl2onnx', 'onnxruntime',\n"
        "         'matplotlib', 'skops', 'tf2onnx')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    assert done.stdout.strip() == "[]"


def test_loading_the_backend_is_quiet_and_restores_the_environment():
    done = run(
        "import os\n"
        "from skdae import _backend\n"
        "_backend.keras_side()\n"
        "print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))"
    )
    assert done.stdout.strip() == "None"
    assert done.stderr == ""
