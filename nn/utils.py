"""Gradient clipping, as ``torch.nn.utils``: rescale or clamp ``.grad`` before a step.

Both take the parameters (an iterable, or one Tensor/Value) and change only their
gradients (a parameter whose grad is None is skipped).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import Tensor, Value

from ._checks import real


def _with_grads(params: Any, who: str) -> list[Any]:
    if isinstance(params, (Tensor, Value)):
        params = [params]
    if not isinstance(params, Iterable):
        raise TypeError(f"{who}: expected parameters (e.g. model.parameters()), got "
                        f"{type(params).__name__}")
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, (Tensor, Value)):
            raise TypeError(f"{who}: params[{i}] is a {type(p).__name__}, not a Tensor or Value")
    return [p for p in params if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Any] | Tensor | Value, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False) -> float:
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)), where total_norm
    is the ``norm_type``-norm of all gradients taken together (``inf``: the largest
    |g|). Returns total_norm (before clipping), as PyTorch."""
    who = "clip_grad_norm_"
    params = _with_grads(parameters, who)
    max_norm = real(who, "max_norm", max_norm)
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float)) \
            or not norm_type > 0:
        raise ValueError(f"{who}: norm_type must be a positive number or inf, got {norm_type!r}")
    if not params:
        return 0.0
    grads = [np.asarray(p.grad, dtype=np.float64) for p in params]
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        norms = np.array([np.sum(np.abs(g) ** norm_type) ** (1.0 / norm_type) for g in grads])
        total = float(np.sum(norms ** norm_type) ** (1.0 / norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise ValueError(f"{who}: the total norm of the gradients is {total}; pass "
                         "error_if_nonfinite=False to clip anyway")
    coefficient = min(max_norm / (total + 1e-6), 1.0)
    for p in params:
        p.grad = _scaled(p, coefficient)
    return total


def _scaled(p: Any, factor: float) -> Any:
    if isinstance(p, Tensor):
        g = np.asarray(p.grad)
        return g * np.asarray(factor, dtype=g.dtype)
    return float(p.grad) * factor


def clip_grad_value_(parameters: Iterable[Any] | Tensor | Value, clip_value: float) -> None:
    """Clamp every gradient entry into [-clip_value, clip_value]."""
    who = "clip_grad_value_"
    params = _with_grads(parameters, who)
    limit = real(who, "clip_value", clip_value)
    for p in params:
        if isinstance(p, Tensor):
            p.grad = np.clip(np.asarray(p.grad), -limit, limit)
        else:
            p.grad = min(max(float(p.grad), -limit), limit)


__all__ = ["clip_grad_norm_", "clip_grad_value_"]
