"""Data helpers: one-hot labels, train/test splits, scaling and MNIST; mini-batches
(``TensorDataset``, ``DataLoader``, ``batches``) live in ``dataloader.py``.

Everything takes and returns NumPy arrays (Tensors are read through ``np.asarray``);
``rng`` is an ``np.random.Generator`` or an int seed (the default generator, see
``nn.manual_seed``, when None).
"""

from __future__ import annotations

import gzip
import math
import os
from typing import Any

import numpy as np

from .dataloader import Batches, DataLoader, TensorDataset, as_generator, batches

__all__ = ["Batches", "DataLoader", "TensorDataset", "batches", "load_mnist", "minmax_scale",
           "one_hot", "read_idx", "standardize", "train_test_split"]


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.data if hasattr(x, "data") and not isinstance(x, np.ndarray) else x)


def one_hot(labels: Any, num_classes: int | None = None) -> np.ndarray:
    """Rows of zeros with a 1 at each label: shape labels.shape + (num_classes,), float64.

    ``num_classes`` defaults to max(labels) + 1.
    """
    labels = _array(labels)
    if labels.dtype.kind == "f" and np.all(np.mod(labels, 1) == 0):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise ValueError(f"one_hot: labels must be integers, got dtype {labels.dtype}")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be a non-negative integer, got "
                         f"{num_classes!r}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes}), found "
                         f"{labels.min()}..{labels.max()}")
    out = np.zeros(labels.shape + (num_classes,))  # O(N C) memory, never C x C
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def train_test_split(X: Any, y: Any, test_size: float | int = 0.2, shuffle: bool = True,
                     rng: np.random.Generator | int | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split rows into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size`` is a fraction in (0, 1) (the test set gets ceil(fraction * n) rows, as
    scikit-learn) or a row count.
    """
    X, y = _array(X), _array(y)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"train_test_split: X has {n} rows but y has {len(y)}")
    if isinstance(test_size, float):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"train_test_split: a fractional test_size must be in (0, 1), "
                             f"got {test_size}")
        n_test = math.ceil(test_size * n)
    else:
        n_test = int(test_size)
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: test_size={test_size} leaves {n_test} of {n} "
                         "rows for testing; both sets must be non-empty")
    generator = as_generator(rng, "train_test_split")
    order = generator.permutation(n) if shuffle else np.arange(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def standardize(X: Any, mean: Any = None, std: Any = None, axis: int = 0,
                return_stats: bool = False) -> Any:
    """(X - mean) / std per feature (column), so each has mean 0 and std 1.

    Pass the training set's ``mean`` and ``std`` to scale a test set the same way;
    ``return_stats=True`` returns ``(X_scaled, mean, std)``. A constant feature is only
    centred (its std is taken as 1).
    """
    X = _array(X).astype(np.float64)
    mean = X.mean(axis=axis, keepdims=True) if mean is None else np.asarray(mean)
    if std is None:
        std = X.std(axis=axis, keepdims=True)
        std = np.where(std == 0, 1.0, std)
    scaled = (X - mean) / std
    return (scaled, mean, std) if return_stats else scaled


def minmax_scale(X: Any, feature_range: tuple[float, float] = (0.0, 1.0),
                 axis: int = 0) -> np.ndarray:
    """Map each feature linearly onto ``feature_range``: lo + (X - min) (hi - lo) / (max - min).

    A constant feature maps to ``lo``.
    """
    lo, hi = feature_range
    if not lo < hi:
        raise ValueError(f"minmax_scale: feature_range must be (low, high) with low < high, "
                         f"got {feature_range}")
    X = _array(X).astype(np.float64)
    low, high = X.min(axis=axis, keepdims=True), X.max(axis=axis, keepdims=True)
    span = np.where(high > low, high - low, 1.0)
    return lo + (X - low) / span * (hi - lo)


# --- MNIST ----------------------------------------------------------------------------

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4",
              0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (gzipped or not): the format of the MNIST files.

    Header: two zero bytes, a type code (0x08 = uint8 ...), the number of dimensions d,
    then d big-endian uint32 sizes; then the data, row-major and big-endian.
    """
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"read_idx: {path!r} is not an IDX file (bad magic number)")
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(n) for n in np.frombuffer(raw[4:header], dtype=">u4"))
    expected = header + math.prod(shape) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"read_idx: {path!r} has {len(raw)} bytes, but its header "
                         f"(shape {shape}) needs {expected}; is it truncated?")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # native byte order, and a writable copy


def _find(directory: str, stem: str) -> str:
    dotted = stem.replace("-idx", ".idx")
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"load_mnist: no {stem}[.gz] in {directory!r}; download the four "
                            "MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                            "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into it")


def load_mnist(directory: str | os.PathLike, flatten: bool = True, normalize: bool = True,
               dtype: Any = np.float32) -> tuple[tuple[np.ndarray, np.ndarray],
                                                 tuple[np.ndarray, np.ndarray]]:
    """Read MNIST from its four IDX files: ``(X_train, y_train), (X_test, y_test)``.

    Images become rows of 784 features (``flatten``) scaled to [0, 1] (``normalize``) in
    ``dtype``; labels are int64. Files may be gzipped and named with "-" or "." before
    "idx".
    """
    directory = os.fspath(directory)
    parts = []
    for prefix in ("train", "t10k"):
        images = read_idx(_find(directory, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(_find(directory, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
        if len(images) != len(labels):
            raise ValueError(f"load_mnist: {prefix} has {len(images)} images but "
                             f"{len(labels)} labels")
        X = images.reshape(len(images), -1) if flatten else images
        X = X.astype(dtype) / 255.0 if normalize else X.astype(dtype)
        parts.append((X.astype(dtype, copy=False), labels))
    return parts[0], parts[1]
