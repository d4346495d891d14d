"""Tensor ops that change shape: reshaping, PyTorch's shape ops, indexing.

Mixed into ``Tensor``. Each method checks its arguments and applies its record of the
op table (``ops/shape.py``); ``squeeze``, ``unsqueeze``, ``flatten``, ``view`` and
``expand`` are reshapes and broadcasts, so they are differentiable to any order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .arguments import either, is_int, normalize_axes, one_axis, sizes_arg
from .ops import shape as ops


class ShapeOps:
    """Reshaping, transposing, broadcasting and indexing for Tensor."""

    __slots__ = ()

    def reshape(self, *shape: Any) -> Any:
        """The same entries in a new shape (one size may be -1); the gradient is reshaped back."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self._apply(ops.RESHAPE, (self,), resolve_shape(shape, self.shape, "reshape"))

    def view(self, *shape: Any) -> Any:
        """``reshape`` under PyTorch's name (the result never shares memory, see README)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self._apply(ops.RESHAPE, (self,), resolve_shape(shape, self.shape, "view"))

    def flatten(self, start_dim: Any = 0, end_dim: Any = -1) -> Any:
        """Axes ``start_dim`` to ``end_dim`` (inclusive) merged into one; a 0-d tensor
        becomes shape (1,), as PyTorch."""
        first = one_axis(start_dim, self.ndim, "flatten")
        last = one_axis(end_dim, self.ndim, "flatten")
        if first > last:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for shape {self.shape}")
        shape = self.shape
        merged = (math.prod(shape[first:last + 1]),)
        return self._apply(ops.RESHAPE, (self,), shape[:first] + merged + shape[last + 1:])

    def squeeze(self, axis: Any = None, *, dim: Any = None) -> Any:
        """Drop size-1 axes: all of them, or those of ``axis`` that have size 1 (an axis
        of another size is kept, as PyTorch)."""
        axes = normalize_axes(either("squeeze", "axis", axis, "dim", dim), self.ndim, "squeeze")
        shape = tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        return self._apply(ops.RESHAPE, (self,), shape)

    def unsqueeze(self, axis: Any = None, *, dim: Any = None) -> Any:
        """A new axis of size 1 at ``axis`` (-1 appends it, as PyTorch)."""
        axis = either("unsqueeze", "axis", axis, "dim", dim)
        if axis is None:
            raise TypeError("unsqueeze: give the position of the new axis (dim=)")
        position = one_axis(axis, self.ndim + 1, "unsqueeze")
        shape = self.shape
        return self._apply(ops.RESHAPE, (self,), shape[:position] + (1,) + shape[position:])

    def expand(self, *sizes: Any) -> Any:
        """Broadcast to ``sizes`` (-1 keeps an axis, new axes go in front); the gradient
        sums over the copies."""
        sizes = sizes_arg(sizes, "expand")
        extra = len(sizes) - self.ndim
        if extra < 0:
            raise ValueError(f"expand: {sizes} has fewer sizes than the tensor's shape "
                             f"{self.shape}")
        if any(n == -1 for n in sizes[:extra]):
            raise ValueError(f"expand: -1 is not allowed for the new leading axes in {sizes}")
        target = sizes[:extra] + tuple(old if n == -1 else n
                                       for n, old in zip(sizes[extra:], self.shape))
        return self.broadcast_to(target, "expand")

    def permute(self, *axes: Any) -> Any:
        """The axes in the order ``axes``; the gradient is permuted back."""
        axes = sizes_arg(axes, "permute")
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
        first, second = (one_axis(d, self.ndim, "transpose") for d in dims)
        order = list(range(self.ndim))
        if self.ndim:
            order[first], order[second] = order[second], order[first]
        return self.permute(*order)

    @property
    def T(self) -> Any:  # noqa: N802 - PyTorch's and NumPy's name
        """The axes reversed (``x @ W.T`` in every Linear layer, so kept to one call)."""
        return self._apply(ops.TRANSPOSE, (self,), tuple(range(self.ndim - 1, -1, -1)))

    def broadcast_to(self, shape: Any, op: str = "broadcast_to") -> Any:
        """Copies of the entries along new or size-1 axes; the gradient sums them back."""
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        if not all(is_int(n) and n >= 0 for n in shape):
            raise TypeError(f"{op}: sizes must be non-negative ints, got {shape!r}")
        try:
            np.broadcast_to(np.empty(self.shape, dtype=bool), shape)
        except ValueError:
            raise ValueError(f"{op}: cannot broadcast shape {self.shape} to {shape}") from None
        return self._apply(ops.BROADCAST_TO, (self,), tuple(int(n) for n in shape))

    def sum_to(self, shape: Any) -> Any:
        """Sum over the axes broadcasting to this shape added: ``broadcast_to``'s transpose."""
        shape = sizes_arg((shape,), "sum_to")
        try:
            np.broadcast_to(np.empty(shape, dtype=bool), self.shape)
        except ValueError:
            raise ValueError(f"sum_to: shape {shape} does not broadcast to the tensor's "
                             f"shape {self.shape}") from None
        return self._apply(ops.SUM_TO, (self,), shape)

    def flip(self, axis: Any = None, *, dims: Any = None) -> Any:
        """The entries along ``axis`` in reverse order (copied: the result owns its data)."""
        axis = either("flip", "axis", axis, "dims", dims)
        if axis is None:
            raise TypeError("flip: give the axis to reverse")
        out = self
        for a in normalize_axes(axis, self.ndim, "flip") if self.ndim else ():
            out = out._apply(ops.FLIP, (out,), a)
        return out

    def clone(self) -> Any:
        """A copy with its own data; the gradient passes through unchanged."""
        return self._apply(ops.CLONE, (self,))

    def __getitem__(self, index: Any) -> Any:
        """Slicing, integer and bool indexing with PyTorch's axis order; the gradient is
        scattered back (summed where an index repeats)."""
        out = self
        try:
            for step in index_steps(plain_index(index), self.ndim):
                out = out._apply(ops.GETITEM, (out,), step)
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None
        return out

    def scatter_add(self, index: Any, shape: Any) -> Any:
        """Zeros of ``shape`` with this tensor added at ``index``: ``getitem``'s transpose."""
        shape = sizes_arg((shape,), "scatter_add")
        return self._apply(ops.SCATTER_ADD, (self,), plain_index(index), shape)


