"""``autograd.Function``: a custom op, its forward and backward written by the user.

>>> class Cube(Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x ** 3
...     @staticmethod
...     def backward(ctx, g):
...         (x,) = ctx.saved_tensors
...         return g * 3 * x ** 2
>>> y = Cube.apply(Tensor([2.0], requires_grad=True))

``forward`` runs without recording; the result becomes one node whose VJP calls
``backward``. On the first-order path ``backward`` gets constant nodes and runs under
``no_grad``; under ``grad(..., create_graph=True)`` it runs recorded, so when it is
written with this library's ops, gradients of gradients flow through it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .graph import Node, no_grad
from .op import Op


class FunctionCtx:
    """What ``forward`` leaves for ``backward``: saved nodes, which inputs need a gradient,
    and any attribute set on it."""

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple = ()

    def save_for_backward(self, *nodes: Any) -> None:
        for i, node in enumerate(nodes):
            if node is not None and not isinstance(node, Node):
                raise TypeError(f"save_for_backward: argument {i} must be a Value or Tensor "
                                f"(or None), got {type(node).__name__}; keep other objects "
                                "as attributes of ctx")
        self._saved = nodes

    @property
    def saved_tensors(self) -> tuple:
        return self._saved

    saved_values = saved_tensors


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``,
    then call ``YourOp.apply(*args)``. ``backward`` returns one gradient per argument of
    ``forward`` (None for an argument that is not a Value/Tensor or needs none)."""

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Any:
        raise NotImplementedError("Function subclasses define a static forward(ctx, *args)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError("Function subclasses define a static backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        name = cls.__name__
        needs = tuple(isinstance(a, Node) and bool(a.requires_grad) for a in args)
        ctx = FunctionCtx(needs)
        with no_grad():
            out = cls.forward(ctx, *args)
        if not isinstance(out, Node):
            raise TypeError(f"{name}.forward must return a Value or Tensor, got "
                            f"{type(out).__name__}")
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Node))
        parents = tuple(args[i] for i in positions)
        kind = type(out)
        if not kind._is_scalar and not any(needs):
            parents = ()
        shapes = tuple(np.shape(args[i].data) for i in positions)
        node = kind._node(out.data, parents, _op_of(cls), (cls, ctx, positions, shapes,
                                                           len(args)))
        if not kind._is_scalar:
            node.requires_grad = bool(node.parents)
        return node


def _op_of(cls: type) -> Op:
    op = cls.__dict__.get("_autograd_op")
    if op is None:
        op = Op(cls.__name__, _never_forward, (_function_vjp,), variadic=True,
                formula=("the backward of " + cls.__name__,))
        cls._autograd_op = op
    return op


def _never_forward(xp: Any, inputs: Any, *params: Any) -> Any:
    raise RuntimeError("a Function's forward runs only through apply()")


def _function_vjp(xp: Any, g: Any, inputs: Any, y: Any, cls: type, ctx: FunctionCtx,
                  positions: tuple[int, ...], shapes: tuple, count: int) -> tuple:
    """Call the user's backward: on nodes (recorded) or on constants (under no_grad)."""
    from .node_backend import node_math

    name = cls.__name__
    recorded = xp is node_math
    if recorded:
        grads = cls.backward(ctx, g)
    else:
        kind = type(ctx._saved[0]) if ctx._saved and ctx._saved[0] is not None else None
        kind = kind or _kind_of_data(g)
        with no_grad():
            grads = cls.backward(ctx, kind._constant_like(None, g) if kind._is_scalar
                                 else kind._constant(np.asarray(g)))
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != count:
        raise TypeError(f"{name}.backward returned {len(grads)} gradient(s), but forward "
                        f"took {count} argument(s): return one per argument (None for "
                        "those that need none)")
    result = []
    for k, i in enumerate(positions):
        gi = grads[i]
        if gi is not None:
            shape = np.shape(gi.data if isinstance(gi, Node) else gi)
            if shape != shapes[k]:
                raise ValueError(f"{name}.backward: the gradient of argument {i} has shape "
                                 f"{shape}, but the argument has shape {shapes[k]}")
            if not recorded and isinstance(gi, Node):
                gi = gi.data
        result.append(gi)
    return tuple(result)


def _kind_of_data(g: Any) -> type:
    from .tensor import Tensor
    from .value import Value
    return Value if isinstance(g, float) else Tensor
