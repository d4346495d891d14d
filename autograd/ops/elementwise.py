"""Elementwise ops, shared by Value and Tensor: each forward beside its VJPs.

``x`` is the input, ``y`` the output, ``g`` the gradient reaching ``y``; ``a`` and ``b``
the two inputs of a binary op. A VJP returns g times the local derivative; a rule
that needs a comparison asks the backend (``xp.greater``), whose masks carry no
gradient. ``formula`` states each local derivative for ``explain_backward`` and the
drawings, in the names ``{x}`` (input), ``{y}`` (output), ``{p}`` (a parameter),
``{a}``/``{b}`` (the inputs of a binary op); ``g`` is the gradient reaching the output.
"""

from __future__ import annotations

import math
from typing import Any

from ..op import KINK_AT_TIES, KINK_AT_ZERO, Op


def unary(name: str, forward: Any, vjp: Any, formula: str, **meta: Any) -> Op:
    return Op(name, forward, (vjp,), formula=(formula,), **meta)


# --- unary ---------------------------------------------------------------------------

NEG = unary("neg", lambda xp, x: -x,
            lambda xp, g, x, y: -g, "-1")
EXP = unary("exp", lambda xp, x: xp.exp(x),
            lambda xp, g, x, y: g * y, "{y}")
EXPM1 = unary("expm1", lambda xp, x: xp.expm1(x),
              lambda xp, g, x, y: g * (y + 1.0), "{y} + 1")
LOG = unary("log", lambda xp, x: xp.log(x),
            lambda xp, g, x, y: xp.divide(g, x), "1/{x}")
LOG1P = unary("log1p", lambda xp, x: xp.log1p(x),
              lambda xp, g, x, y: xp.divide(g, x + 1.0), "1/(1 + {x})")
SQRT = unary("sqrt", lambda xp, x: xp.sqrt(x),
             lambda xp, g, x, y: xp.divide(g, 2.0 * y), "1/(2*{y})")
TANH = unary("tanh", lambda xp, x: xp.tanh(x),
             lambda xp, g, x, y: g * (1.0 - y * y), "1 - {y}^2")
SIGMOID = unary("sigmoid", lambda xp, x: xp.sigmoid(x),
                lambda xp, g, x, y: g * (y * (1.0 - y)), "{y}*(1 - {y})")
SOFTPLUS = unary("softplus", lambda xp, x: xp.softplus(x),
                 lambda xp, g, x, y: g * xp.sigmoid(x), "sigmoid({x})")
LOGSIGMOID = unary("logsigmoid", lambda xp, x: -xp.softplus(-x),
                   lambda xp, g, x, y: g * xp.sigmoid(-x), "sigmoid(-{x})")
SIN = unary("sin", lambda xp, x: xp.sin(x),
            lambda xp, g, x, y: g * xp.cos(x), "cos({x})")
COS = unary("cos", lambda xp, x: xp.cos(x),
            lambda xp, g, x, y: -(g * xp.sin(x)), "-sin({x})")
TAN = unary("tan", lambda xp, x: xp.tan(x),
            lambda xp, g, x, y: g * (1.0 + y * y), "1 + {y}^2")
# PyTorch's conventions at the kinks: relu'(0) = 0, |x|'(0) = sign(0) = 0, and an
# inactive unit passes no gradient even when g is inf or nan (a pick, not a product);
# nan is not inactive (x <= 0 is false), so it passes g, as PyTorch.
RELU = unary("relu", lambda xp, x: xp.maximum(x, 0.0),
             lambda xp, g, x, y: xp.zero_where(xp.less_equal(x, 0.0), g),
             "1 if {x} > 0 else 0", kinks=KINK_AT_ZERO)
ABS = unary("abs", lambda xp, x: xp.abs(x),
            lambda xp, g, x, y: g * xp.sign(x), "sign({x})", kinks=KINK_AT_ZERO)
ERF = unary("erf", lambda xp, x: xp.erf(x),
            lambda xp, g, x, y: g * (xp.exp(x * x * -1.0) * (2 / math.sqrt(math.pi))),
            "2/sqrt(pi)*exp(-{x}^2)")
SIGN = unary("sign", lambda xp, x: xp.sign(x),
             lambda xp, g, x, y: xp.zeros_like(g), "0")
LEAKY_RELU = Op(
    "leaky_relu", lambda xp, x, slope: xp.where(xp.greater(x, 0.0), x, x * slope),
    (lambda xp, g, x, y, slope: xp.where(xp.greater(x, 0.0), g, g * slope),),
    formula=("1 if {x} > 0 else {p}",), kinks=KINK_AT_ZERO)
