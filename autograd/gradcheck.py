"""gradcheck: compare backward's gradients with central finite differences.

Same defaults and meaning as ``torch.autograd.gradcheck``: every entry of the Jacobian
must satisfy ``|analytical - numerical| <= atol + rtol * |numerical|``, where the
numerical entry is ``(f(x + eps) - f(x - eps)) / (2 eps)`` computed in float64.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .graph import Node, grad
from .tensor import Tensor
from .value import Value


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the analytical and numerical gradients disagree."""


def gradcheck(fn: Callable[..., Any], inputs: Sequence[Any], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Check the gradient of ``fn`` at ``inputs`` against central differences.

    ``inputs`` holds numbers or Values (``fn`` then gets Values) and arrays or Tensors
    (``fn`` gets float64 Tensors that require grad). ``fn`` returns a Value or a Tensor
    of any shape; its whole Jacobian is checked. Returns True, or raises
    ``GradcheckError`` (returns False when ``raise_exception=False``) naming, per input,
    the worst entry and both gradients.
    """
    points = [_as_point(x, i) for i, x in enumerate(inputs)]
    analytical = analytical_jacobians(fn, points)
    numerical = numerical_jacobians(fn, points, eps)
    failures = []
    for i, (a, n) in enumerate(zip(analytical, numerical)):
        if not np.allclose(a, n, atol=atol, rtol=rtol, equal_nan=True):
            failures.append(_describe_mismatch(i, points[i], a, n, atol, rtol))
    if failures and raise_exception:
        raise GradcheckError("gradcheck: backward disagrees with central differences "
                             f"(eps={eps}, atol={atol}, rtol={rtol})\n" + "\n".join(failures))
    return not failures


def gradgradcheck(fn: Callable[..., Any], inputs: Sequence[Any], grad_outputs: Any = None,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True) -> bool:
    """Check second derivatives, as ``torch.autograd.gradgradcheck``: the gradients of
    the first-order gradients (``grad(..., create_graph=True)``) against central
    differences of them.

    The check runs ``gradcheck`` on ``(*inputs, grad_outputs) -> d<fn, grad_outputs>/dx_i``
    for each input i, so both the rule's dependence on the inputs and on the incoming
    gradient are checked. ``grad_outputs`` defaults to random values of the output's
    shape (fixed seed).
    """
    points = [_as_point(x, i) for i, x in enumerate(inputs)]
    out = _output(fn, _leaves(points))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        seed = rng.standard_normal(np.shape(out.data))
        grad_outputs = float(seed) if isinstance(out, Value) else seed
    seed_point = _as_point(grad_outputs, len(points))
    if np.shape(seed_point) != np.shape(out.data):
        raise ValueError(f"gradgradcheck: grad_outputs has shape {np.shape(seed_point)} but "
                         f"fn's output has shape {np.shape(out.data)}")
    ok = True
    for i in range(len(points)):
        def first_order(*args: Any, i: int = i) -> Any:
            *xs, v = args
            g = grad(fn(*xs), list(xs), grad_outputs=v, create_graph=True, allow_unused=True)[i]
            if g is None:  # fn does not depend on input i: its gradient is constant 0
                like = xs[i]
                g = Value(0.0) + 0.0 * v if isinstance(like, Value) else (v * 0.0).sum() \
                    + Tensor._constant(np.zeros(like.shape))
            return g
        try:
            ok &= gradcheck(first_order, [*points, seed_point], eps=eps, atol=atol, rtol=rtol,
                            raise_exception=raise_exception)
        except GradcheckError as error:
            raise GradcheckError(f"gradgradcheck: second derivatives through the gradient "
                                 f"of input {i}:\n{error}") from None
    return ok


def _as_point(x: Any, position: int) -> Value | np.ndarray:
    """Each input as a float (for Value functions) or a float64 array (for Tensor ones)."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    if isinstance(x, Node):
        x = x.data
    try:
        return np.array(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"gradcheck: inputs[{position}] must be a number, Value, array or "
                        f"Tensor, got {type(x).__name__}") from None


def _leaves(points: list[Any]) -> list[Node]:
    return [Value(p) if isinstance(p, float) else Tensor(p, requires_grad=True)
            for p in points]


def _output(fn: Callable[..., Any], leaves: list[Node]) -> Node:
    out = fn(*leaves)
    if not isinstance(out, (Value, Tensor)):
        raise TypeError(f"gradcheck: fn must return a Value or a Tensor, got "
                        f"{type(out).__name__}")
    return out


def _flat(data: Any) -> np.ndarray:
    return np.asarray(data, dtype=np.float64).reshape(-1)


def analytical_jacobians(fn: Callable[..., Any], points: list[Any]) -> list[np.ndarray]:
    """d out / d input for each input, as (out.size, input.size) matrices, by backward."""
    leaves = _leaves(points)
    out = _output(fn, leaves)
    out_size = _flat(out.data).size
    jacobians = [np.zeros((out_size, _flat(p).size)) for p in points]
    if not out.requires_grad:
        return jacobians  # out does not depend on any input
    for k in range(out_size):
        seed = 1.0 if isinstance(out, Value) else np.eye(1, out_size, k).reshape(out.shape)
        grads = grad(out, leaves, grad_output=seed, allow_unused=True)
        for jacobian, g in zip(jacobians, grads):
            if g is not None:
                jacobian[k] = _flat(g)
    return jacobians


def numerical_jacobians(fn: Callable[..., Any], points: list[Any],
                        eps: float) -> list[np.ndarray]:
    """d out / d input for each input by central differences, perturbing one entry at a time."""
    def evaluate(i: int, j: int, delta: float) -> np.ndarray:
        moved = list(points)
        if isinstance(points[i], float):
            moved[i] = points[i] + delta
        else:
            moved[i] = points[i].copy()
            moved[i].reshape(-1)[j] += delta
        return _flat(_output(fn, _leaves(moved)).data)

    out_size = _flat(_output(fn, _leaves(points)).data).size
    jacobians = []
    for i, point in enumerate(points):
        columns = [(evaluate(i, j, eps) - evaluate(i, j, -eps)) / (2 * eps)
                   for j in range(_flat(point).size)]
        jacobians.append(np.stack(columns, axis=1) if columns else np.zeros((out_size, 0)))
    return jacobians


def worst_mismatch(point: Any, analytical: np.ndarray, numerical: np.ndarray, atol: float,
                   rtol: float) -> tuple[int, tuple[int, ...], float, float]:
    """The Jacobian entry that most exceeds ``atol + rtol * |numerical|`` (nan counts as worst).

    Returns the output entry (flat index), the input element (index into ``point``, ``()``
    for a number), and the analytical and numerical gradients there.
    """
    excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    excess = np.where(np.isnan(excess), np.inf, excess)
    k, j = np.unravel_index(int(np.argmax(excess)), excess.shape)
    shape = np.shape(point)
    element = tuple(int(n) for n in np.unravel_index(j, shape)) if shape else ()
    return int(k), element, analytical[k, j], numerical[k, j]


def _describe_mismatch(i: int, point: Any, analytical: np.ndarray, numerical: np.ndarray,
                       atol: float, rtol: float) -> str:
    k, entry, a, n = worst_mismatch(point, analytical, numerical, atol, rtol)
    shape = np.shape(point)
    where = f"output entry {k}, input entry {entry}"
    lines = [f"input {i} (shape {shape}): worst mismatch at {where}: "
             f"analytical {a:.6g} vs numerical {n:.6g}"]
    if analytical.size <= 50:
        lines.append(f"  analytical:\n{_indent(analytical)}\n  numerical:\n{_indent(numerical)}")
    return "\n".join(lines)


def _indent(matrix: np.ndarray) -> str:
    text = np.array2string(matrix, precision=6, suppress_small=True)
    return "\n".join("    " + line for line in text.splitlines())
