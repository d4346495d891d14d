"""Pooling layers: the largest or the mean entry of each window, as PyTorch.

``stride`` defaults to ``kernel_size`` (windows side by side). MaxPool pads with -inf
and sends each window's gradient to its first maximum; AvgPool pads with zeros, which
count in the divisor unless ``count_include_pad=False``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd import conv as ag_conv

from .layer_errors import reported_as
from .module import Module


class _Pool(Module):
    dims = 0

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        layer = type(self).__name__
        self.kernel_size = ag_conv.as_sizes(kernel_size, self.dims, layer, "kernel_size", 1)
        self.stride = (self.kernel_size if stride is None
                       else ag_conv.as_sizes(stride, self.dims, layer, "stride", 1))
        self.padding = ag_conv.as_sizes(padding, self.dims, layer, "padding", 0)

    def _input(self, x: Any) -> Tensor:
        return x if isinstance(x, Tensor) else Tensor(x)


class _MaxPool(_Pool):
    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1) -> None:
        super().__init__(kernel_size, stride, padding)
        self.dilation = ag_conv.as_sizes(dilation, self.dims, type(self).__name__,
                                         "dilation", 1)

    def forward(self, x: Any) -> Tensor:
        pool = ag_conv.max_pool1d if self.dims == 1 else ag_conv.max_pool2d
        with reported_as(self):
            return pool(self._input(x), self.kernel_size, self.stride, self.padding,
                        self.dilation)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}")


class _AvgPool(_Pool):
    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 count_include_pad: bool = True) -> None:
        super().__init__(kernel_size, stride, padding)
        if not isinstance(count_include_pad, (bool, np.bool_)):
            raise TypeError(f"{type(self).__name__}: count_include_pad must be True or "
                            f"False, got {count_include_pad!r}")
        self.count_include_pad = bool(count_include_pad)

    def forward(self, x: Any) -> Tensor:
        pool = ag_conv.avg_pool1d if self.dims == 1 else ag_conv.avg_pool2d
        with reported_as(self):
            return pool(self._input(x), self.kernel_size, self.stride, self.padding,
                        self.count_include_pad)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, count_include_pad={self.count_include_pad}")


class MaxPool1d(_MaxPool):
    """y[n, c, i] = max_k x[n, c, i * stride + k * dilation] over inputs (N, C, L)."""

    dims = 1


class MaxPool2d(_MaxPool):
    """The largest entry of each kh x kw window of x (N, C, H, W) (or (C, H, W))."""

    dims = 2


class AvgPool1d(_AvgPool):
    """y[n, c, i] = mean_k x[n, c, i * stride + k] over inputs (N, C, L)."""

    dims = 1


class AvgPool2d(_AvgPool):
    """The mean of each kh x kw window of x (N, C, H, W) (or (C, H, W))."""

    dims = 2
