"""NumPy kernels of the convolution and pooling ops (``ops/conv.py``): sliding windows.

Images are laid out as PyTorch's: ``(N, C, *spatial)``. The windows of a kernel of
shape ``K`` moved with ``stride`` over an image, its taps ``dilation`` apart, are laid
out ``(C, *K, N, *out)``: entry ``[c, k, n, o]`` is ``x[n, c, o * stride + k * dilation]``
(per spatial axis), with ``out = (size - dilation * (kernel - 1) - 1) // stride + 1``.
Channels and taps first, so that a convolution is one matrix product per group,
(out_channels, C * prod(K)) @ (C * prod(K), N * prod(out)): one large product instead
of N small ones, which a threaded BLAS runs far better.

``unfold`` copies the windows out (one strided copy); ``fold`` adds windows back into
an image, summing where windows overlap: the two are each other's transpose.
"""

from __future__ import annotations

import itertools

import numpy as np


def output_size(size: int, kernel: int, stride: int, dilation: int) -> int:
    """How many windows fit along an axis of ``size`` entries."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def pad(x: np.ndarray, widths: tuple[tuple[int, int], ...], value: float) -> np.ndarray:
    """``x`` with ``widths[i] = (before, after)`` entries of ``value`` added along axis i."""
    shape = tuple(n + before + after for n, (before, after) in zip(x.shape, widths))
    out = np.full(shape, value, dtype=x.dtype)
    out[tuple(slice(before, before + n) for n, (before, _) in zip(x.shape, widths))] = x
    return out


def unfold(x: np.ndarray, kernel: tuple[int, ...], stride: tuple[int, ...],
           dilation: tuple[int, ...]) -> np.ndarray:
    """The windows of ``x`` (N, C, *spatial) as a new array (C, *kernel, N, *out)."""
    batch, channels, spatial = x.shape[0], x.shape[1], x.shape[2:]
    out = tuple(output_size(n, k, s, d) for n, k, s, d in zip(spatial, kernel, stride, dilation))
    steps = x.strides[2:]
    view = np.lib.stride_tricks.as_strided(
        x, shape=(channels, *kernel, batch, *out),
        strides=(x.strides[1], *(t * d for t, d in zip(steps, dilation)), x.strides[0],
                 *(t * s for t, s in zip(steps, stride))),
        writeable=False)
    return np.ascontiguousarray(view)


def fold(patches: np.ndarray, kernel: tuple[int, ...], stride: tuple[int, ...],
         dilation: tuple[int, ...], spatial: tuple[int, ...]) -> np.ndarray:
    """Windows (C, *kernel, N, *out) added back into an image (N, C, *spatial).

    One slice-add per kernel tap: tap ``k`` of every window lands on the strided grid
    ``k * dilation + stride * range(out)`` (``np.add.at`` would do it entry by entry).
    """
    dims = len(kernel)
    channels, batch, out = patches.shape[0], patches.shape[1 + dims], patches.shape[2 + dims:]
    image = np.zeros((batch, channels, *spatial), dtype=patches.dtype)
    channels_first = image.swapaxes(0, 1)  # a view: the adds fill ``image`` in place
    for tap in itertools.product(*(range(k) for k in kernel)):
        grid = tuple(slice(k * d, k * d + s * (o - 1) + 1, s)
                     for k, d, s, o in zip(tap, dilation, stride, out))
        channels_first[(slice(None), slice(None), *grid)] += patches[(slice(None), *tap)]
    return image


def first_max_mask(x: np.ndarray, axis: int) -> np.ndarray:
    """1 at the first maximum along ``axis`` (at the last nan, if any), 0 elsewhere.

    Where a window's maximum ties, PyTorch's max pooling sends the gradient to one
    entry, the first in the window's row-major order; where the window holds nans, to
    the last nan (its loop keeps replacing the maximum by each nan). So does this mask.
    """
    mask = np.zeros(x.shape, dtype=x.dtype)
    if not x.size:
        return mask
    winner = np.argmax(x, axis=axis)
    nans = np.isnan(x)
    if nans.any():
        last_nan = x.shape[axis] - 1 - np.argmax(np.flip(nans, axis), axis=axis)
        winner = np.where(nans.any(axis=axis), last_nan, winner)
    np.put_along_axis(mask, np.expand_dims(winner, axis), 1, axis=axis)
    return mask
