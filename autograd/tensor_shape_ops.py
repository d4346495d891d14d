"""Tensor ops that change shape: reductions, reshaping, indexing and (log-)softmax.

Mixed into ``Tensor``; each forward rule stands beside its backward rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a!r} is out of range for a tensor with "
                             f"{ndim} dimension(s)")
        normalized.append(int(a) % max(ndim, 1))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(normalized)


def _expand_reduced(grad: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """Give a reduced gradient back the reduced axes (size 1), so it broadcasts."""
    return grad if keepdims else np.expand_dims(grad, axes)


class ShapeOps:
    """Reductions, reshaping, indexing and softmax for Tensor."""

    __slots__ = ()

    # --- reductions -----------------------------------------------------------------

    def sum(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Sum over ``axis``; every summed element receives the output's gradient."""
        axes = _axes(axis, self.ndim, "sum")
        data = self.data.sum(axis=axes, keepdims=keepdims)
        return type(self)._from_op(data, (self,), "sum", _sum_backward, (axes, keepdims, 1))

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Mean over ``axis``: d mean / d x_i = 1 / n."""
        axes = _axes(axis, self.ndim, "mean")
        count = int(np.prod([self.shape[a] for a in axes]))
        if count == 0:
            raise ValueError(f"mean: cannot average over an empty axis of shape {self.shape}")
        data = self.data.mean(axis=axes, keepdims=keepdims)
        return type(self)._from_op(data, (self,), "mean", _sum_backward,
                                   (axes, keepdims, count))

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Largest entry over ``axis``; the gradient goes to the maximum (split among ties)."""
        return self._extremum(np.max, "max", axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Smallest entry over ``axis``; the gradient goes to the minimum (split among ties)."""
        return self._extremum(np.min, "min", axis, keepdims)

    def _extremum(self, reduce: Any, op: str, axis: Any, keepdims: bool) -> Any:
        axes = _axes(axis, self.ndim, op)
        if self.size == 0:
            raise ValueError(f"{op}: cannot reduce an empty tensor of shape {self.shape}")
        data = reduce(self.data, axis=axes, keepdims=keepdims)
        return type(self)._from_op(data, (self,), op, _extremum_backward, (axes, keepdims))

    # --- reshaping ------------------------------------------------------------------

    def reshape(self, *shape: Any) -> Any:
        """The same entries in a new shape; the gradient is reshaped back."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            data = self.data.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(f"reshape: cannot reshape a tensor of shape {self.shape} "
                             f"into {shape}") from None
        return type(self)._from_op(data, (self,), "reshape", _reshape_backward)

    def transpose(self, *axes: Any) -> Any:
        """Permute the axes (reverse them when none are given); the gradient is permuted back."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        axes = axes or tuple(reversed(range(self.ndim)))
        # Non-negative axes: the backward rule inverts the permutation with argsort.
        axes = tuple(int(a) + self.ndim if int(a) < 0 else int(a) for a in axes)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the "
                             f"{self.ndim} axes of shape {self.shape}")
        data = self.data.transpose(axes)
        return type(self)._from_op(data, (self,), "transpose", _transpose_backward, axes)

    @property
    def T(self) -> Any:  # noqa: N802 - PyTorch's and NumPy's name
        return self.transpose()

    def __getitem__(self, index: Any) -> Any:
        """Basic slicing and integer-array indexing; the gradient is scattered back
        (summed where an index repeats)."""
        index = _plain_index(index)
        try:
            data = self.data[index]
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None
        data = np.asarray(data)  # a single element comes back as a NumPy scalar
        return type(self)._from_op(data, (self,), "getitem", _getitem_backward, index)

    # --- softmax family (stable: shift by the max first) ----------------------------

    def log_softmax(self, axis: int = -1) -> Any:
        """x - logsumexp(x); d/dx: g - softmax(x) * sum(g)."""
        (axis,) = _axes(axis, self.ndim, "log_softmax")
        shifted = self.data - self.data.max(axis=axis, keepdims=True)
        data = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        return type(self)._from_op(data, (self,), "log_softmax", _log_softmax_backward, axis)

    def softmax(self, axis: int = -1) -> Any:
        """e^x / sum(e^x); d/dx: s * (g - sum(g * s))."""
        (axis,) = _axes(axis, self.ndim, "softmax")
        exps = np.exp(self.data - self.data.max(axis=axis, keepdims=True))
        data = exps / exps.sum(axis=axis, keepdims=True)
        return type(self)._from_op(data, (self,), "softmax", _softmax_backward, axis)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Any:
        """log(sum(e^x)) computed as m + log(sum(e^(x - m))); d/dx = softmax(x)."""
        axes = _axes(axis, self.ndim, "logsumexp")
        peak = self.data.max(axis=axes, keepdims=True)
        peak = np.where(np.isfinite(peak), peak, 0)
        data = np.log(np.exp(self.data - peak).sum(axis=axes, keepdims=True)) + peak
        data = data if keepdims else np.squeeze(data, axis=axes)
        return type(self)._from_op(data, (self,), "logsumexp", _logsumexp_backward,
                                   (axes, keepdims))


def _sum_backward(out: Any, grad: np.ndarray) -> tuple:
    axes, keepdims, count = out._ctx
    grad = _expand_reduced(grad, axes, keepdims)
    if count != 1:
        grad = grad / count
    return (np.broadcast_to(grad, out.parents[0].shape),)


def _extremum_backward(out: Any, grad: np.ndarray) -> tuple:
    axes, keepdims = out._ctx
    x = out.parents[0].data
    winners = x == _expand_reduced(out.data, axes, keepdims)
    share = winners / winners.sum(axis=axes, keepdims=True)
    return (share * _expand_reduced(grad, axes, keepdims),)


def _reshape_backward(out: Any, grad: np.ndarray) -> tuple:
    return (grad.reshape(out.parents[0].shape),)


def _transpose_backward(out: Any, grad: np.ndarray) -> tuple:
    return (grad.transpose(np.argsort(out._ctx)),)


def _getitem_backward(out: Any, grad: np.ndarray) -> tuple:
    source = out.parents[0]
    full = np.zeros(source.shape, dtype=grad.dtype)
    np.add.at(full, out._ctx, grad)  # add.at sums repeated integer indices
    return (full,)


def _log_softmax_backward(out: Any, grad: np.ndarray) -> tuple:
    softmax = np.exp(out.data)
    return (grad - softmax * grad.sum(axis=out._ctx, keepdims=True),)


def _softmax_backward(out: Any, grad: np.ndarray) -> tuple:
    s = out.data
    return (s * (grad - (grad * s).sum(axis=out._ctx, keepdims=True)),)


def _logsumexp_backward(out: Any, grad: np.ndarray) -> tuple:
    axes, keepdims = out._ctx
    x = out.parents[0].data
    softmax = np.exp(x - _expand_reduced(out.data, axes, keepdims))
    return (softmax * _expand_reduced(grad, axes, keepdims),)


def _plain_index(index: Any) -> Any:
    """Replace Tensors and lists inside an index by integer arrays."""
    def plain(part: Any) -> Any:
        if hasattr(part, "data") and isinstance(part.data, np.ndarray):
            part = part.data
        if isinstance(part, (list, np.ndarray)):
            array = np.asarray(part)
            return array if array.dtype == bool else array.astype(np.intp)
        return part
    return tuple(plain(p) for p in index) if isinstance(index, tuple) else plain(index)
