"""The scalar family: Neuron, Layer and MLP built from Values (the tutorials' picture).

A neuron computes act(w . x + b) = act(sum_i w_i x_i + b) in two nodes you can draw:
the weighted sum (``autograd.weighted_sum``, one node with the weights, the inputs and
the bias as its inputs) and the activation. Written with ``*`` and ``+`` the sum would
be 2n nodes; as one, a scalar network's graph has about a tenth of the nodes and its
training step takes a third of the time (benchmarks/bench_value.py), with the same
numbers. Calling a module with a list of numbers or Values returns a Value (a Neuron,
or a Layer/MLP with a single output, as in micrograd) or a list of Values.

Default initialisation is the tutorials': weights and bias uniform in [-1, 1]. ``init``
(weights) and ``bias_init`` take a name from ``nn.init.INITIALIZERS`` or a callable
``init(shape, rng=...)``; a neuron's weights are drawn as one (1, nin) row, so fan-based
schemes see fan_in = nin (e.g. "lecun_normal" is N(0, 1/nin), the "1/sqrt(n)" scheme).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Value, weighted_sum

from . import init as nn_init
from ._checks import positive_int
from .containers import ModuleList
from .functional import get_activation
from .module import Module
from .state import Slot, ValuesSlot

Inputs = Sequence[Any]

# A neuron's weighted sum is always a Value, so these named activations call Value's
# method directly (nn.functional's forms also take lists and Tensors: a dispatch per call).
_VALUE_METHODS = {"relu": Value.relu, "tanh": Value.tanh, "sigmoid": Value.sigmoid}


class Neuron(Module):
    """act(sum_i w_i x_i + b) for ``nin`` inputs; ``activation`` is a name ("linear",
    "relu", "tanh", "sigmoid", "leaky_relu", "softplus", "softsign") or a callable."""

    def __init__(self, nin: int, activation: Any = "tanh", init: Any = "uniform",
                 bias_init: Any = "uniform", rng: np.random.Generator | None = None) -> None:
        super().__init__()
        nin = positive_int("Neuron", "nin", nin)
        weights = nn_init.initial_values(init, (1, int(nin)), rng, "Neuron")[0]
        bias = nn_init.initial_values(bias_init, (1,), rng, "Neuron")[0]
        self.w = [Value(float(wi), label=f"w{i}") for i, wi in enumerate(weights)]
        self.b = Value(float(bias), label="b")
        self.activation = activation
        self._act = get_activation(activation)
        if isinstance(activation, str) and activation in _VALUE_METHODS:
            self._act = _VALUE_METHODS[activation]

    @classmethod
    def _state_shapes(cls, nin: int, *args: Any, **kwargs: Any) -> dict[str, tuple[int, ...]]:
        return {"weight": (positive_int("Neuron", "nin", nin),), "bias": ()}

    def _state_slots(self) -> dict[str, Slot]:
        return {"weight": ValuesSlot(self.w, (len(self.w),)), "bias": ValuesSlot([self.b], ())}

    def forward(self, x: Inputs) -> Value:
        if type(x) is not list or len(x) != len(self.w):  # a list as given is used as is
            x = _inputs(x, len(self.w), "Neuron")
        return self._act(weighted_sum(self.w, x, self.b))

    def extra_repr(self) -> str:
        return f"nin={len(self.w)}, activation={_name(self.activation)}"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; returns a list of ``nout``
    Values, or a single Value when ``nout == 1`` (as micrograd)."""

    def __init__(self, nin: int, nout: int, activation: Any = "tanh", init: Any = "uniform",
                 bias_init: Any = "uniform", rng: np.random.Generator | None = None) -> None:
        super().__init__()
        nout = positive_int("Layer", "nout", nout)
        self.neurons = ModuleList(Neuron(nin, activation, init, bias_init, rng)
                                  for _ in range(nout))

    @classmethod
    def _state_shapes(cls, nin: int, nout: int, *args: Any, **kwargs: Any
                      ) -> dict[str, tuple[int, ...]]:
        nin, nout = positive_int("Layer", "nin", nin), positive_int("Layer", "nout", nout)
        return {"weight": (nout, nin), "bias": (nout,)}

    def _state_slots(self) -> dict[str, Slot]:
        nin, nout = len(self.neurons[0].w), len(self.neurons)
        return {"weight": ValuesSlot([w for n in self.neurons for w in n.w], (nout, nin)),
                "bias": ValuesSlot([n.b for n in self.neurons], (nout,))}

    def _state_children(self) -> list[tuple[str, Module]]:
        return []  # the neurons' state is packed into this layer's weight and bias

    def forward(self, x: Inputs) -> Value | list[Value]:
        if type(x) is not list or len(x) != len(self.neurons[0].w):
            x = _inputs(x, len(self.neurons[0].w), "Layer")
        if type(x[0]) is not Value:  # numbers become Values once, not once per neuron
            x = [xi if isinstance(xi, Value) else _constant(xi, "Layer") for xi in x]
        out = [neuron(x) for neuron in self.neurons]
        return out[0] if len(out) == 1 else out

    def extra_repr(self) -> str:
        first = self.neurons[0]
        return (f"nin={len(first.w)}, nout={len(self.neurons)}, "
                f"activation={_name(first.activation)}")

    def __repr__(self) -> str:  # one line: n identical neurons are not worth n lines
        return f"Layer({self.extra_repr()})"


