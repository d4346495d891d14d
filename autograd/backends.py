"""The backends an op's rules are written against: floats, arrays, and graph nodes.

Each op in ``ops/`` is written once against a backend ``xp``:

- ``scalar_math`` serves Value with the ``math`` module;
- ``array_math`` serves Tensor with NumPy;
- ``node_math`` (``node_backend.py``) runs a rule on Values/Tensors, so the backward
  pass is recorded: that is ``grad(..., create_graph=True)``.

The raw backends follow IEEE/PyTorch conventions instead of raising: ``exp(1000)`` is
inf, ``log(0)`` is -inf, ``log(-1)`` and ``sqrt(-1)`` are nan, ``0 ** -1`` is inf, a
negative base with a non-integer exponent is nan, ``sin(inf)`` is nan, quietly.
sigmoid, softplus and logsigmoid use the stable forms, finite for inputs of any
magnitude. Comparisons return masks (bools), which carry no gradient.
"""

from __future__ import annotations

import math
from functools import partial
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import windows as _windows

_INF = math.inf
_NAN = math.nan


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return _INF


def _log(x: float) -> float:
    if x > 0:
        return math.log(x)
    return -_INF if x == 0 else _NAN


def _log1p(x: float) -> float:
    if x > -1:
        return math.log1p(x)
    return -_INF if x == -1 else _NAN


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 else _NAN


def _power(base: float, exponent: float) -> float:
    try:
        result = base ** exponent
    except (ZeroDivisionError, OverflowError):  # 0 ** negative, or too large for a float
        integer = float(exponent).is_integer()
        if base < 0 and not integer:  # a negative base, a fractional exponent: no real power
            return _NAN
        odd_integer = integer and exponent % 2 == 1
        return -_INF if odd_integer and math.copysign(1.0, base) < 0 else _INF
    return _NAN if isinstance(result, complex) else result


def _periodic(function: Any) -> Any:
    """sin, cos, tan of ±inf are nan (as NumPy and PyTorch), not a ValueError."""
    def periodic(x: float) -> float:
        return function(x) if math.isfinite(x) else _NAN
    return periodic


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x), computed so that neither branch can overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|)."""
    if x != x:
        return _NAN
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sign(x: float) -> float:
    """1, -1 or 0; 0 for nan, as PyTorch (``(x > 0) - (x < 0)``)."""
    return float((x > 0) - (x < 0))


def _maximum(a: float, b: float) -> float:
    """The larger of a and b; nan when either is nan (as np.maximum and torch.maximum)."""
    if a != a or b != b:
        return _NAN
    return a if a >= b else b


def _minimum(a: float, b: float) -> float:
    if a != a or b != b:
        return _NAN
    return a if a <= b else b


def _where(condition: bool, a: float, b: float) -> float:
    return a if condition else b


def _divide(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:  # IEEE: x/0 is +-inf, 0/0 is nan
        if a == 0 or a != a:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def _greater(a: Any, b: Any) -> Any:
    return a > b


def _greater_equal(a: Any, b: Any) -> Any:
    return a >= b


def _scalar_and(a: bool, b: bool) -> bool:
    return a and b


def _less(a: Any, b: Any) -> Any:
    return a < b


def _less_equal(a: Any, b: Any) -> Any:
    return a <= b


def _equal(a: Any, b: Any) -> Any:
    return a == b


def _scalar_zeros_like(x: float) -> float:
    return 0.0


scalar_math = SimpleNamespace(
    exp=_exp, expm1=_expm1, log=_log, log1p=_log1p, sqrt=_sqrt, power=_power,
    sigmoid=_sigmoid, softplus=_softplus, tanh=math.tanh, sin=_periodic(math.sin),
    cos=_periodic(math.cos), tan=_periodic(math.tan), abs=abs, sign=_sign, where=_where,
    zero_where=lambda mask, g: 0.0 if mask else g,
    maximum=_maximum, minimum=_minimum, divide=_divide, greater=_greater, less=_less,
    equal=_equal, greater_equal=_greater_equal, less_equal=_less_equal,
    logical_and=_scalar_and, isnan=math.isnan,
    zeros_like=_scalar_zeros_like, erf=math.erf,
)


def _array_sigmoid(x: np.ndarray) -> np.ndarray:
    """Stable sigmoid: e^-|x| never overflows; pick the branch by the sign of x."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _array_sign(x: np.ndarray) -> np.ndarray:
    """1, -1 or 0 in x's dtype; 0 for nan, as PyTorch (NumPy's sign gives nan)."""
    return np.greater(x, 0).astype(x.dtype) - np.less(x, 0).astype(x.dtype)


