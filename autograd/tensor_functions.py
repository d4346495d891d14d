"""Functions of several tensors: concatenate, stack, where, maximum, minimum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .arguments import either, is_int
from .ops import elementwise as ew
from .ops import shape as ops
from .tensor import Tensor, as_tensor


def concatenate(tensors: Sequence[Any], axis: Any = None, *, dim: Any = None) -> Tensor:
    """Join tensors along an existing axis (default 0); each input gets back its own slice
    of the gradient."""
    parts = _as_tensors(tensors, "concatenate")
    if any(t.ndim == 0 for t in parts):
        raise ValueError("concatenate: 0-d tensors cannot be joined; stack them instead")
    axis = _axis(either("concatenate", "axis", axis, "dim", dim), parts[0].ndim, "concatenate")
    try:
        ends = tuple(int(e) for e in np.cumsum([t.shape[axis] for t in parts])[:-1])
        return Tensor._apply(ops.CONCATENATE, parts, axis, ends)
    except (ValueError, IndexError):
        raise ValueError(f"concatenate: shapes {[t.shape for t in parts]} cannot be joined "
                         f"along axis {axis}") from None


def stack(tensors: Sequence[Any], axis: Any = None, *, dim: Any = None) -> Tensor:
    """Join same-shaped tensors along a new axis (default 0); each input gets back its
    own slice."""
    parts = _as_tensors(tensors, "stack")
    axis = _axis(either("stack", "axis", axis, "dim", dim), parts[0].ndim + 1, "stack")
    if len({t.shape for t in parts}) != 1:
        raise ValueError(f"stack: all tensors need the same shape, got "
                         f"{[t.shape for t in parts]}")
    return Tensor._apply(ops.STACK, parts, axis)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Pick from ``a`` where ``condition`` holds, else from ``b``; the gradient follows
    the pick."""
    cond = condition.data if isinstance(condition, Tensor) else condition
    if isinstance(cond, (bool, np.bool_)) or (isinstance(cond, (np.ndarray, list, tuple))
                                              and np.asarray(cond).dtype == bool):
        cond = np.asarray(cond)
    else:
        raise TypeError(f"where: condition must be a bool Tensor or array, got "
                        f"{type(condition).__name__}"
                        + (f" of dtype {np.asarray(cond).dtype}" if hasattr(cond, "dtype")
                           else ""))
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    a, b = as_tensor(a, "where", like), as_tensor(b, "where", like)
    try:
        return Tensor._apply(ops.WHERE, (a, b), cond)
    except ValueError:
        raise ValueError(f"where: shapes {cond.shape}, {a.shape} and {b.shape} cannot be "
                         "broadcast together") from None


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of ``a`` and ``b``; a tie splits the gradient, nan propagates."""
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    return as_tensor(a, "maximum", like)._binary(ew.MAXIMUM, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise smaller of ``a`` and ``b``; a tie splits the gradient, nan propagates
    (as ``torch.minimum``)."""
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    return as_tensor(a, "minimum", like)._binary(ew.MINIMUM, b)


def _axis(axis: Any, ndim: int, op: str) -> int:
    axis = 0 if axis is None else axis
    if not is_int(axis):
        raise TypeError(f"{op}: axis must be an int, got {type(axis).__name__} {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for {ndim} dimension(s)")
    return int(axis) % ndim


def _as_tensors(tensors: Sequence[Any], op: str) -> tuple[Tensor, ...]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence) or not tensors:
        raise TypeError(f"{op}: expected a non-empty list of tensors, got "
                        f"{type(tensors).__name__}")
    return tuple(as_tensor(t, op) for t in tensors)
