"""Convolution and pooling of Tensors laid out (N, C, *spatial), as ``torch.nn.functional``.

Every function here is made of the ops of ``ops/conv.py`` and ordinary Tensor ops, so
it is differentiable to any order:

    conv:      y[n, o, i] = sum_{c, k} w[o, c, k] * xpad[n, c, i * stride + k * dilation]
               = pad, unfold the windows, one matrix product with the weight (per group);
    max pool:  y[n, c, i] = max_k xpad[n, c, i * stride + k * dilation]  (pad with -inf);
    avg pool:  y[n, c, i] = mean_k xpad[n, c, i * stride + k]             (pad with 0).

Each also takes an unbatched input (C, *spatial), as PyTorch. ``unfold`` and ``fold``
are the windows themselves, laid out (C, *kernel, N, *out) (``windows.py``; unlike
``torch.nn.functional.unfold``, which gives (N, C * prod(kernel), L)), so that a
convolution is one large matrix product per group rather than one per sample.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import windows
from .ops.conv import FOLD, PAD, UNFOLD, WINDOW_MAX
from .tensor import Tensor, as_tensor

Size = int | Sequence[int]


def _is_int(x: Any) -> bool:
    return isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, (bool, np.bool_))


def as_sizes(value: Any, dims: int, op: str, what: str, minimum: int) -> tuple[int, ...]:
    """``value`` (an int, or one int per spatial axis) as a tuple of ``dims`` ints, each at
    least ``minimum``: a TypeError or ValueError naming ``op`` and ``what`` otherwise."""
    values = (value,) * dims if _is_int(value) else \
        tuple(value) if isinstance(value, (tuple, list)) else None
    if values is None or len(values) != dims or not all(_is_int(v) for v in values):
        raise TypeError(f"{op}: {what} must be an int or a tuple of {dims} ints, "
                        f"got {value!r}")
    if any(v < minimum for v in values):
        kind = "positive" if minimum else "non-negative"
        raise ValueError(f"{op}: {what} must be {kind}, got {value!r}")
    return tuple(int(v) for v in values)


def _batched(x: Any, dims: int, op: str) -> tuple[Tensor, bool]:
    """``x`` as a Tensor (N, C, *spatial) and whether it came without the batch axis."""
    x = as_tensor(x, op)
    if x.ndim == dims + 1:
        return x.reshape(1, *x.shape), True
    if x.ndim != dims + 2:
        raise ValueError(f"{op}: expected a {dims + 1}-D (unbatched) or {dims + 2}-D "
                         f"(batched) input, got shape {x.shape}")
    return x, False


def _window_grid(x: Tensor, kernel: tuple, stride: tuple, widths: tuple, dilation: tuple,
                 op: str) -> tuple[int, ...]:
    """The output's spatial shape; a ValueError when the kernel does not fit once."""
    padded = tuple(n + before + after for n, (before, after) in zip(x.shape[2:], widths))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(n < s for n, s in zip(padded, span)):
        raise ValueError(f"{op}: input of shape {x.shape} padded to {padded} per channel is "
                         f"smaller than the kernel {kernel} (spanning {span} with dilation "
                         f"{dilation}); the kernel cannot be larger than the padded input")
    return tuple(windows.output_size(n, k, s, d)
                 for n, k, s, d in zip(padded, kernel, stride, dilation))


def _padding_widths(padding: Any, kernel: tuple, stride: tuple, dilation: tuple, dims: int,
                    op: str) -> tuple[tuple[int, int], ...]:
    """(before, after) per spatial axis: from ints, or "valid" (none) / "same" (keep size)."""
    if padding == "valid":
        return ((0, 0),) * dims
    if padding == "same":
        if any(s != 1 for s in stride):
            raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride}")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise ValueError(f"{op}: padding must be 'valid', 'same' or ints, got {padding!r}")
    return tuple((p, p) for p in as_sizes(padding, dims, op, "padding", 0))


def pad(x: Tensor, widths: Sequence[tuple[int, int]], value: float = 0.0) -> Tensor:
    """``x`` with ``widths[i] = (before, after)`` entries of ``value`` added along each of
    its last ``len(widths)`` axes; the gradient is the interior of the output's."""
    x = as_tensor(x, "pad")
    widths = tuple(widths)
    if len(widths) > x.ndim or not all(
            isinstance(w, (tuple, list)) and len(w) == 2 and all(_is_int(n) and n >= 0 for n in w)
            for w in widths):
        raise ValueError(f"pad: widths must be at most {x.ndim} pairs (before, after) of "
                         f"non-negative ints, got {widths!r}")
    full = ((0, 0),) * (x.ndim - len(widths)) + tuple((int(a), int(b)) for a, b in widths)
    if not any(a or b for a, b in full):
        return x
    return Tensor._apply(PAD, (x,), full, float(value))


