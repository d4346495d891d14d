"""The same elementary functions for floats (Value) and for NumPy arrays (Tensor).

Each elementwise op in ``elementwise.py`` is written once against a backend ``xp``;
``scalar_math`` serves Value with the ``math`` module, ``array_math`` serves Tensor
with NumPy. Both follow IEEE/PyTorch conventions instead of raising: ``exp(1000)`` is
inf, ``log(0)`` is -inf, ``log(-1)`` and ``sqrt(-1)`` are nan, ``0 ** -1`` is inf, a
negative base with a non-integer exponent is nan. sigmoid and softplus use the stable
forms, finite for inputs of any magnitude.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

_INF = math.inf
_NAN = math.nan


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _log(x: float) -> float:
    if x > 0:
        return math.log(x)
    return -_INF if x == 0 else _NAN


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 else _NAN


def _power(base: float, exponent: float) -> float:
    try:
        result = base ** exponent
    except (ZeroDivisionError, OverflowError):  # 0 ** negative, or too large for a float
        odd_integer = float(exponent).is_integer() and exponent % 2 == 1
        return -_INF if odd_integer and math.copysign(1.0, base) < 0 else _INF
    return _NAN if isinstance(result, complex) else result


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x), computed so that neither branch can overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sign(x: float) -> float:
    return (x > 0) - (x < 0)


def _maximum(a: float, b: float) -> float:
    """The larger of a and b; nan when either is nan (as np.maximum and torch.maximum)."""
    if a != a or b != b:
        return _NAN
    return a if a >= b else b


def _where(condition: bool, a: float, b: float) -> float:
    return a if condition else b


def _divide(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:  # IEEE: x/0 is +-inf, 0/0 is nan
        if a == 0 or a != a:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


scalar_math = SimpleNamespace(
    exp=_exp, log=_log, sqrt=_sqrt, power=_power, sigmoid=_sigmoid, softplus=_softplus,
    tanh=math.tanh, sin=math.sin, cos=math.cos, abs=abs, sign=_sign, where=_where,
    maximum=_maximum, divide=_divide,
)


def _array_sigmoid(x: np.ndarray) -> np.ndarray:
    """Stable sigmoid: e^-|x| never overflows; pick the branch by the sign of x."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _array_softplus(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _quiet(function):  # noqa: ANN001, ANN202
    """Apply ``function`` with NumPy's floating-point warnings off: the IEEE results
    (inf, nan, 0 on underflow) are the documented answer, as in PyTorch."""
    def quiet(*args):  # noqa: ANN002, ANN202
        with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
            return function(*args)
    quiet.__name__ = getattr(function, "__name__", "quiet")
    return quiet


array_math = SimpleNamespace(
    exp=_quiet(np.exp), log=_quiet(np.log), sqrt=_quiet(np.sqrt), power=_quiet(np.power),
    sigmoid=_quiet(_array_sigmoid), softplus=_quiet(_array_softplus), tanh=np.tanh, sin=np.sin,
    cos=np.cos, abs=np.abs, sign=np.sign, where=np.where, maximum=np.maximum,
    divide=_quiet(np.divide),
)
