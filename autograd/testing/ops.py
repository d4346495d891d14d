"""The op-info table (PyTorch's OpInfo idea): how to test each op of the engine.

One row per way of calling an op: how to build it (``apply``), how to print it
(``template``), where it is differentiable (``params``), which engine ops it exercises
(``covers``, names in ``autograd.ops.ALL_OPS``), how to draw operands inside its
domain (``domain``: keyword arguments of ``values()``/``arrays()`` per operand) and,
for Value rows, a reference derivative on plain floats (``reference``). The same
table drives ``expressions()``, ``tensor_expressions()``, the op tests
(tests/test_op_table.py: first and second derivatives of every row) and the state
machine; a test checks that every engine op is covered by some row.

An op may be applied only where it is differentiable and central differences can see
its derivative: ``log``/``sqrt`` of positives, division away from 0, ``relu``/``abs``/
``leaky_relu`` away from their kink at 0, ``**`` with a positive base, ``max`` without
near-ties. ``params(*operand_data)`` states this: the parameters (an exponent, an axis,
...) with which the op may be applied to operands holding that data, an empty list
where it may not be applied at all (``domains.py`` holds these functions and the
margins). The functions themselves are never shifted or
clipped to make them safe: the op is simply not drawn there.

The elementwise rows are written with methods and operators that Value and Tensor
share, so one table serves both; ``TENSOR_OPS`` adds broadcasting, reductions,
reshaping, indexing, softmax, matmul, concatenate, stack, where and maximum.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd

from .domains import (
    KINK_MARGIN,
    MARGIN_OF_ZERO,
    all_true,
    axis_params,
    broadcast_params,
    broadcastable,
    choices,
    class_label_params,
    defined_where,
    everywhere,
    extremum_params,
    index_params,
    joinable,
    linear_params,
    matmul_params,
    nonzero,
    off_kink,
    pad_params,
    positive,
    power_domain,
    reduction_params,
    spread_params,
    sum_to_params,
    target_weights_params,
    window_params,
)


@dataclass(frozen=True)
class Op:
    """One row: ``apply(*operands, param)`` builds the op, ``template`` prints it.

    ``params(*data)`` lists the parameters with which the op is differentiable at
    operands holding ``data`` (``[None]`` for an op without parameters; ``[]`` where
    the op must not be drawn). ``reference(*floats, param) -> (value, partials)``
    differentiates it independently of the engine (Value rows).
    """

    name: str
    arity: int
    template: str
    apply: Callable[..., Any]
    params: Callable[..., Sequence[Any]]
    covers: tuple[str, ...] = ()
    domain: tuple[dict, ...] = ()
    reference: Callable[..., tuple[float, tuple[float, ...]]] | None = None

    def operand_domain(self, i: int) -> dict:
        """Keyword arguments of ``values()``/``arrays()`` that draw operand ``i`` in the domain."""
        return self.domain[i] if i < len(self.domain) else {}

    def describe(self, operands: Sequence[str], param: Any) -> str:
        """The op applied to operands named ``operands``, as source text."""
        return self.template.format(*operands, p=param)


_POSITIVE = ({"positive": True},)
_OFF_ZERO = ({"away_from_zero": True},)


def _unary(name: str, template: str, apply: Callable[[Any], Any],
           domain: Callable[[Any], Any] | None = None, covers: str | None = None,
           draw: tuple[dict, ...] = (), reference: Callable[[float], tuple] | None = None,
           ) -> Op:
    params = everywhere if domain is None else defined_where(domain)
    ref = None if reference is None else (lambda x, p: reference(x))
    return Op(name, 1, template, lambda x, p: apply(x), params, (covers or name,), draw, ref)


def _binary(name: str, template: str, apply: Callable[[Any, Any], Any],
            domain: Callable[[Any, Any], Any] | None = None, covers: str | None = None,
            draw: tuple[dict, ...] = (),
            reference: Callable[[float, float], tuple] | None = None) -> Op:
    def params(a: Any, b: Any) -> list[None]:
        ok = broadcastable(a, b) and (domain is None or all_true(domain(a, b)))
        return [None] if ok else []
    ref = None if reference is None else (lambda a, b, p: reference(a, b))
    return Op(name, 2, template, lambda a, b, p: apply(a, b), params, (covers or name,), draw,
              ref)


def _number(name: str, template: str, apply: Callable[[Any, Any], Any], options: Sequence[Any],
            covers: str, reference: Callable[[float, Any], tuple],
            condition: Callable[..., Any] = lambda *data: True,
            draw: tuple[dict, ...] = ()) -> Op:
    """A row combining one operand with a number ``p`` drawn from ``options``."""
    return Op(name, 1, template, apply, choices(options, condition), (covers,), draw,
              reference)


def _sigmoid(x: float) -> float:
    return 0.5 * (1 + math.tanh(x / 2))


def _gelu(x: float) -> tuple[float, tuple[float]]:
    cdf = 0.5 * (1 + math.erf(x / math.sqrt(2)))
    return x * cdf, (cdf + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi),)


ELEMENTWISE_OPS: tuple[Op, ...] = (
    # Binary ops first: hypothesis favours early candidates, and they share nodes.
    _binary("add", "{0} + {1}", lambda a, b: a + b,
            reference=lambda a, b: (a + b, (1.0, 1.0))),
    _binary("sub", "{0} - {1}", lambda a, b: a - b,
            reference=lambda a, b: (a - b, (1.0, -1.0))),
    _binary("mul", "{0} * {1}", lambda a, b: a * b,
            reference=lambda a, b: (a * b, (b, a))),
    _binary("div", "{0} / {1}", lambda a, b: a / b, lambda a, b: nonzero(b),
            draw=({}, {"away_from_zero": True}),
            reference=lambda a, b: (a / b, (1 / b, -a / b ** 2))),
    _binary("pow", "{0} ** {1}", lambda a, b: a ** b, lambda a, b: positive(a), draw=_POSITIVE,
            reference=lambda a, b: (a ** b, (b * a ** (b - 1), a ** b * math.log(a)))),
    # a neuron's sum; operands used twice, so gradients from two products add up
    Op("weighted_sum", 3, "weighted_sum([{0}, {1}], [{2}, {0}], {1})",
       lambda a, b, c, p: autograd.weighted_sum([a, b], [c, a], b),
       lambda a, b, c: [None] if broadcastable(a, b, c) else [], ("weighted_sum",),
       reference=lambda a, b, c, p: (b + a * c + b * a, (c + b, a + 1.0, a))),
    _binary("weighted_sum_no_bias", "weighted_sum([{0}], [{1}])",
            lambda a, b: autograd.weighted_sum([a], [b]), covers="weighted_sum",
            reference=lambda a, b: (a * b, (b, a))),
    _unary("neg", "-{0}", lambda x: -x, reference=lambda x: (-x, (-1.0,))),
    _unary("exp", "exp({0})", lambda x: x.exp(),
           reference=lambda x: (math.exp(x), (math.exp(x),))),
    _unary("expm1", "expm1({0})", lambda x: x.expm1(),
           reference=lambda x: (math.expm1(x), (math.exp(x),))),
    _unary("log", "log({0})", lambda x: x.log(), positive, draw=_POSITIVE,
           reference=lambda x: (math.log(x), (1 / x,))),
    _unary("log1p", "log1p({0})", lambda x: x.log1p(), positive, draw=_POSITIVE,
           reference=lambda x: (math.log1p(x), (1 / (1 + x),))),
    _unary("sqrt", "sqrt({0})", lambda x: x.sqrt(), positive, draw=_POSITIVE,
           reference=lambda x: (math.sqrt(x), (0.5 / math.sqrt(x),))),
    _unary("tanh", "tanh({0})", lambda x: x.tanh(),
           reference=lambda x: (math.tanh(x), (1 / math.cosh(x) ** 2,))),
    _unary("sigmoid", "sigmoid({0})", lambda x: x.sigmoid(),
           reference=lambda x: (_sigmoid(x), (_sigmoid(x) * _sigmoid(-x),))),
    _unary("logsigmoid", "logsigmoid({0})", lambda x: x.logsigmoid(),
           reference=lambda x: (math.log(_sigmoid(x)), (_sigmoid(-x),))),
    _unary("softplus", "softplus({0})", lambda x: x.softplus(),
           reference=lambda x: (math.log1p(math.exp(x)), (_sigmoid(x),))),
    _unary("sin", "sin({0})", lambda x: x.sin(), reference=lambda x: (math.sin(x), (math.cos(x),))),
    _unary("cos", "cos({0})", lambda x: x.cos(),
           reference=lambda x: (math.cos(x), (-math.sin(x),))),
    _unary("tan", "tan({0})", lambda x: x.tan(), lambda x: np.abs(np.cos(x)) > 0.3,
           reference=lambda x: (math.tan(x), (1 / math.cos(x) ** 2,))),
    _unary("erf", "erf({0})", lambda x: x.erf(),
           reference=lambda x: (math.erf(x), (2 / math.sqrt(math.pi) * math.exp(-x * x),))),
    _unary("relu", "relu({0})", lambda x: x.relu(), off_kink, draw=_OFF_ZERO,
           reference=lambda x: (max(x, 0.0), (float(x > 0),))),
    _unary("abs", "abs({0})", lambda x: x.abs(), off_kink, draw=_OFF_ZERO,
           reference=lambda x: (abs(x), (math.copysign(1.0, x),))),
    _unary("sign", "sign({0})", lambda x: x.sign(), off_kink, draw=_OFF_ZERO,
           reference=lambda x: (math.copysign(1.0, x), (0.0,))),
    _unary("silu", "silu({0})", lambda x: x.silu(),
           reference=lambda x: (x * _sigmoid(x), (_sigmoid(x) * (1 + x * _sigmoid(-x)),))),
    _unary("gelu", "gelu({0})", lambda x: x.gelu(), reference=_gelu),
    _unary("gelu_tanh", "gelu({0}, approximate='tanh')", lambda x: x.gelu("tanh")),
    Op("leaky_relu", 1, "leaky_relu({0}, {p})", lambda x, p: x.leaky_relu(p),
       choices((0.01, 0.2), lambda x, p: off_kink(x)), ("leaky_relu",), _OFF_ZERO,
       lambda x, p: (x if x > 0 else p * x, (1.0 if x > 0 else p,))),
    Op("elu", 1, "elu({0}, {p})", lambda x, p: x.elu(p),
       choices((1.0, 0.5), lambda x, p: off_kink(x)), ("elu",), _OFF_ZERO,
       lambda x, p: (x if x > 0 else p * math.expm1(x), (1.0 if x > 0 else p * math.exp(x),))),
    _number("pow_number", "{0} ** {p}", lambda x, p: x ** p, (2, 3, -1, 0.5, 1.5),
            "pow_number", lambda x, p: (x ** p, (p * x ** (p - 1),)), power_domain,
            draw=_POSITIVE),
    _number("radd", "{p} + {0}", lambda x, p: p + x, (2.0, -1.5), "add",
            lambda x, p: (p + x, (1.0,))),
    _number("rsub", "{p} - {0}", lambda x, p: p - x, (1.0, -0.5), "sub",
            lambda x, p: (p - x, (-1.0,))),
    _number("rmul", "{p} * {0}", lambda x, p: p * x, (2.0, -0.5), "mul",
            lambda x, p: (p * x, (p,))),
    _number("rdiv", "{p} / {0}", lambda x, p: p / x, (1.0, -2.0), "div",
            lambda x, p: (p / x, (-p / x ** 2,)), lambda x, p: nonzero(x), draw=_OFF_ZERO),
    _number("rpow", "{p} ** {0}", lambda x, p: p ** x, (2.0, 0.5), "pow",
            lambda x, p: (p ** x, (p ** x * math.log(p),))),
    _number("add_number", "{0} + {p}", lambda x, p: x + p, (0.5,), "add",
            lambda x, p: (x + p, (1.0,))),
    _number("sub_number", "{0} - {p}", lambda x, p: x - p, (1.5,), "sub",
            lambda x, p: (x - p, (1.0,))),
    _number("mul_number", "{0} * {p}", lambda x, p: x * p, (3.0, -0.25), "mul",
            lambda x, p: (x * p, (p,))),
    _number("div_number", "{0} / {p}", lambda x, p: x / p, (2.0, -0.5), "div",
            lambda x, p: (x / p, (1 / p,))),
)

#: The op set of ``expressions()``: every Value operation.
VALUE_OPS = ELEMENTWISE_OPS


# --- Tensor-only ops ---------------------------------------------------------------

def _gram(x: Any) -> Any:
    return x @ x.T


def _refold(x: Any, kernel: int) -> Any:
    from autograd import conv
    return conv.fold(conv.unfold(x, kernel), x.shape[2:])


# The shape-changing ops come first: hypothesis favours early candidates.
TENSOR_OPS: tuple[Op, ...] = (
    _unary("reshape", "{0}.reshape(-1)", lambda x: x.reshape(-1), lambda x: np.ndim(x) >= 2),
    _unary("transpose", "{0}.T", lambda x: x.T, lambda x: np.ndim(x) >= 2),
    Op("getitem", 1, "{0}{p[0]}", lambda x, p: x[p[1]], index_params,
       ("getitem", "scatter_add")),
    Op("matmul", 2, "{0} @ {1}", lambda a, b, p: a @ b, matmul_params, ("matmul",)),
    _unary("gram", "{0} @ {0}.T", _gram, lambda x: np.ndim(x) in (1, 2), covers="matmul"),
    Op("linear", 3, "linear({0}, {1}, {2})", lambda x, w, b, p: autograd.linear(x, w, b),
       linear_params, ("linear",)),
    Op("concatenate", 2, "concatenate([{0}, {1}], axis={p})",
       lambda a, b, p: autograd.concatenate([a, b], axis=p), joinable, ("concatenate",)),
    Op("stack", 2, "stack([{0}, {1}], axis={p})", lambda a, b, p: autograd.stack([a, b], axis=p),
       lambda a, b: list(range(np.ndim(a) + 1)) if np.shape(a) == np.shape(b) else [],
       ("stack",)),
    _binary("maximum", "maximum({0}, {1})", autograd.maximum,
            lambda a, b: np.abs(np.asarray(a) - b) > KINK_MARGIN),
    _binary("minimum", "minimum({0}, {1})", autograd.minimum,
            lambda a, b: np.abs(np.asarray(a) - b) > KINK_MARGIN),
    Op("where", 2, "where({0} > {1} at the drawn point, {0}, {1})",
       lambda a, b, m: autograd.where(m, a, b),
       lambda a, b: [np.asarray(a) > b] if broadcastable(a, b) else [], ("where",)),
    Op("sum", 1, "{0}.sum(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.sum(axis=p[0], keepdims=p[1]), reduction_params, ("sum", "broadcast_to")),
    Op("mean", 1, "{0}.mean(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.mean(axis=p[0], keepdims=p[1]), reduction_params, ("mean",)),
    Op("max", 1, "{0}.max(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.max(axis=p[0], keepdims=p[1]), extremum_params(largest=True), ("max",)),
    Op("min", 1, "{0}.min(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.min(axis=p[0], keepdims=p[1]), extremum_params(largest=False), ("min",)),
    Op("logsumexp", 1, "{0}.logsumexp(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.logsumexp(axis=p[0], keepdims=p[1]), reduction_params, ("logsumexp",)),
    Op("softmax", 1, "{0}.softmax(axis={p})", lambda x, p: x.softmax(axis=p), axis_params,
       ("softmax",)),
    Op("log_softmax", 1, "{0}.log_softmax(axis={p})", lambda x, p: x.log_softmax(axis=p),
       axis_params, ("log_softmax",)),
    Op("softmax_cross_entropy", 1, "softmax_cross_entropy({0}, {p[0]}, axis={p[2]})",
       lambda x, p: autograd.softmax_cross_entropy(x, p[1], p[2]), target_weights_params,
       ("softmax_cross_entropy",)),
    Op("label_cross_entropy", 1,
       "softmax_cross_entropy({0}, {p[0]}, axis={p[2]}, scale=0.5)",
       lambda x, p: autograd.softmax_cross_entropy(x, p[1], p[2], scale=0.5),
       class_label_params, ("label_cross_entropy",)),
    Op("cumsum", 1, "{0}.cumsum({p})", lambda x, p: x.cumsum(p), axis_params,
       ("cumsum", "flip")),
    Op("flip", 1, "{0}.flip({p})", lambda x, p: x.flip(p), axis_params, ("flip",)),
    Op("broadcast_to", 1, "{0}.broadcast_to({p})", lambda x, p: x.broadcast_to(p),
       lambda x: broadcast_params(x) if np.ndim(x) else [], ("broadcast_to", "sum_to")),
    Op("sum_to", 1, "{0}.sum_to({p})", lambda x, p: x.sum_to(p), sum_to_params, ("sum_to",)),
    Op("clone", 1, "{0}.clone()", lambda x, p: x.clone(), everywhere, ("clone",)),
    Op("clamp", 1, "{0}.clamp({p[0]}, {p[1]})", lambda x, p: x.clamp(*p),
       lambda x: [b for b in ((-0.5, 0.5), (None, 0.0), (0.25, None))
                  if all_true(np.abs(np.asarray(x) - np.array([v for v in b if v is not None])
                                 [:, None].reshape(-1, *([1] * np.ndim(x)))) > KINK_MARGIN)],
       ("clamp",)),
    Op("prod", 1, "{0}.prod(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.prod(axis=p[0], keepdims=p[1]),
       lambda x: reduction_params(x) if all_true(np.abs(x) >= MARGIN_OF_ZERO) else [], ("prod",),
       _OFF_ZERO),
    Op("norm", 1, "{0}.norm(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.norm(axis=p[0], keepdims=p[1]),
       lambda x: reduction_params(x) if all_true(np.abs(x) >= MARGIN_OF_ZERO) else [], ("norm",),
       _OFF_ZERO),
    Op("var", 1, "{0}.var(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.var(axis=p[0], keepdims=p[1]), lambda x: spread_params(x, 0.0), ("var",)),
    Op("std", 1, "{0}.std(axis={p[0]}, keepdims={p[1]})",
       lambda x, p: x.std(axis=p[0], keepdims=p[1]), lambda x: spread_params(x, 1e-2),
       ("std",)),
    Op("pad", 1, "conv.pad({0}, {p})", lambda x, p: autograd.conv.pad(x, p), pad_params,
       ("pad",)),
    Op("unfold", 1, "conv.unfold({0}, {p})", lambda x, p: autograd.conv.unfold(x, p),
       window_params, ("unfold",)),
    Op("fold", 1, "conv.fold(conv.unfold({0}, {p}), L)", _refold, window_params, ("fold",)),
    Op("max_pool1d", 1, "conv.max_pool1d({0}, {p})",
       lambda x, p: autograd.conv.max_pool1d(x, p),
       lambda x: window_params(x) if all_true(np.diff(np.sort(np.ravel(x))) > KINK_MARGIN) else [],
       ("window_max",)),
) + ELEMENTWISE_OPS