def resolve_shape(shape: tuple, old: tuple[int, ...], op: str) -> tuple[int, ...]:
    """``shape`` with its one allowed -1 filled in, checked to hold as many entries as ``old``."""
    if not all(is_int(n) for n in shape):
        raise TypeError(f"{op}: sizes must be ints, got {shape!r}")
    if not all(n >= -1 for n in shape) or list(shape).count(-1) > 1:
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
            try:
                array = np.asarray(part)
            except ValueError as error:
                raise IndexError(f"getitem: cannot make an index array of {part!r} "
                                 f"({error})") from None
            if array.dtype == bool:
                return array
            if array.size and array.dtype.kind not in "iu":
                raise IndexError(f"getitem: index arrays must hold integers or bools, got "
                                 f"dtype {array.dtype}")
            return int(array) if array.ndim == 0 else array.astype(np.intp)
        if isinstance(part, (bool, np.bool_)):
            return np.asarray(part)
        if is_int(part) or part is None or part is Ellipsis or isinstance(part, slice):
            return part
        raise IndexError(f"getitem: an index must be an int, slice, None, ..., or an "
                         f"integer or bool array/Tensor, got {type(part).__name__} {part!r}")
    return tuple(plain(p) for p in index) if isinstance(index, tuple) else plain(index)


def index_steps(index: Any, ndim: int) -> list[Any]:
    """The index as one or two NumPy indices that give PyTorch's axis order.

    NumPy and PyTorch agree except when integers and index arrays are mixed: NumPy
    counts an integer as an index array (``x[0, :, [0, 1]]`` puts the array's axis
    first), PyTorch applies integers first, as plain selections (the array's axis stays
    in place). Here the integers are applied first, then the arrays, as PyTorch.
    """
    parts = index if isinstance(index, tuple) else (index,)
    has_array = any(isinstance(p, np.ndarray) and p.ndim > 0 for p in parts)
    if not has_array or not any(is_int(p) for p in parts):
        return [index]
    consumed = sum(_axes_consumed(p) for p in parts if p is not Ellipsis)
    expanded: list[Any] = []
    for p in parts:
        if p is Ellipsis:
            expanded.extend([slice(None)] * (ndim - consumed))
        else:
            expanded.append(p)
    first, second = [], []
    for p in expanded:
        if is_int(p):
            first.append(p)
        elif isinstance(p, np.ndarray) and p.ndim:
            first.extend([slice(None)] * _axes_consumed(p))
            second.append(p)
        else:
            first.append(p)
            second.append(slice(None))
    return [tuple(first), tuple(second)]


def _axes_consumed(part: Any) -> int:
    """How many axes an index part uses up: a bool mask its ndim, None none, else one."""
    if isinstance(part, np.ndarray):
        return part.ndim if part.dtype == bool else 1
    return 0 if part is None else 1
