"""Embedding: a lookup table of learned vectors, one row per index, as PyTorch.

``Embedding(num_embeddings, embedding_dim)(index)`` is ``weight[index]``: an index
array of shape S gives vectors of shape (*S, embedding_dim); the gradient adds each
output row back into the row it was read from. ``weight`` starts as N(0, 1) (PyTorch's
default); the ``padding_idx`` row starts at zero and receives no gradient.

The index is an integer array (or list, or int). A Tensor is accepted when its values
are whole numbers, since this library's Tensors always hold floats.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd import Tensor, where

from . import init as nn_init
from .layer_errors import reported_as
from .module import Module


def _index_array(index: Any, num_embeddings: int) -> np.ndarray:
    """``index`` as an integer array, each entry in [0, num_embeddings)."""
    if isinstance(index, Tensor):
        values = index.data
        if not np.all(np.isfinite(values)) or not np.array_equal(values, np.round(values)):
            raise TypeError(f"embedding: the index must hold integers, got a Tensor with "
                            f"non-integer values (shape {index.shape})")
        values = values.astype(np.intp)
    else:
        if isinstance(index, (bool, np.bool_)):
            raise TypeError("embedding: the index must hold integers, got a bool")
        values = np.asarray(index)
        if values.dtype.kind not in "iu":
            raise TypeError(f"embedding: the index must be an integer array, got dtype "
                            f"{values.dtype}")
    if values.size and (values.min() < 0 or values.max() >= num_embeddings):
        bad = values[(values < 0) | (values >= num_embeddings)].flat[0]
        raise IndexError(f"embedding: index {int(bad)} is out of range for "
                         f"{num_embeddings} embeddings (valid: 0 to {num_embeddings - 1})")
    return values.astype(np.intp, copy=False)


def embedding(index: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` (num_embeddings, dim) picked by ``index``: shape (*index, dim).

    Rows picked by ``padding_idx`` get no gradient (as torch.nn.functional.embedding).
    """
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"embedding: weight must be a 2-D Tensor (num_embeddings, dim), "
                         f"got {getattr(weight, 'shape', type(weight).__name__)}")
    values = _index_array(index, weight.shape[0])
    rows = weight[values]
    if padding_idx is not None:
        padding = values == padding_idx % weight.shape[0]
        if padding.any():
            rows = where(padding[..., None], rows.detach(), rows)
    return rows


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, looked up by index."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        for name, n in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
                raise ValueError(f"Embedding: {name} must be a positive int, got {n!r}")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if isinstance(padding_idx, bool) or not isinstance(padding_idx, numbers.Integral):
                raise TypeError(f"Embedding: padding_idx must be an int or None, got "
                                f"{padding_idx!r}")
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(f"Embedding: padding_idx must be within num_embeddings "
                                 f"({self.num_embeddings}), got {padding_idx}")
            padding_idx = int(padding_idx) % self.num_embeddings
        self.padding_idx = padding_idx
        table = nn_init.normal((self.num_embeddings, self.embedding_dim), rng=rng)
        if padding_idx is not None:
            table[padding_idx] = 0.0
        self.weight = Tensor(table, requires_grad=True,
                             dtype=np.float64 if dtype is None else dtype, label="weight")

    def forward(self, index: Any) -> Tensor:
        with reported_as(self):
            return embedding(index, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None
                       else "")