ELU = Op(
    "elu", lambda xp, x, alpha: xp.where(xp.greater(x, 0.0), x, xp.expm1(x) * alpha),
    (lambda xp, g, x, y, alpha: xp.where(xp.less_equal(x, 0.0), g * (y + alpha), g),),
    formula=("1 if {x} > 0 else {y} + {p}",), kinks=KINK_AT_ZERO)
SILU = unary("silu", lambda xp, x: x * xp.sigmoid(x),
             lambda xp, g, x, y: g * _silu_slope(xp, x), "s({x})*(1 + {x}*(1 - s({x})))")
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU = unary("gelu", lambda xp, x: x * (0.5 + 0.5 * xp.erf(x * (1 / math.sqrt(2.0)))),
             lambda xp, g, x, y: g * _gelu_slope(xp, x), "Phi({x}) + {x}*phi({x})")
GELU_TANH = unary("gelu_tanh", lambda xp, x: x * (0.5 + 0.5 * xp.tanh(_gelu_inner(x))),
                  lambda xp, g, x, y: g * _gelu_tanh_slope(xp, x),
                  "d/d{x} of {x}*(1 + tanh(u))/2, u = sqrt(2/pi)*({x} + 0.044715*{x}^3)")
# PyTorch's clamp passes the gradient wherever lo <= x <= hi, bounds included (a
# maximum/minimum composition would halve it at the bounds); nan passes none.
CLAMP = Op(
    "clamp", lambda xp, x, lo, hi: xp.minimum(xp.maximum(x, lo), hi),
    (lambda xp, g, x, y, lo, hi: xp.where(
        xp.logical_and(xp.greater_equal(x, lo), xp.less_equal(x, hi)), g, xp.zeros_like(g)),),
    formula=("1 if lo <= {x} <= hi else 0",))
POW_NUMBER = Op(
    "pow_number", lambda xp, x, p: _power(xp, x, p),
    # d x^p = p x^(p-1), and exactly 0 for p = 0 (x^0 is flat even at x = 0).
    (lambda xp, g, x, y, p: xp.zeros_like(g) if p == 0 else g * (_power(xp, x, p - 1.0) * p),),
    symbol="**", formula=("{p}*{x}^({p} - 1)",))


def _power(xp: Any, x: Any, p: float) -> Any:
    """x ** p, with PyTorch's sqrt for p = 0.5 and 1/sqrt for -0.5: so (-inf) ** 0.5 is
    nan and the slope at -0 is -inf, as there (IEEE's pow says inf and inf)."""
    if p == 0.5:
        return xp.sqrt(x)
    if p == -0.5:
        return xp.divide(1.0, xp.sqrt(x))
    return xp.power(x, p)


def _silu_slope(xp: Any, x: Any) -> Any:
    s = xp.sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


def _gelu_slope(xp: Any, x: Any) -> Any:
    """d/dx x Phi(x) = Phi(x) + x phi(x), phi the standard normal density."""
    cdf = 0.5 + 0.5 * xp.erf(x * (1 / math.sqrt(2.0)))
    return cdf + x * xp.exp(x * x * -0.5) * (1 / math.sqrt(2.0 * math.pi))


def _gelu_inner(x: Any) -> Any:
    return (x + x * x * x * 0.044715) * _SQRT_2_OVER_PI


def _gelu_tanh_slope(xp: Any, x: Any) -> Any:
    t = xp.tanh(_gelu_inner(x))
    du = (1.0 + x * x * (3 * 0.044715)) * _SQRT_2_OVER_PI
    return 0.5 + 0.5 * t + x * 0.5 * (1.0 - t * t) * du


# --- binary --------------------------------------------------------------------------

ADD = Op("add", lambda xp, a, b: a + b,
         (lambda xp, g, a, b, y: g,                       # d(a+b)/da = 1
          lambda xp, g, a, b, y: g),                      # d(a+b)/db = 1
         symbol="+", formula=("1", "1"), commutative=True)
SUB = Op("sub", lambda xp, a, b: a - b,
         (lambda xp, g, a, b, y: g,                       # d(a-b)/da = 1
          lambda xp, g, a, b, y: -g),                     # d(a-b)/db = -1
         symbol="-", formula=("1", "-1"))
MUL = Op("mul", lambda xp, a, b: a * b,
         (lambda xp, g, a, b, y: g * b,                   # d(ab)/da = b
          lambda xp, g, a, b, y: g * a),                  # d(ab)/db = a
         symbol="*", formula=("{b}", "{a}"), commutative=True)
DIV = Op("div", lambda xp, a, b: xp.divide(a, b),
         (lambda xp, g, a, b, y: xp.divide(g, b),         # d(a/b)/da = 1/b
          lambda xp, g, a, b, y: -(g * xp.divide(y, b))),  # d(a/b)/db = -a/b^2 = -y/b
         symbol="/", formula=("1/{b}", "-{a}/{b}^2"))
