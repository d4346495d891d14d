"""Datasets and mini-batches, as ``torch.utils.data``: ``TensorDataset``, ``DataLoader``
and the re-iterable ``batches``.

A DataLoader is iterated once per epoch: each ``iter()`` covers the dataset again,
with a new order when ``shuffle`` (drawn from ``rng``: a Generator, an int seed, or the
default generator of ``nn.manual_seed``). ``len()`` is the number of batches.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._checks import boolean, positive_int
from .init import default_rng


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.data if hasattr(x, "data") and not isinstance(x, np.ndarray) else x)


def as_generator(rng: np.random.Generator | int | None, who: str) -> np.random.Generator:
    """A Generator from ``rng``: itself, a new one seeded with an int, or the default."""
    if rng is None:
        return default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"{who}: rng must be an np.random.Generator, an int seed or None, got "
                    f"{type(rng).__name__}")


class TensorDataset:
    """Rows of equally long arrays: ``dataset[i]`` is ``(X[i], y[i], ...)``."""

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        self.arrays = tuple(_array(a) for a in arrays)
        lengths = [len(a) if a.ndim else None for a in self.arrays]
        if None in lengths or len(set(lengths)) != 1:
            shapes = [a.shape for a in self.arrays]
            raise ValueError(f"TensorDataset: every array needs the same number of rows, got "
                             f"shapes {shapes}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Mini-batches of a dataset (anything with ``len`` and ``dataset[i]``; a
    TensorDataset is sliced in one step per batch). Each batch is a tuple of stacked
    arrays, or one array when the dataset yields single items."""

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, rng: np.random.Generator | int | None = None) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: the dataset must have __len__ and __getitem__, got "
                            f"{type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = positive_int("DataLoader", "batch_size", batch_size)
        self.shuffle = boolean("DataLoader", "shuffle", shuffle)
        self.drop_last = boolean("DataLoader", "drop_last", drop_last)
        self.rng = as_generator(rng, "DataLoader") if shuffle else None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        return self.rng.permutation(n) if self.shuffle else np.arange(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._fetch(order[start:start + self.batch_size])

    def _fetch(self, rows: np.ndarray) -> Any:
        if isinstance(self.dataset, TensorDataset):
            return self.dataset[rows]
        items = [self.dataset[int(i)] for i in rows]
        if isinstance(items[0], tuple):
            return tuple(np.stack([np.asarray(item[k]) for item in items])
                         for k in range(len(items[0])))
        return np.stack([np.asarray(item) for item in items])


class Batches:
    """What ``batches(...)`` returns: iterate it once per epoch (a new shuffle each time)."""

    def __init__(self, X: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True,
                 rng: np.random.Generator | int | None = None) -> None:
        arrays = (X,) if y is None else (X, y)
        X = _array(X)
        if y is not None and len(_array(y)) != len(X):
            raise ValueError(f"batches: X has {len(X)} rows but y has {len(_array(y))}")
        self._single = y is None
        self._loader = DataLoader(TensorDataset(*arrays), positive_int(
            "batches", "batch_size", batch_size), shuffle=boolean("batches", "shuffle", shuffle),
            rng=rng)

    def __len__(self) -> int:
        return len(self._loader)

    def __iter__(self) -> Iterator[Any]:
        for batch in self._loader:
            yield batch[0] if self._single else batch


def batches(X: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True,
            rng: np.random.Generator | int | None = None) -> Batches:
    """``(X_batch, y_batch)`` pairs (or ``X_batch`` when y is None) covering every row
    once per iteration; the last batch may be smaller. Re-iterable: each pass draws a
    new order unless ``shuffle=False``. Arguments are checked here, not when iterated."""
    return Batches(X, y, batch_size, shuffle, rng)
