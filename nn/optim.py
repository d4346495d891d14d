"""Optimizers with PyTorch's update formulas, for Value and Tensor parameters alike.

``step()`` first checks every gradient and computes every new value, then writes them
all: a step is never half-applied. A parameter whose gradient is None (a Tensor that
took no part in the last backward) is skipped, as in PyTorch. ``weight_decay`` is L2
regularisation added to the gradient: g = grad + weight_decay * p.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import Tensor, Value

from .module import zero_grads


def _number(name: str, who: str, x: Any, low: float = 0.0, below: float | None = None) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or math.isnan(x):
        raise ValueError(f"{who}: {name} must be a number, got {x!r}")
    if x < low or (below is not None and x >= below):
        limit = f"in [{low}, {below})" if below is not None else f">= {low}"
        raise ValueError(f"{who}: invalid {name} {x!r}; it must be {limit}")
    return float(x)


class Optimizer:
    """Holds the parameters and per-parameter state; subclasses define ``_update``."""

    def __init__(self, params: Iterable[Any], **hyper: Any) -> None:
        self.params = list(params)
        who = type(self).__name__
        if not self.params:
            raise ValueError(f"{who}: got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, (Value, Tensor)):
                raise TypeError(f"{who}: params[{i}] is a {type(p).__name__}, not a Value "
                                "or Tensor (pass model.parameters())")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{who}: a parameter appears more than once")
        self.defaults = hyper
        self.state: list[dict[str, Any]] = [{} for _ in self.params]

    @property
    def lr(self) -> float:
        return self.defaults["lr"]

    @lr.setter
    def lr(self, value: float) -> None:  # learning-rate schedules assign to it
        self.defaults["lr"] = _number("lr", type(self).__name__, value)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset gradients: a Tensor's to None (or zeros), a Value's to 0.0."""
        zero_grads(self.params, set_to_none)

    def _gradients(self) -> list[np.ndarray | None]:
        """Every gradient as an array in its parameter's dtype, checked before any update."""
        who = type(self).__name__
        grads = []
        for i, p in enumerate(self.params):
            if p.grad is None:
                grads.append(None)
                continue
            g = np.asarray(p.grad)
            shape = np.shape(p.data)
            if g.shape != shape or g.dtype.kind not in "biuf":
                raise ValueError(f"{who}.step: params[{i}] has shape {shape} but its grad has "
                                 f"shape {g.shape} and dtype {g.dtype}; nothing was updated")
            dtype = p.data.dtype if isinstance(p, Tensor) else np.float64
            grads.append(g.astype(dtype, copy=False))
        return grads

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient."""
        grads = self._gradients()
        results = []
        for p, g, state in zip(self.params, grads, self.state):
            if g is None:
                continue
            data = p.data if isinstance(p, Tensor) else np.float64(p.data)
            new_data, new_state = self._update(data, g, state)
            results.append((p, new_data, state, new_state))
        for p, new_data, state, new_state in results:
            if isinstance(p, Tensor):
                p.data = np.asarray(new_data, dtype=p.data.dtype)
            else:
                p.data = float(new_data)
            state.update(new_state)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> tuple[Any, dict]:
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum (PyTorch's form):

        g = grad + weight_decay * p
        b = g                                   on the first step
        b = momentum * b + (1 - dampening) * g  afterwards
        g = g + momentum * b  (nesterov)   or   g = b
        p = p - lr * g
    """

    def __init__(self, params: Iterable[Any], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        who = "SGD"
        super().__init__(params, lr=_number("lr", who, lr),
                         momentum=_number("momentum", who, momentum),
                         dampening=_number("dampening", who, dampening),
                         nesterov=bool(nesterov),
                         weight_decay=_number("weight_decay", who, weight_decay))
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening 0")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> tuple[Any, dict]:
        h = self.defaults
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        new_state = {}
        if h["momentum"]:
            buf = state.get("momentum_buffer")
            buf = g.copy() if buf is None else h["momentum"] * buf + (1 - h["dampening"]) * g
            new_state["momentum_buffer"] = buf
            g = g + h["momentum"] * buf if h["nesterov"] else buf
        return p - h["lr"] * g, new_state


class Adam(Optimizer):
    """Adam (Kingma & Ba), PyTorch's form; t counts this parameter's steps from 1:

        g = grad + weight_decay * p
        m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g**2
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        who = "Adam"
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        super().__init__(params, lr=_number("lr", who, lr),
                         betas=(_number("beta1", who, betas[0], below=1.0),
                                _number("beta2", who, betas[1], below=1.0)),
                         eps=_number("eps", who, eps),
                         weight_decay=_number("weight_decay", who, weight_decay))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> tuple[Any, dict]:
        h = self.defaults
        beta1, beta2 = h["betas"]
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        t = state.get("step", 0) + 1
        m = beta1 * state.get("exp_avg", 0.0 * g) + (1 - beta1) * g
        v = beta2 * state.get("exp_avg_sq", 0.0 * g) + (1 - beta2) * g * g
        step_size = h["lr"] / (1 - beta1**t)
        denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + h["eps"]
        return p - step_size * m / denom, {"step": t, "exp_avg": m, "exp_avg_sq": v}


class RMSprop(Optimizer):
    """RMSprop (Hinton), PyTorch's form:

        g = grad + weight_decay * p
        s = alpha * s + (1 - alpha) * g**2
        c = s - a**2 with a = alpha * a + (1 - alpha) * g  (centered)   or   c = s
        d = g / (sqrt(c) + eps)
        b = momentum * b + d;  p = p - lr * b  (momentum > 0)   or   p = p - lr * d
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        who = "RMSprop"
        super().__init__(params, lr=_number("lr", who, lr), alpha=_number("alpha", who, alpha),
                         eps=_number("eps", who, eps),
                         weight_decay=_number("weight_decay", who, weight_decay),
                         momentum=_number("momentum", who, momentum), centered=bool(centered))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> tuple[Any, dict]:
        h = self.defaults
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        alpha = h["alpha"]
        s = alpha * state.get("square_avg", 0.0 * g) + (1 - alpha) * g * g
        new_state: dict[str, Any] = {"square_avg": s}
        if h["centered"]:
            a = alpha * state.get("grad_avg", 0.0 * g) + (1 - alpha) * g
            new_state["grad_avg"] = a
            s = s - a * a
        d = g / (np.sqrt(s) + h["eps"])
        if h["momentum"]:
            d = h["momentum"] * state.get("momentum_buffer", 0.0 * g) + d
            new_state["momentum_buffer"] = d
        return p - h["lr"] * d, new_state


OPTIMIZERS: dict[str, tuple[type[Optimizer], dict[str, Any]]] = {
    "sgd": (SGD, {"lr": 0.01}),
    "adam": (Adam, {}),
    "rmsprop": (RMSprop, {}),
}


def get_optimizer(optimizer: str | Optimizer, params: Iterable[Any]) -> Optimizer:
    """An optimizer instance, or one made by name ("sgd" with lr 0.01, "adam", "rmsprop")."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        cls, settings = OPTIMIZERS[optimizer.lower()]
        return cls(params, **settings)
    raise ValueError(f"optimizer: unknown optimizer {optimizer!r}; pass an instance such as "
                     f"nn.optim.Adam(model.parameters()) or one of {sorted(OPTIMIZERS)}")