def _check_windows_input(x: Tensor, dims: int, op: str) -> None:
    if x.ndim != dims + 2:
        raise ValueError(f"{op}: expected an input (N, C, *spatial) with {dims} spatial axes, "
                         f"got shape {x.shape}")


def unfold(x: Tensor, kernel_size: Size, stride: Size = 1, dilation: Size = 1) -> Tensor:
    """The sliding windows of ``x`` (N, C, *spatial) as (C, *kernel, N, *out):
    ``[c, k, n, o] = x[n, c, o * stride + k * dilation]``; its transpose is ``fold``."""
    x = as_tensor(x, "unfold")
    dims = len(kernel_size) if isinstance(kernel_size, (tuple, list)) else max(x.ndim - 2, 1)
    _check_windows_input(x, dims, "unfold")
    kernel = as_sizes(kernel_size, dims, "unfold", "kernel_size", 1)
    stride = as_sizes(stride, dims, "unfold", "stride", 1)
    dilation = as_sizes(dilation, dims, "unfold", "dilation", 1)
    _window_grid(x, kernel, stride, ((0, 0),) * dims, dilation, "unfold")
    return Tensor._apply(UNFOLD, (x,), kernel, stride, dilation)


def fold(patches: Tensor, output_size: Size, stride: Size = 1, dilation: Size = 1) -> Tensor:
    """Windows (C, *kernel, N, *out) added back into an image (N, C, *output_size),
    summing where they overlap: the transpose of ``unfold``."""
    patches = as_tensor(patches, "fold")
    dims = len(output_size) if isinstance(output_size, (tuple, list)) else 1
    if patches.ndim != 2 + 2 * dims:
        raise ValueError(f"fold: expected windows (C, *kernel, N, *out) with {dims} spatial "
                         f"axes, got shape {patches.shape}")
    spatial = as_sizes(output_size, dims, "fold", "output_size", 1)
    kernel, out = patches.shape[1:1 + dims], patches.shape[2 + dims:]
    stride = as_sizes(stride, dims, "fold", "stride", 1)
    dilation = as_sizes(dilation, dims, "fold", "dilation", 1)
    fits = tuple(windows.output_size(n, k, s, d)
                 for n, k, s, d in zip(spatial, kernel, stride, dilation))
    if fits != tuple(out):
        raise ValueError(f"fold: windows of shape {patches.shape} do not tile an image of "
                         f"size {spatial} (that holds {fits} windows of kernel {kernel})")
    return Tensor._apply(FOLD, (patches,), tuple(kernel), stride, dilation, spatial)


