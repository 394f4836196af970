"""Data loading: IDX files we write, digits, and a clear error without data."""

import gzip

import numpy as np
import pytest

from skdae import _backend
from skdae._data import DataUnavailableError, load_dataset, read_idx


def write_idx(path, array):
    codes = {np.dtype(np.uint8): 0x08}
    header = bytes([0, 0, codes[array.dtype], array.ndim])
    header += b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    data = header + array.tobytes()
    if path.suffix == ".gz":
        data = gzip.compress(data)
    path.write_bytes(data)


@pytest.fixture
def idx_dir(tmp_path):
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(6, 28, 28)).astype(np.uint8)
    labels = rng.randint(0, 10, size=6).astype(np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", images[:2])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:2])
    return tmp_path, images, labels


def test_read_idx_round_trip(idx_dir):
    directory, images, labels = idx_dir
    np.testing.assert_array_equal(
        read_idx(directory / "train-images-idx3-ubyte.gz"), images
    )
    np.testing.assert_array_equal(
        read_idx(directory / "t10k-labels-idx1-ubyte"), labels[:2]
    )


def test_read_idx_rejects_other_files(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"not an idx file")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(bad)
    truncated = tmp_path / "truncated"
    truncated.write_bytes(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"abc")
    with pytest.raises(ValueError, match="header says 10 bytes"):
        read_idx(truncated)


@pytest.mark.parametrize("name", ["fashion-mnist", "mnist"])
def test_load_from_data_dir(idx_dir, name):
    directory, images, labels = idx_dir
    data = load_dataset(name, data_dir=directory)
    assert data.X_train.shape == (6, 784) and data.X_test.shape == (2, 784)
    assert data.image_shape == (28, 28)
    assert data.X_train.dtype == np.float32
    np.testing.assert_allclose(data.X_train[0], images[0].ravel() / 255.0)
    np.testing.assert_array_equal(data.y_train, labels)


def test_load_mnist_npz(tmp_path):
    rng = np.random.RandomState(0)
    x = rng.randint(0, 256, size=(3, 28, 28)).astype(np.uint8)
    np.savez(
        tmp_path / "mnist.npz", x_train=x, y_train=[1, 2, 3], x_test=x, y_test=[4, 5, 6]
    )
    data = load_dataset("mnist", data_dir=tmp_path)
    assert data.X_test.shape == (3, 784)
    np.testing.assert_array_equal(data.y_test, [4, 5, 6])


def test_digits_is_always_there():
    data = load_dataset("digits")
    assert data.X_train.shape == (1347, 64)
    assert 0 <= data.X_train.min() and data.X_train.max() <= 1


def test_missing_data_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(DataUnavailableError, match="No mnist IDX files"):
        load_dataset("mnist", data_dir=tmp_path)
    with pytest.raises(ValueError, match="Unknown dataset"):
        load_dataset("cifar")

    keras = _backend.keras_side().keras

    def offline():
        raise OSError("no network")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(
        DataUnavailableError, match="could not be downloaded.*no network"
    ):
        load_dataset("mnist")
