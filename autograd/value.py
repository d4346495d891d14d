"""Value: a scalar node of the computation graph (micrograd's picture of autograd)."""

from __future__ import annotations

import numbers
from typing import Any

from . import elementwise as ew
from .backends import scalar_math
from .graph import Node, make_node


class Value(Node):
    """A float that remembers how it was computed, so gradients can flow back through it.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a.tanh(); c.backward(); a.grad
    -2.9293...

    Domain rule (as PyTorch): functions outside their domain return IEEE values instead
    of raising — ``log(0)`` is -inf, ``log(-1)``, ``sqrt(-1)`` and ``(-8) ** (1/3)`` are
    nan, ``exp(1000)`` and ``1 / 0`` are inf.
    """

    # A Value has at most two parents. They live in two slots, not in a tuple: a tuple
    # would be a second object per node for Python's cyclic garbage collector to track,
    # and with it the forward pass of a scalar network took twice as long
    # (benchmarks/bench_value.py). ``parents`` rebuilds the tuple when asked.
    __slots__ = ("_left", "_right")
    xp = scalar_math
    _initial_grad = 0.0

    @property
    def parents(self) -> tuple:
        """The Values this one was computed from: (), (x,) or (a, b)."""
        left = self._left
        if left is None:
            return ()
        right = self._right
        return (left,) if right is None else (left, right)

    @parents.setter
    def parents(self, parents: tuple) -> None:
        count = len(parents)
        if count > 2:
            raise ValueError(f"Value: an op takes at most two inputs, got {count}")
        self._left = parents[0] if count else None
        self._right = parents[1] if count > 1 else None

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, Value):
            data = data.data
        elif isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"Value: data must be a real number, got {type(data).__name__} "
                            f"{data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.parents = ()
        self.op = ""
        self.scope = ""
        self._backward = None
        self._ctx = None

    def _seed(self, grad: Any) -> float:
        return 1.0 if grad is None else _as_number(grad, "backward")

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"

    # --- applying the shared elementwise rules ---------------------------------------

    def _unary(self, op: ew.Unary, param: Any = None) -> Value:
        return make_node(Value, op.forward(scalar_math, self.data, param), (self,),
                         op.symbol, ew.unary_backward, (op, param))

    def _binary(self, op: ew.Binary, other: Any, reflected: bool = False) -> Value:
        other = _as_value(other, op.symbol)
        a, b = (other, self) if reflected else (self, other)
        return make_node(Value, op.forward(scalar_math, a.data, b.data), (a, b),
                         op.symbol, ew.binary_backward, op)

    # + and * are most of the nodes of a scalar network (every weight times input, every
    # sum), so they are written out micrograd-style, forward beside backward, instead of
    # going through the shared table (and with _as_value inlined): a third less time per
    # node, measured by benchmarks/bench_value.py. The formulas are ew.ADD's and ew.MUL's,
    # and tests check that the two agree.

    def __add__(self, other: Any) -> Value:
        """a + b; d(a+b)/da = d(a+b)/db = 1."""
        if not isinstance(other, Value):
            other = Value(_as_number(other, "+"))
        return make_node(Value, self.data + other.data, (self, other), "+", _add_backward,
                         ew.ADD)

    def __radd__(self, other: Any) -> Value:
        other = Value(_as_number(other, "+"))
        return make_node(Value, other.data + self.data, (other, self), "+", _add_backward,
                         ew.ADD)

    def __sub__(self, other: Any) -> Value:
        return self._binary(ew.SUB, other)

    def __rsub__(self, other: Any) -> Value:
        return self._binary(ew.SUB, other, reflected=True)

    def __mul__(self, other: Any) -> Value:
        """a * b; d(ab)/da = b, d(ab)/db = a."""
        if not isinstance(other, Value):
            other = Value(_as_number(other, "*"))
        return make_node(Value, self.data * other.data, (self, other), "*", _mul_backward,
                         ew.MUL)

    def __rmul__(self, other: Any) -> Value:
        other = Value(_as_number(other, "*"))
        return make_node(Value, other.data * self.data, (other, self), "*", _mul_backward,
                         ew.MUL)

    def __truediv__(self, other: Any) -> Value:
        return self._binary(ew.DIV, other)

    def __rtruediv__(self, other: Any) -> Value:
        return self._binary(ew.DIV, other, reflected=True)

    def __pow__(self, exponent: Any) -> Value:
        """``a ** 2`` differentiates only the base; ``a ** b`` (a Value) both."""
        if isinstance(exponent, Value):
            return self._binary(ew.POW, exponent)
        return self._unary(ew.POW_CONST, _as_number(exponent, "**"))

    def __rpow__(self, base: Any) -> Value:
        return self._binary(ew.POW, base, reflected=True)

    def __neg__(self) -> Value:
        return self._unary(ew.NEG)

    def exp(self) -> Value:
        return self._unary(ew.EXP)

    def log(self) -> Value:
        return self._unary(ew.LOG)

    def sqrt(self) -> Value:
        return self._unary(ew.SQRT)

    def tanh(self) -> Value:
        return self._unary(ew.TANH)

    def sigmoid(self) -> Value:
        return self._unary(ew.SIGMOID)

    def relu(self) -> Value:
        return self._unary(ew.RELU)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        return self._unary(ew.LEAKY_RELU, _as_number(slope, "leaky_relu"))

    def softplus(self) -> Value:
        return self._unary(ew.SOFTPLUS)

    def sin(self) -> Value:
        return self._unary(ew.SIN)

    def cos(self) -> Value:
        return self._unary(ew.COS)

    def abs(self) -> Value:
        return self._unary(ew.ABS)

    __abs__ = abs

    # --- comparisons look at the numbers only and record no graph --------------------

    def __lt__(self, other: Any) -> bool:
        return self.data < _as_number(other, "<")

    def __le__(self, other: Any) -> bool:
        return self.data <= _as_number(other, "<=")

    def __gt__(self, other: Any) -> bool:
        return self.data > _as_number(other, ">")

    def __ge__(self, other: Any) -> bool:
        return self.data >= _as_number(other, ">=")

    def __float__(self) -> float:
        return self.data


def _add_backward(out: Value, grad: float) -> tuple[float, float]:
    return grad, grad


def _mul_backward(out: Value, grad: float) -> tuple[float, float]:
    return grad * out._right.data, grad * out._left.data


def _as_number(x: Any, op: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"Value {op}: expected a number or a Value, got {type(x).__name__} {x!r}")


def _as_value(x: Any, op: str) -> Value:
    return x if isinstance(x, Value) else Value(_as_number(x, op))
