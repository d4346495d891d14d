"""Value: a scalar node of the computation graph (micrograd's picture of autograd)."""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

from .backends import scalar_math
from .graph import Node, _state
from .op import Op
from .ops import elementwise as ew
from .value_backward import accumulate_grads


class Value(Node):
    """A float that remembers how it was computed, so gradients can flow back through it.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a.tanh(); c.backward(); a.grad
    -2.9293...

    Domain rule (as PyTorch): functions outside their domain return IEEE values instead
    of raising — ``log(0)`` is -inf, ``log(-1)``, ``sqrt(-1)`` and ``(-8) ** (1/3)`` are
    nan, ``exp(1000)`` and ``1 / 0`` are inf, ``sin(inf)`` is nan.
    """

    # An op's first two inputs live in two slots, not in a tuple: a tuple would be a
    # second object per node for Python's cyclic garbage collector to track, and with it
    # the forward pass of a scalar network took twice as long (benchmarks/bench_value.py).
    # ``parents`` rebuilds the tuple when asked. An op of more inputs (a neuron's
    # weighted sum) makes a ``_WideValue``, which keeps the rest in a slot ``_more``;
    # for every other Value, ``_more`` is this class's None and costs no bytes.
    __slots__ = ("_left", "_right")
    _more: tuple | None = None
    xp = scalar_math
    _initial_grad = 0.0
    _is_scalar = True

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
            raise ValueError(f"Value: parents of more than two nodes are set when the node "
                             f"is made (Value._node), got {count}")
        self._left = parents[0] if count else None
        self._right = parents[1] if count > 1 else None

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, Value):
            data = data.data
        elif isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"Value: data must be a real number, got {type(data).__name__} "
                            f"{data!r}")
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self._names = ""
        self.label = label
        self.parents = ()
        self._op = None

    def backward(self, grad: Any = None) -> None:
        """Fill ``.grad`` of every Value this one depends on with d(self)/d(node) (times
        ``grad``), adding into the leaves' ``.grad`` (``value_backward.py``)."""
        accumulate_grads(self, self._seed(grad))

    def _seed(self, grad: Any) -> float:
        return 1.0 if grad is None else _as_number(grad, "backward")

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"

    # --- what the engine and the node backend ask of a node kind -----------------------

    @staticmethod
    def _constant_like(like: Value, data: Any) -> Value:
        return data if isinstance(data, Value) else Value(float(data))

    @staticmethod
    def _where(condition: Any, a: Any, b: Any) -> Value:
        return _as_value(a if condition else b, "where")

    @staticmethod
    def _maximum(a: Any, b: Any) -> Value:
        return _as_value(a, "maximum")._binary(ew.MAXIMUM, b)

    @staticmethod
    def _minimum(a: Any, b: Any) -> Value:
        return _as_value(a, "minimum")._binary(ew.MINIMUM, b)

    # --- applying the shared elementwise rules ---------------------------------------

    def _unary(self, op: Op, *params: Any) -> Value:
        data = op.forward(scalar_math, self.data, *params)
        return _value_node(data, self, None, _bound(op, params) if params else op)

    @classmethod
    def _node(cls, data: Any, parents: tuple, op: Op, params: tuple = ()) -> Value:
        op = op.bind(*params) if params else op
        if len(parents) > 2:
            return _wide_value_node(data, tuple(parents), op)
        left, right = (tuple(parents) + (None, None))[:2]
        return _value_node(data, left, right, op)

    def _binary(self, op: Op, other: Any, reflected: bool = False) -> Value:
        other = _as_value(other, op.symbol)
        a, b = (other, self) if reflected else (self, other)
        return _value_node(op.forward(scalar_math, a.data, b.data), a, b, op)

    # + and * are most of the nodes of a scalar network (every weight times input, every
    # sum), so they are written out micrograd-style: a node made without the generic
    # _binary, and ``backward`` applies their rules inline (see there). Their math,
    # drawing and higher-order rules are ew.ADD's and ew.MUL's.

    def __add__(self, other: Any) -> Value:
        """a + b; d(a+b)/da = d(a+b)/db = 1."""
        if not isinstance(other, Value):
            other = _as_value(other, "+")
        return _value_node(self.data + other.data, self, other, _ADD)

    def __radd__(self, other: Any) -> Value:
        other = _as_value(other, "+")
        return _value_node(other.data + self.data, other, self, _ADD)

    def __mul__(self, other: Any) -> Value:
        """a * b; d(ab)/da = b, d(ab)/db = a."""
        if not isinstance(other, Value):
            other = _as_value(other, "*")
        return _value_node(self.data * other.data, self, other, _MUL)

    def __rmul__(self, other: Any) -> Value:
        other = _as_value(other, "*")
        return _value_node(other.data * self.data, other, self, _MUL)

    def __sub__(self, other: Any) -> Value:
        return self._binary(ew.SUB, other)

    def __rsub__(self, other: Any) -> Value:
        return self._binary(ew.SUB, other, reflected=True)

    def __truediv__(self, other: Any) -> Value:
        return self._binary(ew.DIV, other)

    def __rtruediv__(self, other: Any) -> Value:
        return self._binary(ew.DIV, other, reflected=True)

    def __pow__(self, exponent: Any) -> Value:
        """``a ** 2`` differentiates only the base; ``a ** b`` (a Value) both."""
        if isinstance(exponent, Value):
            return self._binary(ew.POW, exponent)
        return self._unary(ew.POW_NUMBER, _as_number(exponent, "**"))

    def __rpow__(self, base: Any) -> Value:
        return self._binary(ew.POW, base, reflected=True)

    def __neg__(self) -> Value:
        return self._unary(ew.NEG)

    def exp(self) -> Value:
        return self._unary(ew.EXP)

    def expm1(self) -> Value:
        return self._unary(ew.EXPM1)

    def log(self) -> Value:
        return self._unary(ew.LOG)

    def log1p(self) -> Value:
        return self._unary(ew.LOG1P)

    def sqrt(self) -> Value:
        return self._unary(ew.SQRT)

    def tanh(self) -> Value:
        return self._unary(ew.TANH)

    def sigmoid(self) -> Value:
        return self._unary(ew.SIGMOID)

    def logsigmoid(self) -> Value:
        return self._unary(ew.LOGSIGMOID)

    def relu(self) -> Value:
        return self._unary(ew.RELU)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        return self._unary(ew.LEAKY_RELU, _as_param(slope, "leaky_relu", "slope"))

    def elu(self, alpha: float = 1.0) -> Value:
        return self._unary(ew.ELU, _as_param(alpha, "elu", "alpha"))

    def silu(self) -> Value:
        return self._unary(ew.SILU)

    def gelu(self, approximate: str = "none") -> Value:
        return self._unary(_gelu_op(approximate))

    def softplus(self) -> Value:
        return self._unary(ew.SOFTPLUS)

    def sin(self) -> Value:
        return self._unary(ew.SIN)

    def cos(self) -> Value:
        return self._unary(ew.COS)

    def tan(self) -> Value:
        return self._unary(ew.TAN)

    def erf(self) -> Value:
        return self._unary(ew.ERF)

    def abs(self) -> Value:
        return self._unary(ew.ABS)

    def sign(self) -> Value:
        return self._unary(ew.SIGN)

    __abs__ = abs

    def clamp(self, min: float | None = None, max: float | None = None) -> Value:  # noqa: A002
        """min(max(x, lo), hi); the gradient passes where lo <= x <= hi (bounds included,
        as PyTorch)."""
        if min is None and max is None:
            raise TypeError("clamp: give min=, max= or both")
        lo = -math.inf if min is None else _as_number(min, "clamp")
        hi = math.inf if max is None else _as_number(max, "clamp")
        return self._unary(ew.CLAMP, lo, hi)

    clip = clamp

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

    def __format__(self, spec: str) -> str:
        """``f"{v:.3f}"`` formats the number; an empty spec gives the repr."""
        return format(self.data, spec) if spec else repr(self)

    def item(self) -> float:
        return self.data


