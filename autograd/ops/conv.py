"""The ops convolution and pooling are made of: pad, unfold, fold and window_max.

``unfold`` copies the sliding windows of an image (N, C, *spatial) out into an array
(C, *kernel, N, *out) (``windows.py``); ``fold`` adds such windows back into an image.
Both are linear and each is the other's transpose, so their rules close on themselves
to any order: unfold's VJP folds the gradient, fold's VJP unfolds it. ``pad`` surrounds
an image with a constant (its VJP crops the padding off again).

A convolution is then pad, unfold and one matrix product (``autograd/conv.py``), a
max pooling pad (with -inf), unfold and ``window_max``, an average pooling pad, unfold
and ``mean``: every gradient of them, of any order, is made of these same ops.
"""

from __future__ import annotations

from typing import Any

from ..op import KINK_AT_TIES, Op


def _interior(widths: tuple[tuple[int, int], ...], shape: tuple[int, ...]) -> tuple:
    """The index of the unpadded entries inside a padded array."""
    return tuple(slice(before, before + n) for (before, _), n in zip(widths, shape))


PAD = Op("pad", lambda xp, x, widths, value: xp.pad_constant(x, widths, value),
         (lambda xp, g, x, y, widths, value: xp.getitem(g, _interior(widths, xp.shape(x))),),
         formula=("1 inside, 0 on the padding",))


def _unfold(xp: Any, x: Any, kernel: tuple, stride: tuple, dilation: tuple) -> Any:
    return xp.unfold_windows(x, kernel, stride, dilation)


def _fold(xp: Any, patches: Any, kernel: tuple, stride: tuple, dilation: tuple,
          spatial: tuple) -> Any:
    return xp.fold_windows(patches, kernel, stride, dilation, spatial)


UNFOLD = Op("unfold", _unfold,
            (lambda xp, g, x, y, kernel, stride, dilation:
                _fold(xp, g, kernel, stride, dilation, xp.shape(x)[2:]),),
            formula=("1 for each window an entry is in (fold)",))
FOLD = Op("fold", _fold,
          (lambda xp, g, patches, y, kernel, stride, dilation, spatial:
              _unfold(xp, g, kernel, stride, dilation),),
          formula=("1 at the entry a window tap lands on (unfold)",))

# The largest entry along ``axis`` (a window's taps); the gradient goes to the first
# maximum only, as PyTorch's max pooling (``amax`` splits it among ties instead).
WINDOW_MAX = Op("window_max", lambda xp, x, axis: xp.amax(x, axis=axis),
                (lambda xp, g, x, y, axis:
                    xp.expand_dims(g, axis) * xp.first_max_mask(x, axis),),
                formula=("1 at the window's first maximum",), kinks=KINK_AT_TIES)

CONV_OPS = (PAD, UNFOLD, FOLD, WINDOW_MAX)
