"""Tensor's Python protocols: elementwise comparisons and one-element conversions.

Mixed into ``Tensor``. Comparisons are elementwise, as in PyTorch and NumPy, and give
bool Tensors without a graph (a mask for ``where``, ``sum`` or indexing); a Tensor
still hashes by identity, so it can be a dict key or a set member. ``bool``,
``float``, ``int`` and ``item`` need one element, ``format`` with a spec a 0-d tensor.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np

from .graph import Node


def _comparand(self: Any, other: Any) -> Any:
    """``other``'s data for a comparison, or NotImplemented (then ``==`` is identity)."""
    if isinstance(other, Node):
        return other.data if type(other) is type(self) else NotImplemented
    if isinstance(other, (numbers.Real, np.ndarray, np.generic, list, tuple)):
        return other
    return NotImplemented


def _compare(symbol: str, function: Any) -> Any:
    def compare(self: Any, other: Any) -> Any:
        data = _comparand(self, other)
        if data is NotImplemented:
            return NotImplemented
        try:
            result = function(self.data, data)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{symbol}: cannot compare a tensor of shape {self.shape} with "
                             f"{type(other).__name__} of shape {np.shape(data)} "
                             f"({error})") from None
        return type(self)._constant(np.asarray(result))
    compare.__name__ = function.__name__
    compare.__doc__ = f"Elementwise ``self {symbol} other``: a bool Tensor without a graph."
    return compare


def _logical(a: Any, b: Any, function: Any, symbol: str) -> Any:
    """``a & b``, ``a | b`` of bool tensors (masks): no gradient."""
    b_data = b.data if isinstance(b, Node) else np.asarray(b)
    if a.dtype != bool or b_data.dtype != bool:
        raise TypeError(f"{symbol}: defined for bool tensors (masks) only, got {a.dtype} "
                        f"and {b_data.dtype}")
    try:
        return type(a)._constant(function(a.data, b_data))
    except ValueError:
        raise ValueError(f"{symbol}: shapes {a.shape} and {b_data.shape} cannot be "
                         "broadcast together") from None


class TensorProtocols:
    """Comparisons, masks (~ & |), truth value, numbers, formatting, iteration."""

    __slots__ = ()

    __lt__ = _compare("<", np.less)
    __le__ = _compare("<=", np.less_equal)
    __gt__ = _compare(">", np.greater)
    __ge__ = _compare(">=", np.greater_equal)
    __eq__ = _compare("==", np.equal)
    __ne__ = _compare("!=", np.not_equal)
    __hash__ = object.__hash__  # identity, as PyTorch: == is elementwise, not equality

    def __invert__(self) -> Any:
        """``~mask``: logical not of a bool tensor (no gradient)."""
        if self.dtype != bool:
            raise TypeError(f"invert (~): defined for bool tensors only, this one is "
                            f"{self.dtype}")
        return type(self)._constant(~self.data)

    def __and__(self, other: Any) -> Any:
        return _logical(self, other, np.logical_and, "&")

    def __or__(self, other: Any) -> Any:
        return _logical(self, other, np.logical_or, "|")

    __rand__, __ror__ = __and__, __or__

    def _one_element(self, op: str) -> Any:
        if self.data.size != 1:
            raise ValueError(f"{op}: only a one-element tensor converts to a Python "
                             f"number; this one has shape {self.shape}")
        return self.data.item()

    def item(self) -> Any:
        """The one element as a Python number (float, int or bool by dtype)."""
        return self._one_element("item")

    def __bool__(self) -> bool:
        return bool(self._one_element("bool"))

    def __float__(self) -> float:
        return float(self._one_element("float"))

    def __int__(self) -> int:
        value = self._one_element("int")
        try:
            return int(value)
        except (ValueError, OverflowError):
            raise ValueError(f"int: {value} has no integer value") from None

    def __index__(self) -> int:
        """An integer tensor of one element can stand for an int (``range(t)``, list[t])."""
        if self.dtype.kind not in "iu":
            raise TypeError(f"index: only an integer tensor converts to an index, this one "
                            f"is {self.dtype}")
        return int(self._one_element("index"))

    def __format__(self, spec: str) -> str:
        """``f"{loss:.3f}"`` formats a 0-d tensor's number; other shapes take no spec."""
        if self.ndim == 0:
            return format(self.data.item(), spec)
        if spec:
            raise TypeError(f"format: only a 0-d tensor takes a format spec ({spec!r}); "
                            f"this one has shape {self.shape}; format t.item() or t.tolist()")
        return repr(self)

    def tolist(self) -> Any:
        """The data as nested Python lists (a number for a 0-d tensor)."""
        return self.data.tolist()

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Any]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.data)))

    def __contains__(self, value: Any) -> bool:
        data = _comparand(self, value)
        if data is NotImplemented:
            raise TypeError(f"in: cannot look for a {type(value).__name__} in a tensor")
        return bool(np.any(self.data == data))