class MLP(Module):
    """Layers of sizes ``nouts`` after ``nin`` inputs: ``MLP(3, [4, 4, 1])``.

    Hidden layers use ``activation`` (default "tanh"), the last ``output_activation``
    (default "linear", so the output can take any value, for regression or logits).
    Returns a Value when the last size is 1, else a list of Values.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: Any = "tanh",
                 output_activation: Any = "linear", init: Any = "uniform",
                 bias_init: Any = "uniform", rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not isinstance(nouts, (list, tuple)) or not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        sizes = [nin, *nouts]
        get_activation(activation)  # a bad name is an error even with no hidden layer
        self.layers = ModuleList(
            Layer(sizes[i], sizes[i + 1],
                  output_activation if i == len(nouts) - 1 else activation,
                  init, bias_init, rng)
            for i in range(len(nouts)))

    @classmethod
    def _state_shapes(cls, nin: int, nouts: Sequence[int], *args: Any, **kwargs: Any
                      ) -> dict[str, tuple[int, ...]]:
        if not isinstance(nouts, (list, tuple)) or not nouts:
            raise ValueError(f"MLP: nouts must list at least one layer size, got {nouts!r}")
        sizes = [positive_int("MLP", "nin", nin)]
        sizes += [positive_int("MLP", "a layer size", n) for n in nouts]
        shapes = {}
        for i in range(len(nouts)):
            shapes[f"layers.{i}.weight"] = (sizes[i + 1], sizes[i])
            shapes[f"layers.{i}.bias"] = (sizes[i + 1],)
        return shapes

    def forward(self, x: Inputs) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
            x = [x] if isinstance(x, Value) else x
        return x[0] if len(x) == 1 else x


def _inputs(x: Any, n: int, who: str) -> list[Any]:
    if isinstance(x, (Value, int, float)):
        x = [x]
    elif isinstance(x, np.ndarray):
        x = x.reshape(-1).tolist()
    x = list(x)
    if len(x) != n:
        raise ValueError(f"{who}: expected {n} inputs, got {len(x)}")
    return x


def _constant(x: Any, who: str) -> Value:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{who}: inputs must be numbers or Values, got {type(x).__name__} "
                        f"{x!r}")
    return Value(x)


def _name(activation: Any) -> str:
    if isinstance(activation, str):
        return repr(activation)
    return getattr(activation, "__name__", type(activation).__name__)
