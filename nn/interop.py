"""Moving models to and from PyTorch: ``to_torch(model)`` and ``from_torch(module)``.

Layers map one to one (same names, same weight layouts, same state-dict keys), so a
conversion builds the other library's layers from ``_LAYERS`` and copies the state
dict across. A new layer is one table entry: how to build the torch layer from ours
and ours from the torch one. ``torch`` is imported only when these functions run.

Supported: ``Sequential`` (nested too) of ``Linear``, ``Dropout``, ``Flatten`` and
the activation modules; a lone layer; and the scalar ``MLP`` (to PyTorch only: a
torch ``Sequential`` of ``Linear`` and activation layers). Without conversion, a
state dict loads into the same torch model with
``module.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import activations, layers
from .module import Module
from .scalar import MLP

Builder = Callable[[Any, Any], Any]


def _torch_dtype(torch: Any, dtype: np.dtype) -> Any:
    return {np.dtype(np.float64): torch.float64, np.dtype(np.float32): torch.float32}[
        np.dtype(dtype)]


def _numpy_dtype(torch: Any, dtype: Any) -> Any:
    if dtype not in (torch.float64, torch.float32):
        raise TypeError(f"from_torch: parameters of dtype {dtype} are not supported "
                        "(float32 or float64)")
    return np.float64 if dtype == torch.float64 else np.float32


def _same(name: str, *attrs: str) -> tuple[str, Builder, Builder]:
    """A layer built from the same attributes in both libraries."""
    def to_torch(m: Any, torch: Any) -> Any:
        return getattr(torch.nn, name)(*(getattr(m, a) for a in attrs))

    def from_torch(t: Any, torch: Any) -> Any:
        return getattr(activations if hasattr(activations, name) else layers, name)(
            *(getattr(t, a) for a in attrs))
    return name, to_torch, from_torch


def _linear() -> tuple[str, Builder, Builder]:
    def to_torch(m: Any, torch: Any) -> Any:
        return torch.nn.Linear(m.in_features, m.out_features, bias=m.bias is not None,
                               dtype=_torch_dtype(torch, m.weight.dtype))

    def from_torch(t: Any, torch: Any) -> Any:
        return layers.Linear(t.in_features, t.out_features, bias=t.bias is not None,
                             dtype=_numpy_dtype(torch, t.weight.dtype))
    return "Linear", to_torch, from_torch


# our class -> (torch class name, build torch layer, build our layer)
_LAYERS: dict[type, tuple[str, Builder, Builder]] = {
    layers.Linear: _linear(),
    layers.Dropout: _same("Dropout", "p"),
    layers.Flatten: _same("Flatten"),
    activations.ReLU: _same("ReLU"),
    activations.Tanh: _same("Tanh"),
    activations.Sigmoid: _same("Sigmoid"),
    activations.Identity: _same("Identity"),
    activations.Softsign: _same("Softsign"),
    activations.LeakyReLU: _same("LeakyReLU", "negative_slope"),
    activations.Softplus: _same("Softplus", "beta"),
    activations.Softmax: _same("Softmax", "dim"),
    activations.LogSoftmax: _same("LogSoftmax", "dim"),
}
_BY_TORCH_NAME = {entry[0]: (cls, entry) for cls, entry in _LAYERS.items()}
_ACTIVATION_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                     "leaky_relu": "LeakyReLU", "softplus": "Softplus", "softsign": "Softsign"}


def _import_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError("nn.interop needs PyTorch: pip install torch") from None
    return torch


def _to_torch_layer(module: Module, torch: Any) -> Any:
    if isinstance(module, layers.Sequential):
        return torch.nn.Sequential(*(_to_torch_layer(m, torch) for m in module))
    entry = _LAYERS.get(type(module))
    if entry is None:
        raise TypeError(f"to_torch: no PyTorch counterpart for {type(module).__name__}; "
                        f"supported: Sequential, {sorted(c.__name__ for c in _LAYERS)}")
    return entry[1](module, torch)


def _mlp_to_torch(model: MLP, torch: Any) -> tuple[Any, dict[str, Any]]:
    parts, state = [], {}
    for i, layer in enumerate(model.layers):
        nout, nin = len(layer.neurons), len(layer.neurons[0].w)
        linear = torch.nn.Linear(nin, nout, dtype=torch.float64)
        state[f"{len(parts)}.weight"] = model.state_dict()[f"layers.{i}.weight"]
        state[f"{len(parts)}.bias"] = model.state_dict()[f"layers.{i}.bias"]
        parts.append(linear)
        activation = layer.neurons[0].activation
        if activation in ("linear", "identity", None):
            continue
        if activation not in _ACTIVATION_NAMES:
            raise TypeError(f"to_torch: MLP activation {activation!r} has no PyTorch layer")
        parts.append(getattr(torch.nn, _ACTIVATION_NAMES[activation])())
    return torch.nn.Sequential(*parts), state


def to_torch(model: Module) -> Any:
    """The same model as a ``torch.nn.Module`` (same dtypes, weights and outputs)."""
    torch = _import_torch()
    if isinstance(model, MLP):
        module, state = _mlp_to_torch(model, torch)
    else:
        module, state = _to_torch_layer(model, torch), model.state_dict()
    module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v))
                            for k, v in state.items()})
    return module.train(model.training)


def _from_torch_layer(module: Any, torch: Any) -> Module:
    if isinstance(module, torch.nn.Sequential):
        return layers.Sequential(*(_from_torch_layer(m, torch) for m in module))
    found = _BY_TORCH_NAME.get(type(module).__name__)
    if found is None or not isinstance(module, getattr(torch.nn, type(module).__name__, ())):
        raise TypeError(f"from_torch: no nn counterpart for torch {type(module).__name__}; "
                        f"supported: Sequential, {sorted(_BY_TORCH_NAME)}")
    return found[1][2](module, torch)


def from_torch(module: Any) -> Module:
    """The same model as an ``nn`` module, built from a torch ``Sequential`` or layer."""
    torch = _import_torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch: expected a torch.nn.Module, got {type(module).__name__}")
    model = _from_torch_layer(module, torch)
    model.load_state_dict({k: v.detach().cpu().numpy().copy()
                           for k, v in module.state_dict().items()})
    return model.train(module.training)


__all__ = ["from_torch", "to_torch"]