def _array_softplus(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _array_erf(x: np.ndarray) -> np.ndarray:
    """erf elementwise (NumPy has none): SciPy's when installed, else math.erf per entry."""
    try:
        from scipy.special import erf
    except ImportError:
        return np.vectorize(math.erf, otypes=[np.asarray(x).dtype])(x)
    return erf(x)


try:  # NumPy >= 2: its error state is one context variable; setting it is cheap
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
except ImportError:  # pragma: no cover - another NumPy: the public, slower way
    _extobj_contextvar = None

if _extobj_contextvar is not None:
    #: ``token = silence_numpy_errors()`` ... ``restore_numpy_errors(token)``: NumPy's
    #: floating-point warnings off in between (errstate(all="ignore"), at a tenth of
    #: its cost, which matters once per op).
    silence_numpy_errors = partial(_extobj_contextvar.set, _make_extobj(all="ignore"))
    restore_numpy_errors = _extobj_contextvar.reset
else:  # pragma: no cover
    def silence_numpy_errors() -> Any:
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def restore_numpy_errors(state: Any) -> None:
        state.__exit__(None, None, None)


def _broadcast_to(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``x`` broadcast to ``shape``: a read-only view, or for a small result a copy.

    ``np.broadcast_to`` costs ~3 µs of Python, more than filling a few thousand
    entries; the copy is writeable, so a leaf can keep it as its ``.grad`` as it is.
    """
    if type(x) is not np.ndarray:
        x = np.asarray(x)
    if x.shape == shape:
        return x
    if math.prod(shape) > 4096:
        return np.broadcast_to(x, shape)
    out = np.empty(shape, x.dtype)
    out[...] = x
    return out


def _sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes broadcasting added to an array of ``shape``."""
    g = np.asarray(g)
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g


def _scatter_add(g: np.ndarray, index: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices add up)."""
    full = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        full[index] = g  # a basic index selects each element at most once
    else:
        np.add.at(full, index, g)
    return full


def _one_hot(picks: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Zeros of ``like``'s shape and dtype with 1 at the flat positions ``picks``."""
    out = np.zeros(like.shape, like.dtype)
    out.reshape(-1)[picks] = 1
    return out


def _is_basic(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return not any(isinstance(p, np.ndarray) for p in parts)


def _matmul_laid_out_like(operand: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x @ y, in the memory order of ``operand`` (the matrix it is the gradient of).

    In ``x @ W.T`` the operand is a transposed view; computing its gradient as
    (y^T @ x^T)^T — the same numbers, in Fortran order — makes the gradient that
    reaches W contiguous, so storing and using it needs no strided copy.
    """
    if (operand.ndim == x.ndim == y.ndim == 2 and operand.flags.f_contiguous
            and not operand.flags.c_contiguous):
        return (y.T @ x.T).T
    return x @ y


def _zero_where(mask: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``where(mask, 0, g)``: a pick, so an inf or nan of ``g`` under the mask gives 0.

    On a large array, multiplying by the complement is exact unless such an entry turns
    up (inf * 0 is nan) and runs several times faster than np.where, whose loop branches
    per entry (a ReLU's mask is random: 140 µs against 24 µs for the (128, 256) backward
    of the benchmark's MLP). A product without nan is exact; ``max`` (which propagates
    nan) tells that faster than a sum would. Up to a few thousand entries np.where is
    the faster (1.5 against 2.4 µs at 1,024).
    """
    if mask.size <= 2048:
        return np.where(mask, 0.0, g)
    out = g * ~mask
    if out.size == 0 or not np.isnan(out.max()):
        return out
    return np.where(mask, 0.0, g)


def _saved(saved: Any, recompute: Any) -> Any:
    """What the forward kept (``op.Saved``): on raw data, no need to recompute it."""
    return saved.value if saved.value is not None else recompute()


def _linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """x @ weight.T + bias, the bias added into the product's fresh array."""
    out = x @ weight.T
    if out.dtype != bias.dtype:  # let NumPy promote
        return out + bias
    out += bias
    return out


def _expand_dims(g: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``g`` with a size-1 axis inserted at each of ``axes`` (a reshape: a view)."""
    shape = list(g.shape)
    axes = (axes,) if isinstance(axes, int) else axes
    ndim = len(shape) + len(axes)
    for axis in sorted([a % ndim for a in axes]):
        shape.insert(axis, 1)
    return g.reshape(shape)


def _split(g: np.ndarray, ends: Any, axis: int) -> tuple:
    return tuple(np.split(g, ends, axis=axis))


def _unstack(g: np.ndarray, axis: int) -> tuple:
    return tuple(np.moveaxis(g, axis, 0))


def _tie_share(x: np.ndarray, peak: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Each entry's share of a max/min's gradient: the winners split it evenly.

    Where the extremum is nan, the nan entries are the winners (as PyTorch).
    """
    winners = np.where(np.isnan(peak), np.isnan(x), x == peak)
    return winners / winners.sum(axis=axes, keepdims=True)


def _sum(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> Any:
    """``x.sum(axis=axis, keepdims=keepdims)``, minus the Python frame of NumPy's method."""
    return np.add.reduce(x, axis, None, None, keepdims)


def _mean(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """The mean as sum / count: nan over an empty axis, without np.mean's warning."""
    axes = range(x.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    count = math.prod(x.shape[a] for a in axes)
    return np.divide(x.sum(axis=axis, keepdims=keepdims), count)


def _zero_masks(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Where x is 0, and which reduced slices hold no zero / exactly one (keepdims)."""
    is_zero = x == 0
    count = is_zero.sum(axis=axes, keepdims=True)
    return is_zero, count == 0, count == 1


# The engine silences NumPy's floating-point warnings once around each op's forward
# (``Tensor._apply``) and once around a backward pass (``graph.backpropagate``), so
# these are NumPy's functions as they are.
array_math = SimpleNamespace(
    exp=np.exp, expm1=np.expm1, log=np.log, log1p=np.log1p, sqrt=np.sqrt, power=np.power,
    sigmoid=_array_sigmoid, softplus=_array_softplus, tanh=np.tanh, sin=np.sin, cos=np.cos,
    tan=np.tan, abs=np.abs, sign=_array_sign, where=np.where, maximum=np.maximum,
    minimum=np.minimum, divide=np.divide, multiply=np.multiply,
    greater=_greater, less=_less, equal=_equal, greater_equal=_greater_equal,
    less_equal=_less_equal, logical_and=np.logical_and, zero_where=_zero_where,
    isnan=np.isnan, isfinite=np.isfinite,
    zeros_like=np.zeros_like, erf=_array_erf, mean=_mean, saved=_saved, prod=np.prod, copy=np.copy,
    zero_masks=_zero_masks, broadcast_to=_broadcast_to, sum_to=_sum_to,
    expand_dims=_expand_dims,
    # Methods, not NumPy's functions: a VJP calls these per node, and the functions'
    # dispatch costs more than the work on a small array (every value here is an
    # ndarray or a NumPy scalar, which has the same methods).
    sum=_sum,
    amax=lambda x, axis=None, keepdims=False: np.maximum.reduce(x, axis, None, None, keepdims),
    amin=lambda x, axis=None, keepdims=False: np.minimum.reduce(x, axis, None, None, keepdims),
    reshape=lambda x, shape: x.reshape(shape), transpose=lambda x, axes: x.transpose(axes),
    swapaxes=lambda x, a, b: x.swapaxes(a, b), squeeze=lambda x, axis: x.squeeze(axis),
    matmul=np.matmul, matmul_laid_out_like=_matmul_laid_out_like, linear=_linear,
    getitem=lambda x, index: x[index], scatter_add=_scatter_add, one_hot=_one_hot,
    take=lambda x, picks: x.take(picks),  # the entries at flat positions
    split=_split,
    unstack=_unstack, concatenate=np.concatenate, stack=np.stack,
    shape=lambda x: x.shape, ndim=lambda x: x.ndim, tie_share=_tie_share, cumsum=np.cumsum,
    flip=np.flip,
    # --- convolution and pooling (ops/conv.py; kernels in windows.py) ---
    pad_constant=_windows.pad, unfold_windows=_windows.unfold, fold_windows=_windows.fold,
    first_max_mask=_windows.first_max_mask,
)
