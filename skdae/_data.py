"""Data loading for the demo and the benchmarks.

* ``"digits"``: scikit-learn's bundled 8x8 digits, always available.
* ``"fashion-mnist"``: IDX files from ``data_dir``, from Debian's
  ``dataset-fashion-mnist`` package, or downloaded by Keras.
* ``"mnist"``: IDX files or ``mnist.npz`` from ``data_dir``, or downloaded by
  Keras.

Images are flattened and scaled to [0, 1].
"""

import gzip
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch

DATASETS = ("digits", "fashion-mnist", "mnist")
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
_IDX_FILES = {
    "X_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "X_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4"}


class DataUnavailableError(OSError):
    """The requested dataset is neither on disk nor downloadable."""


def read_idx(path):
    """Read an IDX file (optionally gzipped) into a NumPy array.

    Parameters
    ----------
    path : str or path-like
        File in the IDX format of MNIST-like datasets.

    Returns
    -------
    array : ndarray
        Array of the dtype and shape recorded in the file's header.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file.")
    ndim = data[3]
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    offset = 4 + 4 * ndim
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - offset != expected:
        raise ValueError(
            f"{path}: header says {expected} bytes of data, found {len(data) - offset}."
        )
    return np.frombuffer(data, dtype=dtype, offset=offset).reshape(shape)


def _find_idx(directory):
    """Paths of the four MNIST-style IDX files in ``directory``, or None."""
    directory = Path(directory)
    found = {}
    for key, stem in _IDX_FILES.items():
        candidates = [directory / stem, directory / f"{stem}.gz"]
        # Some mirrors name them train-images.idx3-ubyte.
        candidates += [directory / stem.replace("-idx", ".idx")]
        path = next((p for p in candidates if p.exists()), None)
        if path is None:
            return None
        found[key] = path
    return found


def _from_idx(paths):
    arrays = {key: read_idx(path) for key, path in paths.items()}
    return _images_bunch(**arrays)


def _images_bunch(X_train, y_train, X_test, y_test):
    image_shape = X_train.shape[1:]

    def flat(X):
        return X.reshape(len(X), -1).astype(np.float32) / 255.0

    return Bunch(
        X_train=flat(X_train),
        X_test=flat(X_test),
        y_train=np.asarray(y_train, dtype=np.int64),
        y_test=np.asarray(y_test, dtype=np.int64),
        image_shape=tuple(image_shape),
    )


def _from_keras(name):
    from . import _backend

    keras = _backend.keras_side().keras
    module = {
        "fashion-mnist": keras.datasets.fashion_mnist,
        "mnist": keras.datasets.mnist,
    }
    try:
        (X_train, y_train), (X_test, y_test) = module[name].load_data()
    except Exception as exc:  # no network, proxy, corrupt cache...
        hint = (
            "its IDX files, or install Debian's dataset-fashion-mnist package"
            if name == "fashion-mnist"
            else "its IDX files or mnist.npz"
        )
        raise DataUnavailableError(
            f"{name} is not on this machine and could not be downloaded ({exc}). "
            f"Pass data_dir (--data-dir on the command line): a folder with {hint}."
        ) from exc
    return _images_bunch(X_train, y_train, X_test, y_test)


def load_dataset(name="digits", *, data_dir=None, random_state=0):
    """Load a dataset as flattened images scaled to [0, 1].

    Parameters
    ----------
    name : {"digits", "fashion-mnist", "mnist"}, default="digits"
        Dataset. ``"digits"`` is split 75/25 with ``random_state``.
    data_dir : str or path-like, default=None
        Folder with the IDX files (``train-images-idx3-ubyte[.gz]``, ...),
        or ``mnist.npz`` for MNIST. None looks in the standard places and
        then asks Keras to download.
    random_state : int, default=0
        Seed of the digits split.

    Returns
    -------
    data : Bunch
        ``X_train``, ``X_test`` (float32 in [0, 1]), ``y_train``, ``y_test``
        and ``image_shape``.

    Raises
    ------
    DataUnavailableError
        When the dataset is neither found nor downloadable.

    Examples
    --------
    >>> from skdae._data import load_dataset
    >>> data = load_dataset("digits")
    >>> data.X_train.shape, data.image_shape
    ((1347, 64), (8, 8))
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of {DATASETS}.")
    if name == "digits":
        digits = load_digits()
        X = (digits.data / 16.0).astype(np.float32)
        X_train, X_test, y_train, y_test = train_test_split(
            X, digits.target, random_state=random_state
        )
        return Bunch(
            X_train=X_train,
            X_test=X_test,
            y_train=y_train,
            y_test=y_test,
            image_shape=(8, 8),
        )
    if data_dir is not None:
        data_dir = Path(data_dir)
        paths = _find_idx(data_dir)
        if paths is not None:
            return _from_idx(paths)
        npz = data_dir / "mnist.npz"
        if name == "mnist" and npz.exists():
            with np.load(npz) as f:
                return _images_bunch(
                    f["x_train"], f["y_train"], f["x_test"], f["y_test"]
                )
        raise DataUnavailableError(
            f"No {name} IDX files (train-images-idx3-ubyte[.gz], ...) in {data_dir}."
        )
    if name == "fashion-mnist":
        paths = _find_idx(DEBIAN_FASHION_MNIST)
        if paths is not None:
            return _from_idx(paths)
    return _from_keras(name)
