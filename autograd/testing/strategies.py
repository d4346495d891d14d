"""Hypothesis strategies for gradient tests: numbers, arrays and broadcastable shapes.

Central differences ``(f(x + eps) - f(x - eps)) / 2eps`` are only meaningful where ``f``
is smooth on ``[x - eps, x + eps]``. These strategies draw finite float64 inputs from a
safe range and, on request, keep them a ``margin`` away from zero, from kinks (relu,
abs and leaky_relu bend at 0) or inside the positive reals (log, sqrt, a base of
``**``). Points that land too close to an excluded one are pushed out to the margin
instead of being rejected, so generation never stalls and shrinking still works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: The default interval inputs are drawn from: wide enough to cross every interesting
#: region of the activations, small enough that exp, ** and products stay finite.
SAFE_RANGE = (-4.0, 4.0)
#: The default distance kept from excluded points (zero, kinks, the edge of a domain).
MARGIN = 1e-2


def _domain_map(min_value: float, max_value: float, positive: bool, away_from: Sequence[float],
                margin: float) -> tuple[float, float, Any]:
    """The interval to draw from and a function that moves a drawn point into the domain."""
    if positive:
        min_value = max(min_value, margin)
    if not min_value <= max_value:
        raise ValueError(f"values: empty domain [{min_value}, {max_value}] "
                         f"(positive={positive}, margin={margin})")
    kinks = sorted(float(k) for k in away_from)

    def move(x: float) -> float:
        for k in kinks:
            if abs(x - k) < margin:
                up, down = k + margin, k - margin
                # Leave through the side x is on, unless that side is out of range.
                x = up if (x >= k and up <= max_value) or down < min_value else down
        return float(min(max(x, min_value), max_value))

    return min_value, max_value, move


def values(min_value: float = SAFE_RANGE[0], max_value: float = SAFE_RANGE[1], *,
           positive: bool = False, away_from_zero: bool = False,
           away_from: Sequence[float] = (), margin: float = MARGIN) -> st.SearchStrategy[float]:
    """Finite floats in ``[min_value, max_value]`` for differentiating at.

    ``positive``: only x >= margin (log, sqrt, the base of a power).
    ``away_from_zero``: |x| >= margin (a divisor; relu, abs and leaky_relu's kink).
    ``away_from``: other points to keep ``margin`` away from (``max``'s ties, a kink
    of your own function). Both keep |x - k| >= margin for every excluded k.
    """
    kinks = tuple(away_from) + ((0.0,) if away_from_zero else ())
    low, high, move = _domain_map(min_value, max_value, positive, kinks, margin)
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    return floats.map(move) if kinks else floats


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes; the defaults keep a full Jacobian small (at most 64 entries per input)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def arrays(shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
           min_value: float = SAFE_RANGE[0], max_value: float = SAFE_RANGE[1], *,
           positive: bool = False, away_from_zero: bool = False,
           away_from: Sequence[float] = (), margin: float = MARGIN,
           unique: bool = False, dtype: Any = np.float64) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of ``values(...)``, float64 unless ``dtype`` says otherwise.

    ``shape`` is a fixed shape, a strategy of shapes, or None (drawn by ``shapes()``).
    ``unique=True`` spaces all entries at least ``margin`` apart, so ``max``/``min``
    reductions have no near-ties (their kink).
    """
    if shape is None:
        shape = shapes()
    elements = values(min_value, max_value, positive=positive, away_from_zero=away_from_zero,
                      away_from=away_from, margin=margin)
    drawn = hnp.arrays(dtype, shape, elements=elements)
    return drawn.map(lambda a: _spread(a, margin)) if unique else drawn


def _spread(array: np.ndarray, margin: float) -> np.ndarray:
    """Break near-ties: give the k-th smallest entry an extra ``2 * margin * k``.

    The order of the entries is kept (ties are broken by position), so every pair ends
    up at least ``2 * margin`` apart.
    """
    flat = array.reshape(-1)
    rank = np.empty(flat.size, dtype=np.int64)
    rank[np.argsort(flat, kind="stable")] = np.arange(flat.size)
    return (flat + 2 * margin * rank).reshape(array.shape).astype(array.dtype)


@st.composite
def broadcastable_shapes(draw: st.DrawFn, n: int = 2, min_dims: int = 0, max_dims: int = 3,
                         max_side: int = 4) -> tuple[tuple[int, ...], ...]:
    """``n`` shapes that broadcast together, as NumPy's rules allow.

    Drawn from a common result shape: each operand keeps a suffix of its axes (so
    ``(4,)`` meets ``(2, 3, 4)``) and may shrink any axis to 1 (``(3, 1)`` meets
    ``(1, 4)``); ``()`` is a scalar and broadcasts with anything.
    """
    result = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                                   max_side=max_side))
    drawn = []
    for _ in range(n):
        ndim = draw(st.integers(min(min_dims, len(result)), len(result)))
        suffix = result[len(result) - ndim:]
        drawn.append(tuple(1 if draw(st.booleans()) else side for side in suffix))
    return tuple(drawn)


def axes(ndim: int, allow_none: bool = True,
         allow_tuple: bool = True) -> st.SearchStrategy[int | tuple[int, ...] | None]:
    """An ``axis=`` argument for a tensor of ``ndim`` dimensions: None, an int (possibly
    negative) or a tuple of distinct axes."""
    options: list[st.SearchStrategy[Any]] = []
    if allow_none:
        options.append(st.none())
    if ndim > 0:
        options.append(st.integers(-ndim, ndim - 1))
        if allow_tuple:
            options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                                    unique=True).map(tuple))
    if not options:
        raise ValueError("axes: a 0-d tensor has no axis to draw; allow_none=True")
    return st.one_of(options)
