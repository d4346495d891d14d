"""SGD, Adam, AdamW and RMSprop with PyTorch's update formulas, per parameter group.

Each works on Value and Tensor parameters alike. ``weight_decay`` is L2
regularisation added to the gradient (g = grad + weight_decay * p), except in AdamW,
which decays the weights directly (p = p - lr * weight_decay * p).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._checks import boolean, real
from .optimizer import Optimizer

State = dict[str, Any]


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
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "nesterov": nesterov, "weight_decay": weight_decay})

    def _check_settings(self, group: dict[str, Any]) -> None:
        for name in ("lr", "momentum", "dampening", "weight_decay"):
            group[name] = real("SGD", name, group[name])
        group["nesterov"] = boolean("SGD", "nesterov", group["nesterov"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening 0")

    def _update(self, p: np.ndarray, g: np.ndarray, state: State, h: dict[str, Any]
                ) -> tuple[Any, State]:
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        new_state = {}
        if h["momentum"]:
            buf = state.get("momentum_buffer")
            buf = g.copy() if buf is None else h["momentum"] * buf + (1 - h["dampening"]) * g
            new_state["momentum_buffer"] = buf
            g = g + h["momentum"] * buf if h["nesterov"] else buf
        return p - h["lr"] * g, new_state


def _check_adam(who: str, group: dict[str, Any]) -> None:
    betas = group["betas"]
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}")
    group["betas"] = (real(who, "beta1", betas[0], below=1.0),
                      real(who, "beta2", betas[1], below=1.0))
    for name in ("lr", "eps", "weight_decay"):
        group[name] = real(who, name, group[name])
    group["amsgrad"] = boolean(who, "amsgrad", group["amsgrad"])


def _adam_step(p: np.ndarray, g: np.ndarray, state: State, h: dict[str, Any]
               ) -> tuple[Any, State]:
    """m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g**2 (v_max = max(v_max, v)
    with amsgrad);  p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)."""
    beta1, beta2 = h["betas"]
    t = state.get("step", 0) + 1
    m = beta1 * state.get("exp_avg", 0.0 * g) + (1 - beta1) * g
    v = beta2 * state.get("exp_avg_sq", 0.0 * g) + (1 - beta2) * g * g
    new_state = {"step": t, "exp_avg": m, "exp_avg_sq": v}
    if h["amsgrad"]:
        v = np.maximum(state.get("max_exp_avg_sq", 0.0 * g), v)
        new_state["max_exp_avg_sq"] = v
    step_size = h["lr"] / (1 - beta1**t)
    denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + h["eps"]
    return p - step_size * m / denom, new_state


class Adam(Optimizer):
    """Adam (Kingma & Ba), PyTorch's form; t counts this parameter's steps from 1:

        g = grad + weight_decay * p
        m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g**2
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad})

    def _check_settings(self, group: dict[str, Any]) -> None:
        _check_adam(type(self).__name__, group)

    def _update(self, p: np.ndarray, g: np.ndarray, state: State, h: dict[str, Any]
                ) -> tuple[Any, State]:
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        return _adam_step(p, g, state, h)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's form:

        p = p * (1 - lr * weight_decay), then the Adam step on the plain gradient.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)

    def _update(self, p: np.ndarray, g: np.ndarray, state: State, h: dict[str, Any]
                ) -> tuple[Any, State]:
        return _adam_step(p * (1 - h["lr"] * h["weight_decay"]), g, state, h)


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
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered})

    def _check_settings(self, group: dict[str, Any]) -> None:
        for name in ("lr", "alpha", "eps", "weight_decay", "momentum"):
            group[name] = real("RMSprop", name, group[name])
        group["centered"] = boolean("RMSprop", "centered", group["centered"])

    def _update(self, p: np.ndarray, g: np.ndarray, state: State, h: dict[str, Any]
                ) -> tuple[Any, State]:
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        alpha = h["alpha"]
        s = alpha * state.get("square_avg", 0.0 * g) + (1 - alpha) * g * g
        new_state: State = {"square_avg": s}
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
    "adamw": (AdamW, {}),
    "rmsprop": (RMSprop, {}),
}


def get_optimizer(optimizer: str | Optimizer, params: Iterable[Any]) -> Optimizer:
    """An optimizer instance, or one made by name ("sgd" with lr 0.01, "adam", "adamw",
    "rmsprop")."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        cls, settings = OPTIMIZERS[optimizer.lower()]
        return cls(params, **settings)
    raise ValueError(f"optimizer: unknown optimizer {optimizer!r}; pass an instance such as "
                     f"nn.optim.Adam(model.parameters()) or one of {sorted(OPTIMIZERS)}")
