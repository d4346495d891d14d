"""What the losses share: Value-list flattening, reductions and shape errors."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Tensor, Value

_REDUCTIONS = ("mean", "sum", "none")


def _has_value(x: Any) -> bool:
    if isinstance(x, Value):
        return True
    return isinstance(x, (list, tuple)) and any(_has_value(item) for item in x)


def _flatten(x: Any, name: str, what: str) -> tuple[list[Any], tuple[int, ...]]:
    """A nested list of Values/numbers as a flat list and its shape."""
    if isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool):
        return [x], ()
    if isinstance(x, np.ndarray):
        return [float(v) for v in x.reshape(-1)], x.shape
    if isinstance(x, (list, tuple)):
        flat: list[Any] = []
        shapes = set()
        for item in x:
            items, shape = _flatten(item, name, what)
            flat += items
            shapes.add(shape)
        if len(shapes) > 1:
            raise ValueError(f"{name}: {what} is a ragged list (inner shapes {sorted(shapes)})")
        return flat, (len(x),) + (shapes.pop() if shapes else ())
    raise TypeError(f"{name}: {what} must be a Value, a number or a list of them here, "
                    f"got {type(x).__name__}")


def _nest(flat: list[Any], shape: tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _mismatch(name: str, input_shape: tuple, target_shape: tuple) -> ValueError:
    return ValueError(f"{name}: input shape {tuple(input_shape)} and target shape "
                      f"{tuple(target_shape)} differ; reshape one to match the other")


def _reduce_values(terms: list[Value], shape: tuple[int, ...], reduction: str) -> Any:
    if reduction == "none":
        return _nest(terms, shape)
    total = sum(terms[1:], terms[0])
    return total / len(terms) if reduction == "mean" else total


def _reduce_tensor(terms: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return terms
    return terms.mean() if reduction == "mean" else terms.sum()


def _elementwise(name: str, term: Callable[[Any, Any], Any], input: Any, target: Any,
                 reduction: str, check: Callable[[np.ndarray, np.ndarray], None] | None = None
                 ) -> Any:
    """Apply ``term(prediction, target)`` to every element pair and reduce."""
    _check_reduction(name, reduction)
    if _has_value(input):
        preds, shape = _flatten(input, name, "input")
        targets, target_shape = _flatten(target, name, "target")
        if shape != target_shape:
            raise _mismatch(name, shape, target_shape)
        if not preds:
            raise ValueError(f"{name}: input is empty")
        preds = [p if isinstance(p, Value) else Value(p) for p in preds]
        if check is not None:
            check(np.array([p.data for p in preds]), np.array([float(t) for t in targets]))
        return _reduce_values([term(p, t) for p, t in zip(preds, targets)], shape, reduction)
    input = input if isinstance(input, Tensor) else Tensor(input)
    if not isinstance(target, Tensor):
        target = Tensor(np.asarray(target), dtype=input.dtype)
    if input.shape != target.shape:
        raise _mismatch(name, input.shape, target.shape)
    if check is not None:
        check(input.data, target.data)
    return _reduce_tensor(term(input, target), reduction)
