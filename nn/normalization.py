"""Normalisation layers and their functional forms: BatchNorm1d/2d and LayerNorm.

Both normalise to zero mean and unit variance, then scale and shift by a learned
``weight`` (ones at first) and ``bias`` (zeros):

    y = (x - mean) / sqrt(var + eps) * weight + bias

with the biased variance (divide by n). BatchNorm takes the statistics over every
axis but the channels (axis 1) — the batch's in training, the running ones in eval —
and updates ``running_mean`` and ``running_var`` (the latter with the unbiased batch
variance, n / (n - 1) times the biased one) as PyTorch does:

    running = (1 - momentum) * running + momentum * batch

(``momentum=None``: the cumulative average, momentum = 1 / num_batches_tracked).
LayerNorm takes them over the last ``len(normalized_shape)`` axes of each sample.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd import Tensor

from .layer_errors import reported_as
from .module import Module


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _update(running: Any, batch: np.ndarray, momentum: float) -> None:
    """running <- (1 - momentum) running + momentum batch, in place (a Tensor or an array)."""
    array = running.data if isinstance(running, Tensor) else running
    array[...] = (1.0 - momentum) * array + momentum * batch


def batch_norm(x: Any, running_mean: Any, running_var: Any, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Normalise each channel (axis 1) of x (N, C, ...); as ``torch.nn.functional.batch_norm``.

    In training the batch's statistics are used (and the running ones, when given, are
    updated in place); otherwise the running ones.
    """
    x = _tensor(x)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an input (N, C, ...) of at least 2 "
                         f"dimensions, got shape {x.shape}")
    channels = x.shape[1]
    for name, given in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):
        if given is not None and np.shape(given.data if isinstance(given, Tensor)
                                          else given) != (channels,):
            raise ValueError(f"batch_norm: {name} should hold {channels} entries (one per "
                             f"channel of the input of shape {x.shape}), got shape "
                             f"{np.shape(given.data if isinstance(given, Tensor) else given)}")
    axes = (0, *range(2, x.ndim))
    per_channel = (1, channels, *(1,) * (x.ndim - 2))
    if training:
        count = x.size // channels if channels else 0
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got an input of shape {x.shape}")
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        if running_mean is not None:
            _update(running_mean, mean.data.reshape(channels), momentum)
        if running_var is not None:
            _update(running_var, var.data.reshape(channels) * count / (count - 1), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when not "
                             "training")
        mean, var = (Tensor(np.reshape(s.data if isinstance(s, Tensor) else s, per_channel),
                            dtype=x.dtype) for s in (running_mean, running_var))
        centered = x - mean
    out = centered * (var + eps) ** -0.5
    if weight is not None:
        out = out * _tensor(weight).reshape(per_channel)
    if bias is not None:
        out = out + _tensor(bias).reshape(per_channel)
    return out


