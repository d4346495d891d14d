"""Convolution layers, in PyTorch's layout and default initialisation.

``Conv2d.weight`` has shape (out_channels, in_channels / groups, kh, kw) and ``bias``
(out_channels,), both drawn as PyTorch does: weight ~ kaiming_uniform(a=sqrt(5)), which
is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), with
fan_in = in_channels / groups * kh * kw. A state dict therefore loads into
``torch.nn.Conv2d`` unchanged, and back.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor
from autograd import conv as ag_conv

from . import init as nn_init
from .layer_errors import reported_as
from .module import Module


def _positive_int(n: Any, layer: str, name: str) -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{layer}: {name} must be an int, got {type(n).__name__} {n!r}")
    if n <= 0:
        raise ValueError(f"{layer}: {name} must be positive, got {n}")
    return int(n)


class _ConvNd(Module):
    """The shared constructor and forward of Conv1d and Conv2d (``dims`` spatial axes)."""

    dims = 0

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        layer = type(self).__name__
        self.in_channels = _positive_int(in_channels, layer, "in_channels")
        self.out_channels = _positive_int(out_channels, layer, "out_channels")
        self.groups = _positive_int(groups, layer, "groups")
        for name, channels in (("in_channels", self.in_channels),
                               ("out_channels", self.out_channels)):
            if channels % self.groups:
                raise ValueError(f"{layer}: {name}={channels} must be divisible by "
                                 f"groups={self.groups}")
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"{layer}: bias must be True or False, got {bias!r}")
        self.kernel_size = ag_conv.as_sizes(kernel_size, self.dims, layer, "kernel_size", 1)
        self.stride = ag_conv.as_sizes(stride, self.dims, layer, "stride", 1)
        self.dilation = ag_conv.as_sizes(dilation, self.dims, layer, "dilation", 1)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{layer}: padding must be 'same', 'valid' or ints, "
                                 f"got {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{layer}: padding='same' needs stride 1, got stride "
                                 f"{self.stride}")
            self.padding = padding
        else:
            self.padding = ag_conv.as_sizes(padding, self.dims, layer, "padding", 0)
        dtype = np.float64 if dtype is None else dtype
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        fan_in = shape[1] * math.prod(self.kernel_size)
        self.weight = Tensor(nn_init.pytorch_default(shape, rng=rng), requires_grad=True,
                             dtype=dtype, label="weight")
        self.bias = (Tensor(nn_init.pytorch_default_bias((self.out_channels,), fan_in, rng),
                            requires_grad=True, dtype=dtype, label="bias") if bias else None)

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=self.weight.dtype)
        convolve = ag_conv.conv1d if self.dims == 1 else ag_conv.conv2d
        with reported_as(self):
            return convolve(x, self.weight, self.bias, self.stride, self.padding,
                            self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * self.dims:
            text += f", padding={self.padding!r}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + (", bias=False" if self.bias is None else "")


class Conv1d(_ConvNd):
    """y[n, o, i] = b[o] + sum_{c, k} w[o, c, k] x[n, c, i * stride + k * dilation] for x
    of shape (N, C_in, L) (or (C_in, L)); weight (C_out, C_in / groups, k)."""

    dims = 1


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation, as PyTorch) of x (N, C_in, H, W) (or
    (C_in, H, W)) with weight (C_out, C_in / groups, kh, kw), plus bias (C_out,)."""

    dims = 2
