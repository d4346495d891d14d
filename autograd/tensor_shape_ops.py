"""Tensor ops that change shape: reductions, reshaping, indexing and (log-)softmax.

Mixed into ``Tensor``. Each method checks its arguments and applies its record of the
op table (``ops/shape.py``), where the forward rule stands beside its VJP.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .ops import shape as ops


def _is_int(x: Any) -> bool:
    return isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, (bool, np.bool_))


def normalize_axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints) as a sorted tuple of non-negative axes.

    A 0-d tensor accepts axis 0 and -1, as PyTorch (its one "axis" is the whole tensor).
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if _is_int(axis) else tuple(axis) if isinstance(axis, (tuple, list)) else None
    if axes is None:
        raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got "
                        f"{type(axis).__name__} {axis!r}")
    normalized = []
    for a in axes:
        if not _is_int(a):
            raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got "
                            f"{axis!r}")
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with "
                             f"{ndim} dimension(s)")
        normalized.append(int(a) % max(ndim, 1))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return () if ndim == 0 else tuple(sorted(normalized))


def _one_axis(axis: Any, ndim: int, op: str) -> int:
    if not _is_int(axis):
        raise TypeError(f"{op}: axis must be an int, got {type(axis).__name__} {axis!r}")
    (axis,) = normalize_axes(axis, ndim, op) or (0,)
    return axis


def _check_keepdims(keepdims: Any, op: str) -> bool:
    if not isinstance(keepdims, (bool, np.bool_)):
        raise TypeError(f"{op}: keepdims must be True or False, got {keepdims!r}")
    return bool(keepdims)


class ShapeOps:
    """Reductions, reshaping, indexing and softmax for Tensor."""

    __slots__ = ()

    # --- reductions -----------------------------------------------------------------

    def sum(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Sum over ``axis``; every summed element receives the output's gradient."""
        axes = normalize_axes(axis, self.ndim, "sum")
        return self._apply(ops.SUM, (self,), axes, _check_keepdims(keepdims, "sum"))

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Mean over ``axis``: d mean / d x_i = 1 / n (nan over an empty axis, as PyTorch)."""
        axes = normalize_axes(axis, self.ndim, "mean")
        count = int(np.prod([self.shape[a] for a in axes]))
        return self._apply(ops.MEAN, (self,), axes, _check_keepdims(keepdims, "mean"), count)

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Largest entry over ``axis``; the gradient goes to the maximum (split among ties)."""
        return self._extremum(ops.AMAX, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Smallest entry over ``axis``; the gradient goes to the minimum (split among ties)."""
        return self._extremum(ops.AMIN, axis, keepdims)

    def _extremum(self, op: Any, axis: Any, keepdims: bool) -> Any:
        axes = normalize_axes(axis, self.ndim, op.name)
        if any(self.shape[a] == 0 for a in axes) or (self.size == 0 and not axes):
            raise ValueError(f"{op.name}: cannot reduce over an empty axis of a tensor of "
                             f"shape {self.shape}")
        return self._apply(op, (self,), axes, _check_keepdims(keepdims, op.name))

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Any:
        """log(sum(e^x)) computed as m + log(sum(e^(x - m))); d/dx = softmax(x)."""
        axes = normalize_axes(axis, self.ndim, "logsumexp")
        return self._apply(ops.LOGSUMEXP, (self,), axes,
                           _check_keepdims(keepdims, "logsumexp"))

    def cumsum(self, axis: int) -> Any:
        """Running sum along ``axis``; entry i's gradient sums g over entries >= i."""
        if self.ndim == 0:
            return self._apply(ops.RESHAPE, (self,), ())
        return self._apply(ops.CUMSUM, (self,), _one_axis(axis, self.ndim, "cumsum"))

    def flip(self, axis: int) -> Any:
        """The entries along ``axis`` in reverse order."""
        return self._apply(ops.FLIP, (self,), _one_axis(axis, self.ndim, "flip"))

    # --- softmax family (stable: shift by the max first) ----------------------------

    def log_softmax(self, axis: int = -1) -> Any:
        """x - logsumexp(x); d/dx: g - softmax(x) * sum(g)."""
        if self.ndim == 0:
            return self - self.detach()  # log(1) = 0, with the gradient of a 1-entry axis
        return self._apply(ops.LOG_SOFTMAX, (self,), _one_axis(axis, self.ndim, "log_softmax"))

    def softmax(self, axis: int = -1) -> Any:
        """e^x / sum(e^x); d/dx: s * (g - sum(g * s))."""
        if self.ndim == 0:
            return self._apply(ops.SOFTMAX, (self.reshape(1),), 0).reshape(())
        return self._apply(ops.SOFTMAX, (self,), _one_axis(axis, self.ndim, "softmax"))

    # --- reshaping ------------------------------------------------------------------

    def reshape(self, *shape: Any) -> Any:
        """The same entries in a new shape; the gradient is reshaped back."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self._apply(ops.RESHAPE, (self,), resolve_shape(shape, self.shape, "reshape"))

    def permute(self, *axes: Any) -> Any:
        """The axes in the order ``axes``; the gradient is permuted back."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if not all(_is_int(a) for a in axes):
            raise TypeError(f"permute: axes must be ints, got {axes!r}")
        ndim = max(self.ndim, 1)
        normalized = tuple(int(a) % ndim if -ndim <= a < ndim else -99 for a in axes)
        if sorted(normalized) != list(range(self.ndim)):
            raise ValueError(f"permute: {axes} is not a permutation of the {self.ndim} axes "
                             f"of shape {self.shape}")
        return self._apply(ops.TRANSPOSE, (self,), normalized)

    def transpose(self, *dims: Any) -> Any:
        """``transpose(dim0, dim1)`` swaps two axes, as PyTorch; no arguments reverses them."""
        if not dims:
            return self.permute(*reversed(range(self.ndim)))
        if len(dims) != 2:
            raise TypeError(f"transpose: expected two axes to swap (or none), got {dims!r}; "
                            "use permute() for a full permutation")
        first, second = (_one_axis(d, self.ndim, "transpose") for d in dims)
        order = list(range(self.ndim))
        if self.ndim:
            order[first], order[second] = order[second], order[first]
        return self.permute(*order)

    @property
    def T(self) -> Any:  # noqa: N802 - PyTorch's and NumPy's name
        """The axes reversed (``x @ W.T`` in every Linear layer, so kept to one call)."""
        return self._apply(ops.TRANSPOSE, (self,), tuple(range(self.ndim - 1, -1, -1)))

    def broadcast_to(self, shape: Any) -> Any:
        """Copies of the entries along new or size-1 axes; the gradient sums them back."""
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        try:
            np.broadcast_to(np.empty(self.shape, dtype=bool), shape)
        except (ValueError, TypeError):
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.shape} to "
                             f"{shape}") from None
        return self._apply(ops.BROADCAST_TO, (self,), tuple(int(n) for n in shape))

    def sum_to(self, shape: tuple[int, ...]) -> Any:
        """Sum over the axes broadcasting to this shape added: ``broadcast_to``'s transpose."""
        return self._apply(ops.SUM_TO, (self,), tuple(shape))

    def __getitem__(self, index: Any) -> Any:
        """Basic slicing and integer-array indexing; the gradient is scattered back
        (summed where an index repeats)."""
        try:
            return self._apply(ops.GETITEM, (self,), plain_index(index))
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None

    def scatter_add(self, index: Any, shape: tuple[int, ...]) -> Any:
        """Zeros of ``shape`` with this tensor added at ``index``: ``getitem``'s transpose."""
        return self._apply(ops.SCATTER_ADD, (self,), plain_index(index), tuple(shape))


