"""The op tables random expressions are built from, each op with its domain.

An op may be applied only where it is differentiable and central differences can see
its derivative: ``log``/``sqrt`` of positives, division away from 0, ``relu``/``abs``/
``leaky_relu`` away from their kink at 0, ``**`` with a positive base, ``max`` without
near-ties. Each ``Op`` states this as ``params(*operand_data)``: the parameters (an
exponent, an axis, ...) with which it may be applied to operands holding that data,
an empty list where it may not be applied at all. The functions themselves are never
shifted or clipped to make them safe: the op is simply not drawn there.

The elementwise ops are written with methods and operators that Value and Tensor
share, so one table serves both; ``TENSOR_OPS`` adds broadcasting, reductions,
reshaping, indexing, softmax, matmul, concatenate, stack, where and maximum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd

#: How far inside its domain an operand of log, sqrt, 1/x or a base of ** must be.
DOMAIN_MARGIN = 0.1
#: How far from a kink (relu, abs, leaky_relu at 0; ties of max, min and maximum).
KINK_MARGIN = 1e-2


@dataclass(frozen=True)
class Op:
    """One operation: ``apply(*operands, param)`` builds it, ``template`` prints it.

    ``params(*data)`` lists the parameters with which the op is differentiable at
    operands holding ``data`` (``[None]`` for an op without parameters; ``[]`` where
    the op must not be drawn).
    """

    name: str
    arity: int
    template: str
    apply: Callable[..., Any]
    params: Callable[..., Sequence[Any]]

    def describe(self, operands: Sequence[str], param: Any) -> str:
        """The op applied to operands named ``operands``, as source text."""
        return self.template.format(*operands, p=param)


def _everywhere(*data: Any) -> list[None]:
    return [None]


def _where(condition: Callable[..., Any]) -> Callable[..., list[None]]:
    """Parameters for a parameterless op that is defined where ``condition`` holds."""
    return lambda *data: [None] if _all(condition(*data)) else []


def _choices(options: Sequence[Any],
             condition: Callable[..., Any] = lambda *data: True) -> Callable[..., list[Any]]:
    """The ``options`` for which ``condition(*data, option)`` holds everywhere."""
    return lambda *data: [p for p in options if _all(condition(*data, p))]


def _all(condition: Any) -> bool:
    return bool(np.all(condition))


def _positive(x: Any) -> Any:
    return np.asarray(x) > DOMAIN_MARGIN


def _nonzero(x: Any) -> Any:
    return np.abs(x) > DOMAIN_MARGIN


def _off_kink(x: Any) -> Any:
    return np.abs(x) > KINK_MARGIN


def _broadcastable(a: Any, b: Any) -> bool:
    try:
        np.broadcast_shapes(np.shape(a), np.shape(b))
    except ValueError:
        return False
    return True


def _power_domain(x: Any, p: float) -> Any:
    """x ** p: any x for p = 0, 1, 2, ...; x != 0 for negative integers; x > 0 otherwise."""
    if float(p).is_integer():
        return True if p >= 0 else _nonzero(x)
    return _positive(x)


def _unary(name: str, template: str, apply: Callable[[Any], Any],
           domain: Callable[[Any], Any] | None = None) -> Op:
    params = _everywhere if domain is None else _where(domain)
    return Op(name, 1, template, lambda x, p: apply(x), params)


def _binary(name: str, template: str, apply: Callable[[Any, Any], Any],
            domain: Callable[[Any, Any], Any] | None = None) -> Op:
    def params(a: Any, b: Any) -> list[None]:
        ok = _broadcastable(a, b) and (domain is None or _all(domain(a, b)))
        return [None] if ok else []
    return Op(name, 2, template, lambda a, b, p: apply(a, b), params)


ELEMENTWISE_OPS: tuple[Op, ...] = (
    # Binary ops first: hypothesis favours early candidates, and they share nodes.
    _binary("add", "{0} + {1}", lambda a, b: a + b),
    _binary("sub", "{0} - {1}", lambda a, b: a - b),
    _binary("mul", "{0} * {1}", lambda a, b: a * b),
    _binary("div", "{0} / {1}", lambda a, b: a / b, lambda a, b: _nonzero(b)),
    _binary("pow", "{0} ** {1}", lambda a, b: a ** b, lambda a, b: _positive(a)),
    _unary("neg", "-{0}", lambda x: -x),
    _unary("exp", "exp({0})", lambda x: x.exp()),
    _unary("log", "log({0})", lambda x: x.log(), _positive),
    _unary("sqrt", "sqrt({0})", lambda x: x.sqrt(), _positive),
    _unary("tanh", "tanh({0})", lambda x: x.tanh()),
    _unary("sigmoid", "sigmoid({0})", lambda x: x.sigmoid()),
    _unary("softplus", "softplus({0})", lambda x: x.softplus()),
    _unary("sin", "sin({0})", lambda x: x.sin()),
    _unary("cos", "cos({0})", lambda x: x.cos()),
    _unary("relu", "relu({0})", lambda x: x.relu(), _off_kink),
    _unary("abs", "abs({0})", lambda x: x.abs(), _off_kink),
    Op("leaky_relu", 1, "leaky_relu({0}, {p})", lambda x, p: x.leaky_relu(p),
       _choices((0.01, 0.2), lambda x, p: _off_kink(x))),
    Op("pow_number", 1, "{0} ** {p}", lambda x, p: x ** p,
       _choices((2, 3, -1, 0.5, 1.5), _power_domain)),
    Op("radd", 1, "{p} + {0}", lambda x, p: p + x, _choices((2.0, -1.5))),
    Op("rsub", 1, "{p} - {0}", lambda x, p: p - x, _choices((1.0, -0.5))),
    Op("rmul", 1, "{p} * {0}", lambda x, p: p * x, _choices((2.0, -0.5))),
    Op("rdiv", 1, "{p} / {0}", lambda x, p: p / x, _choices((1.0, -2.0), lambda x, p: _nonzero(x))),
    Op("rpow", 1, "{p} ** {0}", lambda x, p: p ** x, _choices((2.0, 0.5))),
    Op("add_number", 1, "{0} + {p}", lambda x, p: x + p, _choices((0.5,))),
    Op("sub_number", 1, "{0} - {p}", lambda x, p: x - p, _choices((1.5,))),
    Op("mul_number", 1, "{0} * {p}", lambda x, p: x * p, _choices((3.0, -0.25))),
    Op("div_number", 1, "{0} / {p}", lambda x, p: x / p, _choices((2.0, -0.5))),
)

#: The op set of ``expressions()``: every Value operation.
VALUE_OPS = ELEMENTWISE_OPS


# --- Tensor-only ops ---------------------------------------------------------------

def _reduction_params(x: Any) -> list[tuple[Any, bool]]:
    x = np.asarray(x)
    if x.ndim == 0:
        return []
    return [(axis, keepdims) for axis in (None, *range(x.ndim)) for keepdims in (False, True)]


def _unique_extremum(x: np.ndarray, axis: Any, largest: bool) -> bool:
    """The extremum along ``axis`` beats the runner-up by more than KINK_MARGIN."""
    x = np.asarray(x)
    moved = x.reshape(-1) if axis is None else np.moveaxis(x, axis, -1)
    if moved.shape[-1] < 2:
        return True
    ordered = np.sort(moved, axis=-1)
    gap = ordered[..., -1] - ordered[..., -2] if largest else ordered[..., 1] - ordered[..., 0]
    return _all(gap > KINK_MARGIN)


def _extremum_params(largest: bool) -> Callable[[Any], list[tuple[Any, bool]]]:
    return lambda x: [p for p in _reduction_params(x) if _unique_extremum(x, p[0], largest)]


def _axis_params(x: Any) -> list[int]:
    return list(range(-1, np.ndim(x) - 1)) if np.ndim(x) > 0 else []


def _matmul_params(a: Any, b: Any) -> list[None]:
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        return []
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])  # the batch axes
    except ValueError:
        return []
    return [None]


def _gram(x: Any) -> Any:
    return x @ x.T


def _index_params(x: Any) -> list[tuple[str, Any]]:
    x = np.asarray(x)
    if x.ndim == 0:
        return []
    last = x.shape[0] - 1
    return [("[::2]", slice(None, None, 2)), ("[1:]", slice(1, None)),
            (f"[[0, 0, {last}]]", np.array([0, 0, last])), ("[..., -1]", (Ellipsis, -1))]


def _joinable(a: Any, b: Any) -> list[int]:
    """Axes along which ``a`` and ``b`` can be concatenated."""
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != b.ndim or a.ndim == 0:
        return []
    return [k for k in range(a.ndim)
            if a.shape[:k] + a.shape[k + 1:] == b.shape[:k] + b.shape[k + 1:]]


# The shape-changing ops come first: hypothesis favours early candidates.
TENSOR_OPS: tuple[Op, ...] = (
    _unary("reshape", "{0}.reshape(-1)", lambda x: x.reshape(-1), lambda x: np.ndim(x) >= 2),
    _unary("transpose", "{0}.T", lambda x: x.T, lambda x: np.ndim(x) >= 2),
    Op("getitem", 1, "{0}{p[0]}", lambda x, p: x[p[1]], _index_params),
    Op("matmul", 2, "{0} @ {1}", lambda a, b, p: a @ b, _matmul_params),
    _unary("gram", "{0} @ {0}.T", _gram, lambda x: np.ndim(x) in (1, 2)),
    Op("concatenate", 2, "concatenate([{0}, {1}], axis={p})",
       lambda a, b, p: autograd.concatenate([a, b], axis=p), _joinable),
    Op("stack", 2, "stack([{0}, {1}], axis={p})", lambda a, b, p: autograd.stack([a, b], axis=p),
       lambda a, b: list(range(np.ndim(a) + 1)) if np.shape(a) == np.shape(b) else []),
    _binary("maximum", "maximum({0}, {1})", autograd.maximum,
            lambda a, b: np.abs(np.asarray(a) - b) > KINK_MARGIN),
    Op("where", 2, "where({0} > {1} at the drawn point, {0}, {1})",
       lambda a, b, m: autograd.where(m, a, b),
       lambda a, b: [np.asarray(a) > b] if _broadcastable(a, b) else []),
    Op("sum", 1, "{0}.sum(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.sum(axis=p[0], keepdims=p[1]), _reduction_params),
    Op("mean", 1, "{0}.mean(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.mean(axis=p[0], keepdims=p[1]), _reduction_params),
    Op("max", 1, "{0}.max(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.max(axis=p[0], keepdims=p[1]), _extremum_params(largest=True)),
    Op("min", 1, "{0}.min(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.min(axis=p[0], keepdims=p[1]), _extremum_params(largest=False)),
    Op("logsumexp", 1, "{0}.logsumexp(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.logsumexp(axis=p[0], keepdims=p[1]), _reduction_params),
    Op("softmax", 1, "{0}.softmax(axis={p})", lambda x, p: x.softmax(axis=p), _axis_params),
    Op("log_softmax", 1, "{0}.log_softmax(axis={p})", lambda x, p: x.log_softmax(axis=p),
       _axis_params),
) + ELEMENTWISE_OPS
