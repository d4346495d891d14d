"""Elementwise operations, shared by Value and Tensor: each forward rule beside its derivative.

A rule is written once against a backend ``xp`` (``backends.scalar_math`` for floats,
``backends.array_math`` for arrays), so Value and Tensor differentiate the same
formulas. In the lambdas ``x`` is the input, ``y`` the output, ``g`` the gradient
flowing back into ``y``; ``a`` and ``b`` the two inputs of a binary op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unary:
    """y = forward(x, param); dy/dx = derivative(x, y, param)."""

    symbol: str
    forward: Callable[[Any, Any, Any], Any]
    derivative: Callable[[Any, Any, Any, Any], Any]


@dataclass(frozen=True)
class Binary:
    """y = forward(a, b); ``left``/``right`` give the gradient reaching a and b from g."""

    name: str
    symbol: str
    forward: Callable[[Any, Any, Any], Any]
    left: Callable[[Any, Any, Any, Any, Any], Any]
    right: Callable[[Any, Any, Any, Any, Any], Any]


# --- unary: dy/dx from the input x and (often cheaper) the output y -----------------

NEG = Unary("neg", lambda xp, x, p: -x,
            lambda xp, x, y, p: -1.0)                           # d/dx -x = -1
EXP = Unary("exp", lambda xp, x, p: xp.exp(x),
            lambda xp, x, y, p: y)                              # d/dx e^x = e^x
LOG = Unary("log", lambda xp, x, p: xp.log(x),
            lambda xp, x, y, p: xp.divide(1.0, x))              # d/dx ln x = 1/x
SQRT = Unary("sqrt", lambda xp, x, p: xp.sqrt(x),
             lambda xp, x, y, p: xp.divide(0.5, y))             # d/dx sqrt x = 1/(2 sqrt x)
TANH = Unary("tanh", lambda xp, x, p: xp.tanh(x),
             lambda xp, x, y, p: 1.0 - y * y)                   # d/dx tanh x = 1 - tanh^2 x
SIGMOID = Unary("sigmoid", lambda xp, x, p: xp.sigmoid(x),
                lambda xp, x, y, p: y * (1.0 - y))              # d/dx s(x) = s(x)(1 - s(x))
RELU = Unary("relu", lambda xp, x, p: xp.maximum(x, 0.0),
             lambda xp, x, y, p: x > 0)                         # 1 where x > 0, else 0
LEAKY_RELU = Unary("leaky_relu", lambda xp, x, p: xp.where(x > 0, x, p * x),
                   lambda xp, x, y, p: xp.where(x > 0, 1.0, p))  # 1 where x > 0, else slope
SOFTPLUS = Unary("softplus", lambda xp, x, p: xp.softplus(x),
                 lambda xp, x, y, p: xp.sigmoid(x))             # d/dx log(1 + e^x) = s(x)
SIN = Unary("sin", lambda xp, x, p: xp.sin(x),
            lambda xp, x, y, p: xp.cos(x))                      # d/dx sin x = cos x
COS = Unary("cos", lambda xp, x, p: xp.cos(x),
            lambda xp, x, y, p: -xp.sin(x))                     # d/dx cos x = -sin x
ABS = Unary("abs", lambda xp, x, p: xp.abs(x),
            lambda xp, x, y, p: xp.sign(x))                     # sign(x); 0 at the kink, as PyTorch
POW_CONST = Unary("**", lambda xp, x, p: xp.power(x, p),
                  lambda xp, x, y, p: p * xp.power(x, p - 1))   # d/dx x^p = p x^(p-1)


# --- binary: the gradient each input receives from g -------------------------------

ADD = Binary("add", "+", lambda xp, a, b: a + b,
             lambda xp, a, b, y, g: g,                          # d(a+b)/da = 1
             lambda xp, a, b, y, g: g)                          # d(a+b)/db = 1
SUB = Binary("sub", "-", lambda xp, a, b: a - b,
             lambda xp, a, b, y, g: g,                          # d(a-b)/da = 1
             lambda xp, a, b, y, g: -g)                         # d(a-b)/db = -1
MUL = Binary("mul", "*", lambda xp, a, b: a * b,
             lambda xp, a, b, y, g: g * b,                      # d(ab)/da = b
             lambda xp, a, b, y, g: g * a)                      # d(ab)/db = a
DIV = Binary("div", "/", lambda xp, a, b: xp.divide(a, b),
             lambda xp, a, b, y, g: xp.divide(g, b),            # d(a/b)/da = 1/b
             lambda xp, a, b, y, g: -g * xp.divide(y, b))       # d(a/b)/db = -a/b^2
POW = Binary("pow", "**", lambda xp, a, b: xp.power(a, b),
             lambda xp, a, b, y, g: g * b * xp.power(a, b - 1),  # d(a^b)/da = b a^(b-1)
             lambda xp, a, b, y, g: g * _pow_exponent_grad(xp, a, y))  # d(a^b)/db = a^b ln a
MAXIMUM = Binary("maximum", "maximum", lambda xp, a, b: xp.where(a >= b, a, b),
                 lambda xp, a, b, y, g: g * _share(xp, a, b),   # the larger input takes g;
                 lambda xp, a, b, y, g: g * _share(xp, b, a))   # a tie splits it, as PyTorch


def _pow_exponent_grad(xp: Any, a: Any, y: Any) -> Any:
    """a^b ln a, taken as 0 where a == 0 (PyTorch's convention: 0^b is flat in b there)."""
    return xp.where(a == 0, 0.0 * y, y * xp.log(a))


def _share(xp: Any, mine: Any, other: Any) -> Any:
    return xp.where(mine > other, 1.0, xp.where(mine == other, 0.5, 0.0))


def unary_backward(out: Any, grad: Any) -> tuple:
    """The local backward rule of every Unary op: grad * dy/dx."""
    op, param = out._ctx
    return (grad * op.derivative(out.xp, out.parents[0].data, out.data, param),)


def binary_backward(out: Any, grad: Any) -> tuple:
    """The local backward rule of every Binary op; skips inputs that need no gradient."""
    op = out._ctx
    left, right = out.parents
    xp, a, b, y = out.xp, left.data, right.data, out.data
    return (op.left(xp, a, b, y, grad) if left.requires_grad else None,
            op.right(xp, a, b, y, grad) if right.requires_grad else None)
