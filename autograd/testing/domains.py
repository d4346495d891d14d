"""Where each row of the op-info table (``ops.py``) may be drawn: the margins, and the
``params(*operand_data)`` functions that list an op's parameters at those operands
(an empty list where the op is not differentiable or central differences cannot see
its derivative there)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: How far inside its domain an operand of log, sqrt, 1/x or a base of ** must be.
DOMAIN_MARGIN = 0.1
#: How far from a kink (relu, abs, leaky_relu at 0; ties of max, min and maximum).
KINK_MARGIN = 1e-2
#: The least |x| that values(away_from_zero=True) draws (its margin).
MARGIN_OF_ZERO = 1e-2


def everywhere(*data: Any) -> list[None]:
    return [None]


def defined_where(condition: Callable[..., Any]) -> Callable[..., list[None]]:
    """Parameters for a parameterless op that is defined where ``condition`` holds."""
    return lambda *data: [None] if all_true(condition(*data)) else []


def choices(options: Sequence[Any],
            condition: Callable[..., Any] = lambda *data: True) -> Callable[..., list[Any]]:
    """The ``options`` for which ``condition(*data, option)`` holds everywhere."""
    return lambda *data: [p for p in options if all_true(condition(*data, p))]


def all_true(condition: Any) -> bool:
    return bool(np.all(condition))


def positive(x: Any) -> Any:
    return np.asarray(x) > DOMAIN_MARGIN


def nonzero(x: Any) -> Any:
    return np.abs(x) > DOMAIN_MARGIN


def off_kink(x: Any) -> Any:
    return np.abs(x) > KINK_MARGIN


def broadcastable(*operands: Any) -> bool:
    try:
        np.broadcast_shapes(*map(np.shape, operands))
    except ValueError:
        return False
    return True


def power_domain(x: Any, p: float) -> Any:
    """x ** p: any x for p = 0, 1, 2, ...; x != 0 for negative integers; x > 0 otherwise."""
    if float(p).is_integer():
        return True if p >= 0 else nonzero(x)
    return positive(x)


# --- Tensor-only ops ---------------------------------------------------------------

def reduction_params(x: Any) -> list[tuple[Any, bool]]:
    x = np.asarray(x)
    if x.ndim == 0:
        return []
    return [(axis, keepdims) for axis in (None, *range(x.ndim)) for keepdims in (False, True)]


def unique_extremum(x: np.ndarray, axis: Any, largest: bool) -> bool:
    """The extremum along ``axis`` beats the runner-up by more than KINK_MARGIN."""
    x = np.asarray(x)
    moved = x.reshape(-1) if axis is None else np.moveaxis(x, axis, -1)
    if moved.shape[-1] < 2:
        return True
    ordered = np.sort(moved, axis=-1)
    gap = ordered[..., -1] - ordered[..., -2] if largest else ordered[..., 1] - ordered[..., 0]
    return all_true(gap > KINK_MARGIN)


def extremum_params(largest: bool) -> Callable[[Any], list[tuple[Any, bool]]]:
    return lambda x: [p for p in reduction_params(x) if unique_extremum(x, p[0], largest)]


def axis_params(x: Any) -> list[int]:
    return list(range(-1, np.ndim(x) - 1)) if np.ndim(x) > 0 else []


def matmul_params(a: Any, b: Any) -> list[None]:
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        return []
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])  # the batch axes
    except ValueError:
        return []
    return [None]


def linear_params(x: Any, w: Any, b: Any) -> list[None]:
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    fits = x.ndim >= 1 and w.ndim == 2 and x.shape[-1] == w.shape[1] and b.shape == w.shape[:1]
    return [None] if fits else []


def target_weights_params(x: Any) -> list[tuple[str, np.ndarray, int]]:
    """Unnormalised target weights (some 0, some above 1) along each axis of ``x``."""
    x = np.asarray(x)
    if x.ndim == 0:
        return []
    weights = np.round(np.abs(np.sin(np.arange(x.size) * 1.7)) * 1.5, 1).reshape(x.shape)
    return [("w", weights, axis) for axis in range(-1, x.ndim - 1)]


def class_label_params(x: Any) -> list[tuple[str, np.ndarray, int]]:
    """Class labels along each axis of ``x`` with at least one class: for every other
    entry of that axis's complement, a class in [0, C)."""
    x = np.asarray(x)
    params = []
    for axis in range(-1, x.ndim - 1):
        classes, samples = x.shape[axis], x.shape[:axis % x.ndim] + x.shape[axis % x.ndim + 1:]
        if classes:
            labels = (np.arange(math.prod(samples)) * 7 % classes).reshape(samples)
            params.append(("y", labels, axis))
    return params


def index_params(x: Any) -> list[tuple[str, Any]]:
    x = np.asarray(x)
    if x.ndim == 0:
        return []
    last = x.shape[0] - 1
    return [("[::2]", slice(None, None, 2)), ("[1:]", slice(1, None)),
            (f"[[0, 0, {last}]]", np.array([0, 0, last])), ("[..., -1]", (Ellipsis, -1))]


def joinable(a: Any, b: Any) -> list[int]:
    """Axes along which ``a`` and ``b`` can be concatenated."""
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != b.ndim or a.ndim == 0:
        return []
    return [k for k in range(a.ndim)
            if a.shape[:k] + a.shape[k + 1:] == b.shape[:k] + b.shape[k + 1:]]


def broadcast_params(x: Any) -> list[tuple[int, ...]]:
    return [(2, *np.shape(x))] + ([(*np.shape(x)[:-1], 3)] if np.shape(x)[-1:] == (1,) else [])


def sum_to_params(x: Any) -> list[tuple[int, ...]]:
    shape = np.shape(x)
    return [shape[1:]] + ([(1, *shape[1:])] if len(shape) > 1 else []) if shape else []


def spread_params(x: Any, least_var: float) -> list[tuple[Any, bool]]:
    """Reductions over at least two entries whose variance (correction 1) exceeds
    ``least_var``: var needs two entries; std is not differentiable at variance 0."""
    x = np.asarray(x)
    ok = []
    for axis, keepdims in reduction_params(x):
        count = x.size if axis is None else x.shape[axis]
        if count >= 2 and all_true(np.var(x, axis=axis, ddof=1) > least_var):
            ok.append((axis, keepdims))
    return ok


def window_params(x: Any) -> list[int]:
    """Kernel sizes with which 1-d windows fit x as (N, C, L): its last side at least 2."""
    return [2] if np.ndim(x) == 3 and np.shape(x)[-1] >= 2 else []


def pad_params(x: Any) -> list[tuple[tuple[int, int], ...]]:
    return [((1, 0),), ((0, 2),)] if np.ndim(x) >= 1 else []
