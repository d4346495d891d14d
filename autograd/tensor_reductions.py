"""Tensor reductions and the softmax family, with NumPy's and PyTorch's argument names.

Mixed into ``Tensor``. Every reduction takes ``axis=``/``keepdims=`` or ``dim=``/
``keepdim=`` (one spelling per call); ``axis`` is None (all axes), an int or a tuple of
ints, negative counting from the end; a 0-d tensor accepts axis 0 and -1, as PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .arguments import check_number, either, is_int, keepdims_arg, normalize_axes, one_axis
from .ops import shape as ops


def _axes(op: str, ndim: int, axis: Any, dim: Any) -> tuple[int, ...]:
    if axis is None and dim is None:  # all axes, the common case, without the checks
        return tuple(range(ndim))
    return normalize_axes(either(op, "axis", axis, "dim", dim), ndim, op)


class Reductions:
    """sum, mean, max, min, prod, var, std, norm, logsumexp, argmax/argmin, cumsum,
    softmax and log_softmax for Tensor."""

    __slots__ = ()

    def sum(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Sum over ``axis``; every summed element receives the output's gradient.

        A bool or integer tensor sums to an int64 tensor, as PyTorch.
        """
        data = self.data
        if axis is None and dim is None and keepdims is None and keepdim is None:
            axes, keep = tuple(range(data.ndim)), False  # x.sum(): no argument to check
        else:
            axes = _axes("sum", data.ndim, axis, dim)
            keep = keepdims_arg("sum", keepdims, keepdim)
        if data.dtype.kind in "biu":
            return type(self)._constant(np.asarray(data.sum(axis=axes, keepdims=keep,
                                                            dtype=np.int64)))
        return self._apply(ops.SUM, (self,), axes, keep)

    def mean(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
             keepdim: Any = None) -> Any:
        """Mean over ``axis``: d mean / d x_i = 1 / n (nan over an empty axis, as PyTorch)."""
        axes = _axes("mean", self.ndim, axis, dim)
        keep = keepdims_arg("mean", keepdims, keepdim)
        count = math.prod(self.shape[a] for a in axes)
        return self._apply(ops.MEAN, (self,), axes, keep, count)

    def max(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Largest entry over ``axis``; the gradient goes to the maximum (split among ties)."""
        return self._extremum(ops.AMAX, axis, keepdims, dim, keepdim)

    def min(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Smallest entry over ``axis``; the gradient goes to the minimum (split among ties)."""
        return self._extremum(ops.AMIN, axis, keepdims, dim, keepdim)

    def _extremum(self, op: Any, axis: Any, keepdims: Any, dim: Any, keepdim: Any) -> Any:
        axes = self._nonempty_axes(op.name, axis, dim)
        return self._apply(op, (self,), axes, keepdims_arg(op.name, keepdims, keepdim))

    def _nonempty_axes(self, name: str, axis: Any, dim: Any) -> tuple[int, ...]:
        """The axes of a reduction without identity (max, argmax): reducing an empty
        axis is an error, as PyTorch."""
        axes = _axes(name, self.ndim, axis, dim)
        empty = [a for a in axes if self.shape[a] == 0]
        if empty:
            raise ValueError(f"{name}: cannot reduce over axis {empty[0]} of size 0 (shape "
                             f"{self.shape}): the operation has no identity")
        return axes

    def prod(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
             keepdim: Any = None) -> Any:
        """Product over ``axis``; d/dx_i = the product of the other entries (exact at 0)."""
        axes = _axes("prod", self.ndim, axis, dim)
        return self._apply(ops.PROD, (self,), axes, keepdims_arg("prod", keepdims, keepdim))

    def var(self, axis: Any = None, keepdims: Any = None, *, correction: Any = 1,
            dim: Any = None, keepdim: Any = None) -> Any:
        """sum((x - mean)^2) / (n - correction); ``correction=1`` (Bessel) as PyTorch."""
        return self._spread(ops.VAR, axis, keepdims, correction, dim, keepdim)

    def std(self, axis: Any = None, keepdims: Any = None, *, correction: Any = 1,
            dim: Any = None, keepdim: Any = None) -> Any:
        """sqrt(var); its gradient is 0 where all entries are equal, as PyTorch."""
        return self._spread(ops.STD, axis, keepdims, correction, dim, keepdim)

    def _spread(self, op: Any, axis: Any, keepdims: Any, correction: Any, dim: Any,
                keepdim: Any) -> Any:
        axes = _axes(op.name, self.ndim, axis, dim)
        keep = keepdims_arg(op.name, keepdims, keepdim)
        correction = check_number(correction, op.name, "correction")
        count = math.prod(self.shape[a] for a in axes)
        return self._apply(op, (self,), axes, keep, max(count - correction, 0.0))

    def norm(self, p: Any = 2, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
             keepdim: Any = None) -> Any:
        """The p-norm (sum |x|^p)^(1/p) over ``axis`` (``torch.linalg.vector_norm``);
        p may be inf, -inf or 0. The gradient at a zero norm is 0, as PyTorch."""
        p = check_number(p, "norm", "p")
        if p < 0 and p != -math.inf:
            raise ValueError(f"norm: p must be >= 0, inf or -inf, got {p}")
        axes = _axes("norm", self.ndim, axis, dim)
        if math.isinf(p) and any(self.shape[a] == 0 for a in axes):
            raise ValueError(f"norm: the {p} norm over an empty axis (shape {self.shape}) "
                             "is undefined")
        return self._apply(ops.NORM, (self,), p, axes, keepdims_arg("norm", keepdims, keepdim))

    def logsumexp(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
                  keepdim: Any = None) -> Any:
        """log(sum(e^x)) computed as m + log(sum(e^(x - m))); d/dx = softmax(x)."""
        axes = _axes("logsumexp", self.ndim, axis, dim)
        return self._apply(ops.LOGSUMEXP, (self,), axes,
                           keepdims_arg("logsumexp", keepdims, keepdim))

    def argmax(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
               keepdim: Any = None) -> Any:
        """Index of the largest entry (the first among ties; nan counts as largest),
        an int64 tensor without gradient; over the flattened tensor when axis is None."""
        return self._arg_extremum("argmax", np.argmax, axis, keepdims, dim, keepdim)

    def argmin(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
               keepdim: Any = None) -> Any:
        """Index of the smallest entry (the first among ties), int64, without gradient."""
        return self._arg_extremum("argmin", np.argmin, axis, keepdims, dim, keepdim)

    def _arg_extremum(self, name: str, find: Any, axis: Any, keepdims: Any, dim: Any,
                      keepdim: Any) -> Any:
        axis = either(name, "axis", axis, "dim", dim)
        keep = keepdims_arg(name, keepdims, keepdim)
        if axis is not None and not is_int(axis):
            raise TypeError(f"{name}: axis must be None or an int, got "
                            f"{type(axis).__name__} {axis!r}")
        self._nonempty_axes(name, axis, None)
        if axis is None:
            index = np.asarray(find(self.data))
            index = index.reshape((1,) * self.ndim) if keep else index
        elif self.ndim == 0:
            index = np.asarray(0)
        else:
            index = find(self.data, axis=one_axis(axis, self.ndim, name), keepdims=keep)
        return type(self)._constant(np.asarray(index, dtype=np.int64))

    def cumsum(self, axis: Any = None, *, dim: Any = None) -> Any:
        """Running sum along ``axis``; entry i's gradient sums g over entries >= i."""
        axis = either("cumsum", "axis", axis, "dim", dim)
        if axis is None:
            raise TypeError("cumsum: give the axis (axis= or dim=)")
        axis = one_axis(axis, self.ndim, "cumsum")
        if self.ndim == 0:
            return self._apply(ops.CLONE, (self,))
        return self._apply(ops.CUMSUM, (self,), axis)

    # --- softmax family (stable: shift by the max first) ----------------------------

    def log_softmax(self, axis: Any = None, *, dim: Any = None) -> Any:
        """x - logsumexp(x) along ``axis`` (default -1); d/dx: g - softmax(x) * sum(g)."""
        axis = self._softmax_axis("log_softmax", axis, dim)
        if self.ndim == 0:
            return self._apply(ops.LOG_SOFTMAX, (self.reshape(1),), 0).reshape(())
        return self._apply(ops.LOG_SOFTMAX, (self,), axis)

    def softmax(self, axis: Any = None, *, dim: Any = None) -> Any:
        """e^x / sum(e^x) along ``axis`` (default -1); d/dx: s * (g - sum(g * s))."""
        axis = self._softmax_axis("softmax", axis, dim)
        if self.ndim == 0:
            return self._apply(ops.SOFTMAX, (self.reshape(1),), 0).reshape(())
        return self._apply(ops.SOFTMAX, (self,), axis)

    def _softmax_axis(self, name: str, axis: Any, dim: Any) -> int:
        axis = either(name, "axis", axis, "dim", dim)
        return one_axis(-1 if axis is None else axis, self.ndim, name)