_new_value = object.__new__


def _value_node(data: float, left: Value | None, right: Value | None, op: Op,
                kind: type = Value) -> Value:
    """The Value of ``op`` applied to ``left`` (and ``right``), recorded unless in no_grad.

    ``graph.make_node``'s work written out for Value's two parent slots: every node of
    a scalar network is made here, so it sets the slots directly and makes no call.
    """
    out = _new_value(kind)
    out.data = data
    out.grad = 0.0
    scope = _state.recording
    if scope is None:
        out._names = _state.scope
        out._left = out._right = out._op = None
    else:
        out._names = scope
        out._left = left
        out._right = right
        out._op = op
    return out


class _WideValue(Value):
    """A Value made by an op of more than two inputs: the first two in Value's slots,
    the rest in ``_more``."""

    __slots__ = ("_more",)

    @property
    def parents(self) -> tuple:
        left = self._left  # None for a node made in no_grad: no parents at all
        return () if left is None else (left, self._right, *self._more)


def _wide_value_node(data: float, parents: tuple, op: Op) -> Value:
    """The Value of ``op`` on three or more ``parents``: ``_value_node``'s, with the
    parents after the first two in ``_more`` (None in no_grad, like the slots)."""
    out = _value_node(data, parents[0], parents[1], op, _WideValue)
    out._more = None if out._op is None else parents[2:]
    return out


@functools.lru_cache(maxsize=1024)
def _bound_cached(op: Op, params: tuple) -> Op:
    return op.bind(*params)


def _bound(op: Op, params: tuple) -> Op:
    """``op`` with its parameters bound in (Value has no slot for them), made once per
    (op, parameters) pair; unhashable parameters are bound afresh."""
    try:
        return _bound_cached(op, params)
    except TypeError:
        return op.bind(*params)


_ADD, _MUL = ew.ADD, ew.MUL  # module globals: read once per node, on the hot path


def _gelu_op(approximate: Any) -> Op:
    if approximate == "none":
        return ew.GELU
    if approximate == "tanh":
        return ew.GELU_TANH
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _as_float(x: Any, op: str) -> float:
    try:
        return float(x)
    except OverflowError:  # an int beyond float range
        digits = len(str(abs(int(x))))
        raise ValueError(f"{op}: an integer of {digits} digits is too large for a float"
                         ) from None


def _as_number(x: Any, op: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return _as_float(x, op)
    raise TypeError(f"Value {op}: expected a number or a Value, got {type(x).__name__} {x!r}")


def _as_param(x: Any, op: str, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"Value {op}: {name} must be a number, got {type(x).__name__} {x!r}")
    return _as_float(x, op)


def _as_value(x: Any, op: str) -> Value:
    """``x`` as a Value: a number becomes a constant leaf."""
    if isinstance(x, Value):
        return x
    if type(x) is float:  # the usual constant (an input, a coefficient): made directly
        out = _new_value(Value)
        out.data, out.grad, out._names = x, 0.0, ""
        out._left = out._right = out._op = None
        return out
    return Value(_as_number(x, op))
