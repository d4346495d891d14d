"""``assert_gradients_close``: gradcheck as a test assertion with a diagnosis.

The comparison is gradcheck's: every entry of every Jacobian must satisfy
``|analytical - numerical| <= atol + rtol * |numerical|``. On failure the message names
the input, the element with the worst mismatch and both values, and says when the
point sits near a kink (relu, abs, leaky_relu at 0; ties of max, min, maximum), where
central differences straddle two slopes, or when the computation is not in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..gradcheck import (
    _as_point,
    analytical_jacobians,
    gradcheck,
    numerical_jacobians,
    worst_mismatch,
)
from ..graph import Node, topological_order
from ..op import KINK_AT_TIES, KINK_AT_ZERO
from ..tensor import Tensor
from ..value import Value


def assert_gradients_close(fn: Callable[..., Any], inputs: Sequence[Any], eps: float = 1e-6,
                           atol: float = 1e-5, rtol: float = 1e-3) -> None:
    """Assert that backward's gradients of ``fn`` at ``inputs`` match central differences.

    Same arguments and criterion as ``autograd.gradcheck``. Raises AssertionError that
    names the input, the element index with the worst mismatch, the analytical and the
    numerical value, and hints at the likely cause (a kink, a non-float64 dtype).
    """
    if gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=False):
        return
    points = [_as_point(x, i) for i, x in enumerate(inputs)]
    analytical = analytical_jacobians(fn, points)
    numerical = numerical_jacobians(fn, points, eps)
    lines = [f"gradients of {_name(fn)} differ from central differences "
             f"(eps={eps}, atol={atol}, rtol={rtol})"]
    for i, (a, n) in enumerate(zip(analytical, numerical)):
        if not np.allclose(a, n, atol=atol, rtol=rtol, equal_nan=True):
            lines.append(_worst_entry(i, inputs[i], points[i], a, n, atol, rtol))
    lines.extend(_hints(fn, inputs, points, eps))
    raise AssertionError("\n".join(lines))


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def _worst_entry(i: int, given: Any, point: Any, analytical: np.ndarray, numerical: np.ndarray,
                 atol: float, rtol: float) -> str:
    """One paragraph: input ``i``, its worst element and both gradients there."""
    k, element, a, n = worst_mismatch(point, analytical, numerical, atol, rtol)
    shape = np.shape(point)
    label = getattr(given, "label", "")
    name = f"input {i}" + (f" ({label!r})" if label else "") + (f", shape {shape}" if shape else "")
    value = float(np.asarray(point)[element])  # a plain float repr, not np.float64(...)
    output = f" of output entry {k}" if analytical.shape[0] > 1 else ""
    return (f"{name}: worst mismatch at element {element} (value {value!r}){output}:\n"
            f"  analytical (backward)        {float(a):.10g}\n"
            f"  numerical (central diff.)    {float(n):.10g}\n"
            f"  |difference| {abs(a - n):.3g} > allowed {atol + rtol * abs(n):.3g}")


def _hints(fn: Callable[..., Any], inputs: Sequence[Any], points: list[Any],
           eps: float) -> list[str]:
    hints = []
    for i, x in enumerate(inputs):
        dtype = getattr(x, "dtype", None)
        if dtype is not None and np.dtype(dtype) != np.float64:
            hints.append(f"hint: input {i} is {np.dtype(dtype)}; the check runs in float64, "
                         "so pass float64 inputs to test what you run")
    try:
        leaves = [Value(p) if isinstance(p, float) else Tensor(p, requires_grad=True)
                  for p in points]
        out = fn(*leaves)
    except Exception:  # noqa: BLE001 - a hint must never hide the real failure
        return hints
    if not isinstance(out, Node):
        return hints
    if isinstance(out, Tensor) and out.dtype != np.float64:
        hints.append(f"hint: fn computes in {out.dtype}, not float64: central differences "
                     f"with eps={eps} drown in its rounding error; compute in float64")
    hints.extend(_kink_hints(out, eps))
    return hints


def _kink_hints(out: Node, eps: float) -> list[str]:
    """Nodes of the graph evaluated within a small distance of their op's kink."""
    near = max(1e-4, 1e3 * eps)
    hints = []
    for node in topological_order(out):
        kinks = node._op.kinks if node._op is not None else ""
        if kinks == KINK_AT_ZERO:
            distance = float(np.min(np.abs(np.asarray(node.parents[0].data, dtype=float))))
        elif kinks == KINK_AT_TIES:
            distance = _tie_distance(node)
        else:
            continue
        if distance <= near:
            where = "its input is" if kinks == KINK_AT_ZERO else "compared entries are"
            hints.append(f"hint: {node.op} is evaluated near its kink ({where} {distance:.3g} "
                         f"from it); central differences with eps={eps} straddle two slopes "
                         "there: draw inputs away from it (e.g. autograd.testing.values("
                         "away_from_zero=True) or arrays(unique=True))")
    return hints


def _tie_distance(node: Node) -> float:
    """How close the entries a max/min/maximum compares come to a tie.

    For a reduction this looks at all entries of its input, not only those along the
    reduced axes: a hint may come too often, never too rarely.
    """
    if len(node.parents) == 2:  # maximum, minimum: the two inputs
        a, b = (np.asarray(p.data, dtype=float) for p in node.parents)
        return float(np.min(np.abs(a - b)))
    ordered = np.sort(np.asarray(node.parents[0].data, dtype=float).reshape(-1))
    return float(np.min(np.diff(ordered))) if ordered.size > 1 else np.inf
