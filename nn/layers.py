"""The Tensor family: Linear, Sequential, Dropout and Flatten, with PyTorch's layouts.

``Linear.weight`` has shape (out_features, in_features) and ``Linear(x)`` computes
``x @ weight.T + bias``, so a state dict maps one to one onto PyTorch's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd import Tensor, linear

from . import functional as F  # noqa: N812 - the PyTorch idiom
from . import init as nn_init
from ._checks import boolean, positive_int
from .module import Module


class Linear(Module):
    """y = x W^T + b for x of shape (..., in_features); y has shape (..., out_features).

    Default initialisation is PyTorch's: W ~ kaiming_uniform(a=sqrt(5)), which is
    U(-1/sqrt(in_features), 1/sqrt(in_features)), and b ~ U(-1/sqrt(in_features),
    1/sqrt(in_features)). ``init`` (a name or ``init(shape, rng=...)``) replaces the
    weight's scheme, ``bias_init`` the bias's. ``dtype`` is float64 unless given.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str | nn_init.Initializer | None = None, dtype: Any = None,
                 rng: np.random.Generator | None = None,
                 bias_init: str | nn_init.Initializer | None = None) -> None:
        super().__init__()
        self.in_features = positive_int("Linear", "in_features", in_features)
        self.out_features = positive_int("Linear", "out_features", out_features)
        boolean("Linear", "bias", bias)
        dtype = np.float64 if dtype is None else dtype
        shape = (self.out_features, self.in_features)
        weight = (nn_init.pytorch_default(shape, rng=rng) if init is None
                  else nn_init.initial_values(init, shape, rng, "Linear"))
        self.weight = Tensor(weight, requires_grad=True, dtype=dtype, label="weight")
        if bias:
            values = (nn_init.pytorch_default_bias((self.out_features,), self.in_features, rng)
                      if bias_init is None
                      else nn_init.initial_values(bias_init, (self.out_features,), rng, "Linear"))
            self.bias = Tensor(values, requires_grad=True, dtype=dtype, label="bias")
        else:
            self.bias = None

    @classmethod
    def _state_shapes(cls, in_features: int, out_features: int, bias: bool = True,
                      *args: Any, **kwargs: Any) -> dict[str, tuple[int, ...]]:
        n_in = positive_int("Linear", "in_features", in_features)
        n_out = positive_int("Linear", "out_features", out_features)
        shapes = {"weight": (n_out, n_in)}
        if boolean("Linear", "bias", bias):
            shapes["bias"] = (n_out,)
        return shapes

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=self.weight.dtype)
        shape = x.data.shape
        if not shape or shape[-1] != self.in_features:
            raise ValueError(f"Linear(in_features={self.in_features}): input of shape "
                             f"{x.shape} must have {self.in_features} features in its last axis")
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Sequential(Module):
    """Modules applied one after another; held as attributes "0", "1"... so parameter
    names are ``0.weight``, ``2.bias`` as in PyTorch."""

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (list, tuple)):
            modules = tuple(modules[0])
        for module in modules:
            self.append(module)

    def append(self, module: Any) -> Sequential:
        if not callable(module):
            raise TypeError(f"Sequential: {type(module).__name__} is not a module or callable")
        index = len(self)
        setattr(self, str(index), module)
        self._count = index + 1
        return self

    def _layers(self) -> list[Any]:
        """The layers in order, listed once until an attribute changes (forward runs
        every step; looking up "0", "1", ... each time cost more than a small layer)."""
        layers = self._listed
        if layers is None:
            layers = self._listed = [getattr(self, str(i)) for i in range(self._count)]
        return layers

    _count = 0
    _listed: list[Any] | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_"):
            self._listed = None  # a layer may have been replaced
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        self._listed = None
        super().__delattr__(name)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        return iter(self._layers())

    def __getitem__(self, index: int | slice) -> Any:
        layers = self._layers()
        return Sequential(*layers[index]) if isinstance(index, slice) else layers[index]

    def forward(self, x: Any) -> Any:
        for module in self._layers():
            x = module(x)
        return x


class Dropout(Module):
    """Inverted dropout: in training, zero each entry with probability ``p`` and scale the
    rest by 1 / (1 - p); in eval mode the identity. ``rng`` seeds the masks."""

    def __init__(self, p: float = 0.5, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1], got {p}")
        self.p = float(p)
        self._rng = rng

    def forward(self, x: Any) -> Any:
        return F.dropout(x, self.p, self.training, self._rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Flatten(Module):
    """Reshape (N, d1, d2, ...) to (N, d1 * d2 * ...), e.g. 28x28 images to 784 features."""

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        return x.reshape(x.shape[0], -1)
