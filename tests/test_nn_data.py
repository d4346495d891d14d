"""nn.data (one_hot, splits, scaling, batches, MNIST's IDX files) and nn.metrics."""

import gzip
import struct

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import data, metrics


def test_one_hot_rows():
    np.testing.assert_array_equal(data.one_hot([2, 0, 1], 4),
                                  [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    assert data.one_hot(np.array([1, 1])).shape == (2, 2)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        data.one_hot([3], 3)
    with pytest.raises(ValueError, match="integers"):
        data.one_hot([0.5], 3)


def test_train_test_split_keeps_rows_paired_and_is_seeded():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, rng=np.random.default_rng(0))
    assert len(X_test) == 2 and len(X_train) == 8
    np.testing.assert_array_equal(X_train[:, 0] // 2, y_train)
    np.testing.assert_array_equal(X_test[:, 0] // 2, y_test)
    assert sorted(np.concatenate([y_train, y_test])) == list(range(10))
    again = data.train_test_split(X, y, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again[3], y_test)
    ordered = data.train_test_split(X, y, test_size=3, shuffle=False)
    np.testing.assert_array_equal(ordered[3], [0, 1, 2])
    with pytest.raises(ValueError, match="X has 10 rows but y has 9"):
        data.train_test_split(X, y[:9])


def test_standardize_and_minmax_scale():
    X = np.array([[1.0, 10.0, 5.0], [3.0, 30.0, 5.0], [5.0, 20.0, 5.0]])
    Z, mean, std = data.standardize(X, return_stats=True)
    np.testing.assert_allclose(Z[:, :2].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1)
    assert np.all(Z[:, 2] == 0)  # a constant column is only centred
    np.testing.assert_allclose(data.standardize(X[:1], mean, std), Z[:1])
    M = data.minmax_scale(X, feature_range=(-1, 1))
    np.testing.assert_allclose(M[:, 0], [-1, 0, 1])
    np.testing.assert_allclose(M[:, 1], [-1, 1, 0])
    assert np.all(M[:, 2] == -1)


def test_batches_cover_every_row_once():
    X = np.arange(10).reshape(10, 1)
    y = np.arange(10)
    seen = []
    sizes = []
    for xb, yb in data.batches(X, y, 4, rng=np.random.default_rng(1)):
        np.testing.assert_array_equal(xb[:, 0], yb)
        seen += yb.tolist()
        sizes.append(len(yb))
    assert sorted(seen) == list(range(10)) and sizes == [4, 4, 2]
    assert [b.tolist() for b in data.batches(X[:3], batch_size=2, shuffle=False)] == [
        [[0], [1]], [[2]]]
    with pytest.raises(ValueError, match="batch_size"):
        next(data.batches(X, y, 0))


def _write_idx(path, array, compress):
    codes = {np.dtype(np.uint8): 0x08, np.dtype(">i4"): 0x0C}
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape)
    payload = header + array.tobytes()
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(payload)


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_reads_the_four_idx_files(tmp_path, compress):
    rng = np.random.default_rng(2)
    sets = {"train": 6, "t10k": 3}
    written = {}
    suffix = ".gz" if compress else ""
    for prefix, n in sets.items():
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte{suffix}", images, compress)
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte{suffix}", labels, compress)
        written[prefix] = (images, labels)
    (X_train, y_train), (X_test, y_test) = data.load_mnist(tmp_path)
    assert X_train.shape == (6, 784) and X_test.shape == (3, 784)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_allclose(X_train, written["train"][0].reshape(6, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test, written["t10k"][1])
    (images, _), _ = data.load_mnist(tmp_path, flatten=False, normalize=False)
    np.testing.assert_array_equal(images, written["train"][0])


def test_read_idx_handles_big_endian_ints_and_rejects_bad_files(tmp_path):
    values = np.array([[1, -2], [300000, 4]], dtype=">i4")
    _write_idx(tmp_path / "ints", values, False)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "ints"), values)
    (tmp_path / "junk").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.read_idx(tmp_path / "junk")
    (tmp_path / "short").write_bytes((tmp_path / "ints").read_bytes()[:-3])
    with pytest.raises(ValueError, match="truncated"):
        data.read_idx(tmp_path / "short")
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        data.load_mnist(tmp_path)


def test_accuracy_from_labels_scores_and_one_hot():
    y = np.array([0, 2, 1, 1])
    assert metrics.accuracy([0, 2, 0, 1], y) == 0.75
    scores = np.array([[3.0, 1, 0], [0, 1, 5], [0, 2, 1], [9, 0, 0]])
    assert metrics.accuracy(scores, y) == 0.75
    assert metrics.accuracy(Tensor(scores), np.eye(3)[y]) == 0.75
    assert metrics.accuracy([[Value(v) for v in row] for row in scores], y) == 0.75
    assert metrics.accuracy(np.array([[0.9], [0.2]]), np.array([[1], [1]]), threshold=0.5) == 0.5
    assert metrics.accuracy([Value(0.3), Value(-2.0)], [1, 1], threshold=0.0) == 0.5
    assert metrics.accuracy([0.3, -2.0], [-1, -1], threshold=0.0) == 0.5
    with pytest.raises(ValueError, match="threshold"):
        metrics.accuracy([0.3, 0.9], [0, 1])
