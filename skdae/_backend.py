"""Lazy, quiet loading of TensorFlow, Keras and scikeras.

``import skdae`` must stay as cheap as importing scikit-learn, so nothing here
runs until the first fit, transform or unpickle needs the Keras side.
"""

import importlib
import os
import re
import sys
import tempfile

# Start-up notices TensorFlow's C++ side writes straight to file descriptor 2
# (some before absl logging is initialised, so TF_CPP_MIN_LOG_LEVEL cannot
# silence them). Anything else it prints is passed on.
_STARTUP_NOISE = re.compile(
    r"All log messages before absl::InitializeLog|cudart_stub|cuda drivers"
    r"|oneDNN custom operations|Unable to register cu(DNN|FFT|BLAS)"
    r"|computation_placer|TF-TRT Warning|This TensorFlow binary is optimized"
    r"|rebuild TensorFlow with the appropriate compiler flags"
)


def load(module):
    """Import and return ``skdae.<module>``, a module that imports Keras.

    The first import of TensorFlow in the process has its start-up notices
    filtered out of standard error; ``TF_CPP_MIN_LOG_LEVEL`` defaults to 3
    during it unless the user has set it.
    """
    name = f"skdae.{module}"
    if name in sys.modules:
        return sys.modules[name]
    if "tensorflow" not in sys.modules:
        _import_tensorflow_quietly()
    return importlib.import_module(name)


def _import_tensorflow_quietly():
    saved_level = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    if saved_level is None:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            if saved_level is None:
                os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)
            captured.seek(0)
            text = captured.read().decode(errors="replace")
            kept = [ln for ln in text.splitlines() if not _STARTUP_NOISE.search(ln)]
            if kept:
                sys.stderr.write("\n".join(kept) + "\n")
