"""Functions of several tensors: concatenate, stack, where, maximum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import elementwise as ew
from .tensor import Tensor, as_tensor


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; each input gets back its own slice of the gradient."""
    parts = _as_tensors(tensors, "concatenate")
    try:
        data = np.concatenate([t.data for t in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as error:
        raise ValueError(f"concatenate: shapes {[t.shape for t in parts]} along axis "
                         f"{axis}: {error}") from None
    axis = axis % data.ndim
    ends = np.cumsum([t.shape[axis] for t in parts])[:-1]
    return Tensor._from_op(data, parts, "concatenate", _concatenate_backward, (axis, ends))


def _concatenate_backward(out: Tensor, grad: np.ndarray) -> tuple:
    axis, ends = out._ctx
    return tuple(np.split(grad, ends, axis=axis))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis; each input gets back its own slice."""
    parts = _as_tensors(tensors, "stack")
    try:
        data = np.stack([t.data for t in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as error:
        raise ValueError(f"stack: shapes {[t.shape for t in parts]} along axis "
                         f"{axis}: {error}") from None
    axis = axis % data.ndim
    return Tensor._from_op(data, parts, "stack", _stack_backward, axis)


def _stack_backward(out: Tensor, grad: np.ndarray) -> tuple:
    return tuple(np.moveaxis(grad, out._ctx, 0))


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Pick from ``a`` where ``condition`` holds, else from ``b``; the gradient follows
    the pick."""
    cond = np.asarray(condition.data if isinstance(condition, Tensor) else condition,
                      dtype=bool)
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    a, b = as_tensor(a, "where", like), as_tensor(b, "where", like)
    try:
        data = np.where(cond, a.data, b.data)
    except ValueError:
        raise ValueError(f"where: shapes {cond.shape}, {a.shape} and {b.shape} cannot be "
                         "broadcast together") from None
    return Tensor._from_op(data, (a, b), "where", _where_backward, cond)


def _where_backward(out: Tensor, grad: np.ndarray) -> tuple:
    cond = out._ctx
    return np.where(cond, grad, 0), np.where(cond, 0, grad)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of ``a`` and ``b``; a tie splits the gradient, as in PyTorch."""
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    return as_tensor(a, "maximum", like)._binary(ew.MAXIMUM, b)


def _as_tensors(tensors: Sequence[Any], op: str) -> tuple[Tensor, ...]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence) or not tensors:
        raise TypeError(f"{op}: expected a non-empty list of tensors, got "
                        f"{type(tensors).__name__}")
    parts = tuple(as_tensor(t, op) for t in tensors)
    return parts