def layer_norm(x: Any, normalized_shape: Any, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise each sample over its last ``len(normalized_shape)`` axes, which must be
    ``normalized_shape``; as ``torch.nn.functional.layer_norm``."""
    x = _tensor(x)
    shape = _normalized_shape(normalized_shape, "layer_norm")
    if x.shape[x.ndim - len(shape):] != shape or x.ndim < len(shape):
        raise ValueError(f"layer_norm: given normalized_shape={shape}, expected an input of "
                         f"shape (*, {', '.join(map(str, shape))}), got {x.shape}")
    for name, given in (("weight", weight), ("bias", bias)):
        if given is not None and tuple(np.shape(getattr(given, "data", given))) != shape:
            raise ValueError(f"layer_norm: {name} must have shape {shape} (normalized_shape), "
                             f"got {tuple(np.shape(getattr(given, 'data', given)))}")
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    centered = x - x.mean(axis=axes, keepdims=True)
    out = centered * ((centered * centered).mean(axis=axes, keepdims=True) + eps) ** -0.5
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def _normalized_shape(shape: Any, where: str) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, (numbers.Integral, np.integer)) else shape
    if (not isinstance(shape, (tuple, list)) or not shape
            or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                       for n in shape)):
        raise TypeError(f"{where}: normalized_shape must be an int or a tuple of ints, "
                        f"got {shape!r}")
    if any(n <= 0 for n in shape):
        raise ValueError(f"{where}: normalized_shape must hold positive sizes, got {shape!r}")
    return tuple(int(n) for n in shape)


def _check_flag(value: Any, layer: str, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{layer}: {name} must be True or False, got {value!r}")
    return bool(value)


def _check_number(value: Any, layer: str, name: str, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(f"{layer}: {name} must be a non-negative number, got {value!r}")
    return float(value)


class _BatchNorm(Module):
    """The shared parts of BatchNorm1d and BatchNorm2d; ``ranks`` are the input ranks."""

    ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        layer = type(self).__name__
        if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)) \
                or num_features <= 0:
            raise ValueError(f"{layer}: num_features must be a positive int, got "
                             f"{num_features!r}")
        self.num_features = int(num_features)
        self.eps = _check_number(eps, layer, "eps")
        self.momentum = _check_number(momentum, layer, "momentum", allow_none=True)
        self.affine = _check_flag(affine, layer, "affine")
        self.track_running_stats = _check_flag(track_running_stats, layer,
                                               "track_running_stats")
        dtype = np.float64 if dtype is None else dtype
        channels = self.num_features
        if self.affine:
            self.weight = Tensor(np.ones(channels), requires_grad=True, dtype=dtype,
                                 label="weight")
            self.bias = Tensor(np.zeros(channels), requires_grad=True, dtype=dtype,
                               label="bias")
        else:
            self.weight = self.bias = None
        tracked = self.track_running_stats
        self.register_buffer("running_mean",
                             Tensor(np.zeros(channels), dtype=dtype) if tracked else None)
        self.register_buffer("running_var",
                             Tensor(np.ones(channels), dtype=dtype) if tracked else None)
        self.register_buffer("num_batches_tracked", Tensor(np.array(0.0)) if tracked else None)

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=self._dtype())
        with reported_as(self):
            if x.ndim not in self.ranks:
                raise ValueError(f"expected a {' or '.join(f'{r}-D' for r in self.ranks)} "
                                 f"input, got shape {x.shape}")
            if x.shape[1] != self.num_features:
                raise ValueError(f"expected an input with {self.num_features} channels "
                                 f"(axis 1), got shape {x.shape}")
            counting = self.training and self.track_running_stats
            batches = float(self.num_batches_tracked.data) + 1.0 if counting else 0.0
            momentum = (1.0 / batches if counting else 0.0) if self.momentum is None \
                else self.momentum
            keep_running = not self.training or self.track_running_stats
            out = batch_norm(x, self.running_mean if keep_running else None,
                             self.running_var if keep_running else None, self.weight,
                             self.bias, self.training or not self.track_running_stats,
                             momentum, self.eps)
            if counting:  # after batch_norm checked the input: a refused batch counts not
                self.num_batches_tracked.data[...] = batches
            return out

    def _dtype(self) -> Any:
        held = self.weight if self.weight is not None else self.running_mean
        return np.float64 if held is None else held.dtype

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of inputs (N, C) or (N, C, L), per channel C."""

    ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of images (N, C, H, W), per channel C."""

    ranks = (4,)


class LayerNorm(Module):
    """Normalise each sample over its last axes (``normalized_shape``), then scale by
    ``weight`` and shift by ``bias`` (both of shape ``normalized_shape``)."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _normalized_shape(normalized_shape, "LayerNorm")
        self.eps = _check_number(eps, "LayerNorm", "eps")
        self.elementwise_affine = _check_flag(elementwise_affine, "LayerNorm",
                                              "elementwise_affine")
        _check_flag(bias, "LayerNorm", "bias")
        dtype = np.float64 if dtype is None else dtype
        shape = self.normalized_shape
        self.weight = (Tensor(np.ones(shape), requires_grad=True, dtype=dtype, label="weight")
                       if self.elementwise_affine else None)
        self.bias = (Tensor(np.zeros(shape), requires_grad=True, dtype=dtype, label="bias")
                     if self.elementwise_affine and bias else None)

    def forward(self, x: Any) -> Tensor:
        dtype = self.weight.dtype if self.weight is not None else np.float64
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=dtype)
        with reported_as(self):
            return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