def resolve_shape(shape: tuple, old: tuple[int, ...], op: str) -> tuple[int, ...]:
    """``shape`` with its one allowed -1 filled in, checked to hold as many entries as ``old``."""
    if not all(_is_int(n) and n >= -1 for n in shape) or list(shape).count(-1) > 1:
        raise ValueError(f"{op}: invalid shape {shape} (sizes are non-negative ints and at "
                         "most one -1)")
    size, known = math.prod(old), math.prod(n for n in shape if n != -1)
    target = tuple(int(n) for n in shape)
    if -1 in shape and known and size % known == 0:
        target = tuple(size // known if n == -1 else n for n in target)
    if -1 in target or math.prod(target) != size:
        raise ValueError(f"{op}: cannot reshape a tensor of shape {old} into {shape}")
    return target


def plain_index(index: Any) -> Any:
    """Replace Tensors and lists inside an index by integer or bool arrays.

    A float index is an IndexError, as in NumPy and PyTorch (``t[[1.7]]`` never picks
    entry 1).
    """
    def plain(part: Any) -> Any:
        if hasattr(part, "data") and isinstance(part.data, np.ndarray):
            part = part.data
        if isinstance(part, (list, np.ndarray)):
            array = np.asarray(part)
            if array.dtype == bool:
                return array
            if array.size and array.dtype.kind not in "iu":
                raise IndexError(f"getitem: index arrays must hold integers or bools, got "
                                 f"dtype {array.dtype}")
            return array.astype(np.intp)
        if isinstance(part, (float, np.floating)):
            raise IndexError(f"getitem: a float index ({part!r}) is not allowed; use an int")
        return part
    return tuple(plain(p) for p in index) if isinstance(index, tuple) else plain(index)
