"""SGD, Adam, AdamW and RMSprop with PyTorch's update formulas, per parameter group.

Each works on Value and Tensor parameters alike. ``weight_decay`` is L2
regularisation added to the gradient (g = grad + weight_decay * p), except in AdamW,
which decays the weights directly (p = p - lr * weight_decay * p).

Each ``_update`` writes into ``p`` and its buffers with NumPy's in-place operators and
``out=`` arguments, using the optimizer's two scratch arrays (``work``, ``spare``) for
intermediate results; every formula keeps the order of its operations (so ``a * b + c``
rounds as it always did). ``p.grad`` is only read, and read in full before ``p`` is
written. A buffer starts at zeros, as PyTorch's (SGD's momentum at the first gradient).
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
                ) -> None:
        work, spare = self._work(p)
        momentum = h["momentum"]
        g = _with_weight_decay(g, p, h["weight_decay"], work)
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                # (1 - 0) * g is g exactly; else g is needed no more (nesterov: dampening 0)
                buf += np.multiply(g, 1 - h["dampening"], out=work) if h["dampening"] else g
            if h["nesterov"]:
                g = np.add(g, np.multiply(buf, momentum, out=spare), out=spare)
            else:
                g = buf
        p -= np.multiply(g, h["lr"], out=work)


def _check_adam(who: str, group: dict[str, Any]) -> None:
    betas = group["betas"]
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}")
    group["betas"] = (real(who, "beta1", betas[0], below=1.0),
                      real(who, "beta2", betas[1], below=1.0))
    for name in ("lr", "eps", "weight_decay"):
        group[name] = real(who, name, group[name])
    group["amsgrad"] = boolean(who, "amsgrad", group["amsgrad"])


def _with_weight_decay(g: np.ndarray, p: np.ndarray, weight_decay: float,
                       work: np.ndarray) -> np.ndarray:
    """g + weight_decay * p, written into ``work`` (g itself when weight_decay is 0)."""
    if not weight_decay:
        return g
    return np.add(g, np.multiply(p, weight_decay, out=work), out=work)


def _average_into(average: np.ndarray, x: np.ndarray, beta: float,
                  scratch: np.ndarray) -> None:
    """average = beta * average + (1 - beta) * x, in place."""
    average *= beta
    average += np.multiply(x, 1 - beta, out=scratch)


def _average_square_into(average: np.ndarray, g: np.ndarray, beta: float,
                         scratch: np.ndarray) -> None:
    """average = beta * average + (1 - beta) * g * g, in place."""
    average *= beta
    square = np.multiply(g, 1 - beta, out=scratch)
    square *= g
    average += square


def _zeros(state: State, name: str, like: np.ndarray) -> np.ndarray:
    """``state[name]``, made of zeros shaped like ``like`` on the first step."""
    buf = state.get(name)
    if buf is None:
        buf = state[name] = np.zeros_like(like)
    return buf


def _adam_step(opt: Optimizer, p: np.ndarray, g: np.ndarray, state: State,
               h: dict[str, Any], decay: float = 0.0) -> None:
    """m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g**2 (v_max = max(v_max, v)
    with amsgrad);  p = p * (1 - lr * decay) - lr / (1 - beta1**t) * m / (sqrt(v) /
    sqrt(1 - beta2**t) + eps)."""
    beta1, beta2 = h["betas"]
    work, spare = opt._work(p)
    m, v = _zeros(state, "exp_avg", p), _zeros(state, "exp_avg_sq", p)
    t = state["step"] = state.get("step", 0) + 1
    _average_into(m, g, beta1, spare)
    _average_square_into(v, g, beta2, spare)
    if h["amsgrad"]:
        v = np.maximum(_zeros(state, "max_exp_avg_sq", p), v, out=state["max_exp_avg_sq"])
    denom = np.sqrt(v, out=work)
    denom /= math.sqrt(1 - beta2**t)
    denom += h["eps"]
    change = np.multiply(m, h["lr"] / (1 - beta1**t), out=spare)
    change /= denom
    if decay:
        p *= 1 - h["lr"] * decay
    p -= change


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
                ) -> None:
        # into the work array, which _adam_step reuses only after reading g
        g = _with_weight_decay(g, p, h["weight_decay"], self._work(p)[0])
        _adam_step(self, p, g, state, h)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's form:

        p = p * (1 - lr * weight_decay), then the Adam step on the plain gradient.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)

    def _update(self, p: np.ndarray, g: np.ndarray, state: State, h: dict[str, Any]
                ) -> None:
        _adam_step(self, p, g, state, h, decay=h["weight_decay"])


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
                ) -> None:
        work, spare = self._work(p)
        alpha = h["alpha"]
        g = _with_weight_decay(g, p, h["weight_decay"], work)
        square_avg = _zeros(state, "square_avg", p)
        _average_square_into(square_avg, g, alpha, spare)
        if h["centered"]:
            grad_avg = _zeros(state, "grad_avg", p)
            _average_into(grad_avg, g, alpha, spare)
            centered = np.subtract(square_avg, np.multiply(grad_avg, grad_avg, out=spare),
                                   out=spare)
            denom = np.sqrt(centered, out=spare)
        else:
            denom = np.sqrt(square_avg, out=spare)
        denom += h["eps"]
        d = np.divide(g, denom, out=spare)
        if h["momentum"]:
            buf = _zeros(state, "momentum_buffer", p)
            buf *= h["momentum"]
            buf += d
            d = buf
        p -= np.multiply(d, h["lr"], out=work)


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