def _convolve(x: Any, weight: Any, bias: Any, stride: Any, padding: Any, dilation: Any,
              groups: Any, dims: int, op: str) -> Tensor:
    x, unbatched = _batched(x, dims, op)
    weight = as_tensor(weight, op, like=x)
    if weight.ndim != dims + 2:
        raise ValueError(f"{op}: weight must be {dims + 2}-D (out_channels, in_channels / "
                         f"groups, *kernel), got shape {weight.shape}")
    if not _is_int(groups) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    out_channels, group_channels, kernel = weight.shape[0], weight.shape[1], weight.shape[2:]
    if out_channels % groups or 0 in weight.shape:
        raise ValueError(f"{op}: weight of shape {weight.shape} must have non-zero sizes and "
                         f"out_channels divisible by groups={groups}")
    if x.shape[1] != group_channels * groups:
        raise ValueError(f"{op}: given groups={groups} and weight of shape {weight.shape}, "
                         f"expected input of shape {x.shape} to have "
                         f"{group_channels * groups} channels, but it has {x.shape[1]}")
    stride = as_sizes(stride, dims, op, "stride", 1)
    dilation = as_sizes(dilation, dims, op, "dilation", 1)
    widths = _padding_widths(padding, kernel, stride, dilation, dims, op)
    out = _window_grid(x, kernel, stride, widths, dilation, op)
    batch = x.shape[0]
    cols = unfold_padded(x, kernel, stride, widths, dilation, 0.0)
    cols = cols.reshape(groups, group_channels * math.prod(kernel), batch * math.prod(out))
    filters = weight.reshape(groups, out_channels // groups, group_channels * math.prod(kernel))
    y = _batch_first((filters @ cols).reshape(out_channels, batch, *out))
    if bias is not None:
        bias = as_tensor(bias, op, like=x)
        if bias.shape != (out_channels,):
            raise ValueError(f"{op}: bias must have shape ({out_channels},), got {bias.shape}")
        y = y + bias.reshape(out_channels, *(1,) * dims)
    return y.reshape(*y.shape[1:]) if unbatched else y


def _batch_first(y: Tensor) -> Tensor:
    """(C, N, *spatial), as the window ops leave it, to PyTorch's (N, C, *spatial)."""
    return y.permute(1, 0, *range(2, y.ndim))


def unfold_padded(x: Tensor, kernel: tuple, stride: tuple, widths: tuple, dilation: tuple,
                  value: float) -> Tensor:
    """Pad the spatial axes of ``x`` with ``value``, then unfold (arguments checked)."""
    padded = pad(x, widths, value)
    return Tensor._apply(UNFOLD, (padded,), tuple(kernel), stride, dilation)


def conv1d(x: Any, weight: Any, bias: Any = None, stride: Size = 1, padding: Size | str = 0,
           dilation: Size = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) of x (N, C, L) with weight (O, C / groups, K)."""
    return _convolve(x, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(x: Any, weight: Any, bias: Any = None, stride: Size = 1, padding: Size | str = 0,
           dilation: Size = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of x (N, C, H, W) with weight
    (O, C / groups, kh, kw): y[n, o] = b[o] + sum_{c, k} w[o, c, k] x[n, c, at + k]."""
    return _convolve(x, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def _pool_settings(x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   dims: int, op: str, span_of_padding: bool) -> tuple:
    x, unbatched = _batched(x, dims, op)
    kernel = as_sizes(kernel_size, dims, op, "kernel_size", 1)
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and not stride)
    stride = kernel if no_stride else as_sizes(stride, dims, op, "stride", 1)
    pads = as_sizes(padding, dims, op, "padding", 0)
    dilation = as_sizes(dilation, dims, op, "dilation", 1)
    spans = [d * (k - 1) + 1 if span_of_padding else k for k, d in zip(kernel, dilation)]
    if any(2 * p > s for p, s in zip(pads, spans)):
        raise ValueError(f"{op}: padding {pads} must be at most half of the kernel "
                         f"{tuple(spans)}")
    widths = tuple((p, p) for p in pads)
    out = _window_grid(x, kernel, stride, widths, dilation, op)
    return x, unbatched, kernel, stride, widths, dilation, out


def _max_pool(x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any, dims: int,
              op: str) -> Tensor:
    x, unbatched, kernel, stride, widths, dilation, out = _pool_settings(
        x, kernel_size, stride, padding, dilation, dims, op, True)
    taps = unfold_padded(x, kernel, stride, widths, dilation, -math.inf)
    taps = taps.reshape(x.shape[1], math.prod(kernel), x.shape[0], *out)
    y = _batch_first(Tensor._apply(WINDOW_MAX, (taps,), 1))
    return y.reshape(*y.shape[1:]) if unbatched else y


def max_pool1d(x: Any, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1) -> Tensor:
    """The largest entry of each window of x (N, C, L); padding counts as -inf."""
    return _max_pool(x, kernel_size, stride, padding, dilation, 1, "max_pool1d")


def max_pool2d(x: Any, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1) -> Tensor:
    """The largest entry of each window of x (N, C, H, W); the gradient reaches the
    first maximum of each window, as PyTorch. stride defaults to kernel_size."""
    return _max_pool(x, kernel_size, stride, padding, dilation, 2, "max_pool2d")


def _avg_pool(x: Any, kernel_size: Any, stride: Any, padding: Any, count_include_pad: Any,
              dims: int, op: str) -> Tensor:
    if not isinstance(count_include_pad, (bool, np.bool_)):
        raise TypeError(f"{op}: count_include_pad must be True or False, got "
                        f"{count_include_pad!r}")
    x, unbatched, kernel, stride, widths, dilation, out = _pool_settings(
        x, kernel_size, stride, padding, 1, dims, op, False)
    taps = unfold_padded(x, kernel, stride, widths, dilation, 0.0)
    taps = taps.reshape(x.shape[1], math.prod(kernel), x.shape[0], *out)
    if count_include_pad or not any(a for a, _ in widths):
        y = taps.mean(axis=1)
    else:  # divide by the entries of each window that are not padding
        inside = windows.pad(np.ones((1, 1, *x.shape[2:]), dtype=x.dtype), ((0, 0),) * 2 + widths,
                             0.0)
        counts = windows.unfold(inside, kernel, stride, dilation).sum(axis=tuple(range(2 + dims)))
        y = taps.sum(axis=1) / counts
    y = _batch_first(y)
    return y.reshape(*y.shape[1:]) if unbatched else y


def avg_pool1d(x: Any, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each window of x (N, C, L); padding counts as 0 (and in the divisor
    unless count_include_pad=False)."""
    return _avg_pool(x, kernel_size, stride, padding, count_include_pad, 1, "avg_pool1d")


def avg_pool2d(x: Any, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each window of x (N, C, H, W); stride defaults to kernel_size."""
    return _avg_pool(x, kernel_size, stride, padding, count_include_pad, 2, "avg_pool2d")


__all__ = ["as_sizes", "avg_pool1d", "avg_pool2d", "conv1d", "conv2d", "fold", "max_pool1d",
           "max_pool2d", "pad", "unfold"]
