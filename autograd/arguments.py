"""Argument checks at the public boundary: each error names the operation and the value.

Types are checked, never taken by truthiness: a flag is a bool, an axis an int (not a
bool) or a tuple of ints, a size a non-negative int. PyTorch's spellings ``dim=`` and
``keepdim=`` are accepted beside NumPy's ``axis=`` and ``keepdims=`` (not both).
``float_array`` turns user data into the floating array a Tensor holds.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .graph import Node


def is_int(x: Any) -> bool:
    """An integer that is not a bool (``True`` is no axis and no size)."""
    return isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, (bool, np.bool_))


def check_bool(value: Any, op: str, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be True or False, got {type(value).__name__} "
                        f"{value!r}")
    return bool(value)


def check_number(value: Any, op: str, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{op}: {name} must be a number, got {type(value).__name__} "
                        f"{value!r}")
    return float(value)


def either(op: str, numpy_name: str, numpy_value: Any, torch_name: str,
           torch_value: Any) -> Any:
    """The one of ``axis=``/``dim=`` (or ``keepdims=``/``keepdim=``) that was given."""
    if torch_value is None:
        return numpy_value
    if numpy_value is not None:
        raise TypeError(f"{op}: got both {numpy_name}={numpy_value!r} and "
                        f"{torch_name}={torch_value!r}; pass one")
    return torch_value


def keepdims_arg(op: str, keepdims: Any, keepdim: Any) -> bool:
    """``keepdims``/``keepdim`` resolved and checked (False when neither is given)."""
    if keepdims is None and keepdim is None:
        return False
    value = either(op, "keepdims", keepdims, "keepdim", keepdim)
    return False if value is None else check_bool(value, op, "keepdim")


def normalize_axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints) as a sorted tuple of non-negative axes.

    A 0-d tensor accepts axis 0 and -1, as PyTorch (its one "axis" is the whole tensor).
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if is_int(axis) else tuple(axis) if isinstance(axis, (tuple, list)) else None
    if axes is None:
        raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got "
                        f"{type(axis).__name__} {axis!r}")
    normalized = []
    for a in axes:
        if not is_int(a):
            raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got "
                            f"{axis!r}")
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with "
                             f"{ndim} dimension(s)")
        normalized.append(int(a) % max(ndim, 1))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return () if ndim == 0 else tuple(sorted(normalized))


def one_axis(axis: Any, ndim: int, op: str) -> int:
    """One axis as a non-negative int (0 for a 0-d tensor, which accepts 0 and -1)."""
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, checked quickly
        return axis % ndim
    if not is_int(axis):
        raise TypeError(f"{op}: axis must be an int, got {type(axis).__name__} {axis!r}")
    (axis,) = normalize_axes(axis, ndim, op) or (0,)
    return axis


def sizes_arg(sizes: tuple, op: str) -> tuple:
    """``f(2, 3)`` or ``f((2, 3))``: the sizes as one tuple, each an int."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if not all(is_int(n) for n in sizes):
        raise TypeError(f"{op}: sizes must be ints, got {sizes!r}")
    return tuple(int(n) for n in sizes)


def number_array(x: Any, op: str) -> np.ndarray:
    """A Python number as a 0-d array of its natural dtype (int64 or float64)."""
    try:
        return np.asarray(x)
    except OverflowError:
        raise ValueError(f"{op}: {type(x).__name__} too large for an array") from None


def float_array(data: Any, dtype: Any, op: str, copy: bool = True) -> np.ndarray:
    """A floating array from ``data``: float64 unless ``dtype`` or a float array says otherwise."""
    if isinstance(data, Node):
        data = data.data
    if dtype is not None:
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"{op}: dtype {dtype!r} is not a NumPy dtype") from None
    if dtype is not None and not np.issubdtype(dtype, np.floating):
        raise TypeError(f"{op}: dtype must be a floating type such as np.float32 or "
                        f"np.float64, got {np.dtype(dtype)}")
    try:
        array = np.array(data, copy=copy) if copy else np.asarray(data)
    except (TypeError, ValueError, OverflowError) as error:
        raise TypeError(f"{op}: cannot make an array of {type(data).__name__} "
                        f"({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: data must be numeric, got {type(data).__name__} "
                        f"with dtype {array.dtype}")
    target = np.dtype(dtype) if dtype is not None else (
        array.dtype if array.dtype.kind == "f" else np.dtype(np.float64))
    return array.astype(target, copy=False)
