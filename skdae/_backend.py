"""Lazy, quiet, thread-safe loading of TensorFlow, Keras and scikeras.

``import skdae`` must stay as cheap as importing scikit-learn, so nothing here
runs until the first fit, unpickle or export needs the Keras side. Then
:func:`keras_side` imports TensorFlow once, with its start-up notices filtered
out of standard error, and imports skdae's Keras modules with plain relative
imports. Both happen under one lock: TensorFlow's own import is not safe to
run from two threads at once, and a thread must never see one of our modules
half-initialised while another thread is still importing it.
"""

import os
import re
import sys
import tempfile
import threading
from types import SimpleNamespace

# Start-up notices TensorFlow's C++ side writes straight to file descriptor 2
# (some before absl logging is initialised, so TF_CPP_MIN_LOG_LEVEL cannot
# silence them). Anything else it prints is passed on.
_STARTUP_NOISE = re.compile(
    r"All log messages before absl::InitializeLog|cudart_stub|cuda drivers"
    r"|oneDNN custom operations|Unable to register cu(DNN|FFT|BLAS)"
    r"|computation_placer|TF-TRT Warning|This TensorFlow binary is optimized"
    r"|rebuild TensorFlow with the appropriate compiler flags"
)

_LOCK = threading.Lock()
_KERAS_SIDE = None


def keras_side():
    """Return skdae's Keras modules, importing TensorFlow quietly the first time.

    Returns a namespace with ``model`` (:mod:`skdae._model`), ``inference``
    (:mod:`skdae._inference`), ``training``
    (:mod:`skdae._training`), ``persistence`` (:mod:`skdae._persistence`),
    ``scikeras`` (:mod:`skdae._scikeras`) and ``keras``. Safe to call from
    any number of threads at once.
    """
    global _KERAS_SIDE
    if _KERAS_SIDE is not None:
        return _KERAS_SIDE
    with _LOCK:
        if _KERAS_SIDE is None:
            if "tensorflow" not in sys.modules:
                _import_tensorflow_quietly()
            import keras

            from . import _inference, _model, _persistence, _scikeras, _training

            _KERAS_SIDE = SimpleNamespace(
                keras=keras,
                inference=_inference,
                model=_model,
                training=_training,
                persistence=_persistence,
                scikeras=_scikeras,
            )
    return _KERAS_SIDE


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