POW = Op("pow", lambda xp, a, b: xp.power(a, b),
         (lambda xp, g, a, b, y: _pow_base_grad(xp, g, a, b),
          lambda xp, g, a, b, y: _pow_exponent_grad(xp, g, a, b, y)),
         symbol="**", formula=("{b}*{a}^({b} - 1)", "{y}*ln({a})"))
MAXIMUM = Op("maximum", lambda xp, a, b: xp.maximum(a, b),
             (lambda xp, g, a, b, y: _pick(xp, g, a, b, xp.less),     # the larger takes g;
              lambda xp, g, a, b, y: _pick(xp, g, b, a, xp.less)),    # a tie splits it
             formula=("1 if {a} > {b} else 0 (1/2 on a tie)",
                      "1 if {b} > {a} else 0 (1/2 on a tie)"), kinks=KINK_AT_TIES,
             commutative=True)
MINIMUM = Op("minimum", lambda xp, a, b: xp.minimum(a, b),
             (lambda xp, g, a, b, y: _pick(xp, g, a, b, xp.greater),
              lambda xp, g, a, b, y: _pick(xp, g, b, a, xp.greater)),
             formula=("1 if {a} < {b} else 0 (1/2 on a tie)",
                      "1 if {b} < {a} else 0 (1/2 on a tie)"), kinks=KINK_AT_TIES,
             commutative=True)


# --- n-ary -----------------------------------------------------------------------------

def _weighted_sum(xp: Any, parts: list) -> Any:
    """w1*x1 + ... + wn*xn (+ b) for parts = [w1, x1, ..., wn, xn] or [..., b]; the terms
    are added to the bias in order, as the chain ``b + w1*x1 + w2*x2 ...`` adds them."""
    weights, inputs = parts[0::2], parts[1::2]  # with a bias, weights ends with it
    if len(weights) > len(inputs):
        total, first = weights[-1], 0
    else:
        total, first = weights[0] * inputs[0], 1
    for w, x in zip(weights[first:], inputs[first:]):  # zip stops before the bias
        total = total + w * x
    return total


def _weighted_sum_vjp(xp: Any, g: Any, parts: list, y: Any) -> list:
    """d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    end = len(parts) // 2 * 2  # the products' operands; a bias after them gets g
    grads = [g] * len(parts)
    grads[0:end:2] = [g * x for x in parts[1:end:2]]
    grads[1:end:2] = [g * w for w in parts[0:end:2]]
    return grads


def _weighted_sum_formulas(inputs: list[str]) -> list[str]:
    """The local derivatives in the inputs' names: the other factor of each product."""
    texts = ["1"] * len(inputs)
    for i in range(0, len(inputs) - 1, 2):
        texts[i], texts[i + 1] = inputs[i + 1], inputs[i]
    return texts


# A neuron's pre-activation as one node instead of 2n: its backward visits one node and
# its forward makes one object (what a scalar network's time goes to) per neuron.
WEIGHTED_SUM = Op("weighted_sum", _weighted_sum, (_weighted_sum_vjp,), symbol="w·x+b",
                  formula=_weighted_sum_formulas, variadic=True)


def _pow_base_grad(xp: Any, g: Any, a: Any, b: Any) -> Any:
    """d a^b / da = b a^(b-1), and 0 at a = b = 0 (PyTorch: 0^0 is flat in a).

    Only that point is masked, where 0 * 0^-1 would be nan: a mask wherever b == 0
    would also cut the second derivative d/db (b a^(b-1)) = a^(b-1) there.
    """
    grad = g * (b * xp.power(a, b - 1.0))
    return xp.where(xp.logical_and(xp.equal(b, 0.0), xp.equal(a, 0.0)), 0.0, grad)


def _pow_exponent_grad(xp: Any, g: Any, a: Any, b: Any, y: Any) -> Any:
    """d a^b / db = a^b ln a, and 0 where a == 0 and b >= 0 (PyTorch: 0^b is flat there)."""
    grad = g * (y * xp.log(a))
    flat = xp.logical_and(xp.equal(a, 0.0), xp.greater_equal(b, 0.0))
    return xp.where(flat, 0.0, grad)


def _pick(xp: Any, g: Any, mine: Any, other: Any, loses: Any) -> Any:
    """g where ``mine`` wins, half of it on a tie, 0 where it loses (nan: both get g)."""
    half = xp.where(xp.equal(mine, other), g * 0.5, g)
    return xp.where(loses(mine, other), 0.0, half)


ELEMENTWISE = (NEG, EXP, EXPM1, LOG, LOG1P, SQRT, TANH, SIGMOID, SOFTPLUS, LOGSIGMOID, SIN,
               COS, TAN, RELU, ABS, ERF, SIGN, LEAKY_RELU, ELU, SILU, GELU, GELU_TANH, CLAMP,
               POW_NUMBER, ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, WEIGHTED_SUM)
