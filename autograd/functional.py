"""Functional transforms, as ``torch.autograd.functional``: vjp, jvp, jacobian, hessian,
hvp, vhp.

``fn`` takes one node per input and returns a Value/Tensor (or a tuple of them);
``inputs`` is a Value, a Tensor, or a tuple of them, and results mirror that
structure. Each input is differentiated as a fresh leaf holding its data. Results are
detached nodes unless ``create_graph=True``, when they stay part of a graph (so they
can be differentiated again).

- ``vjp``: v^T J, one reverse pass.
- ``jvp``: J v by the double-vjp trick: u -> J^T u is linear, so its own VJP with v is J v.
- ``jacobian``: one reverse pass per output entry; shape ``out.shape + input.shape``.
- ``hessian``: the Jacobian of the gradient (``create_graph`` inside).
- ``vhp`` / ``hvp``: v^T H and H v by differentiating (grad . v).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .graph import Node, grad
from .tensor import Tensor
from .value import Value


def _as_tuple(x: Any, name: str, what: str) -> tuple[tuple, bool]:
    single = not isinstance(x, (tuple, list))
    items = (x,) if single else tuple(x)
    for i, item in enumerate(items):
        if not isinstance(item, Node):
            raise TypeError(f"{name}: {what}[{i}] must be a Value or Tensor, got "
                            f"{type(item).__name__}")
    return items, single


def _leaves(inputs: tuple, create_graph: bool) -> tuple:
    """Fresh leaves holding the inputs' data (the inputs themselves when create_graph
    and they are already differentiable, so higher orders reach them)."""
    def leaf(x: Node) -> Node:
        if create_graph and (isinstance(x, Value) or x.requires_grad):
            return x
        return Value(x.data) if isinstance(x, Value) else Tensor(x.data, requires_grad=True)
    return tuple(leaf(x) for x in inputs)


def _call(fn: Callable[..., Any], name: str, leaves: tuple) -> tuple[tuple, bool]:
    out = fn(*leaves)
    return _as_tuple(out, name, "the outputs of fn")


def _detach(x: Any, like: Node, create_graph: bool) -> Node:
    """A gradient as a node of ``like``'s kind (zeros where it is None)."""
    if x is None:
        x = 0.0 if isinstance(like, Value) else np.zeros_like(like.data)
    if isinstance(x, Node):
        return x if create_graph else _detach(x.data, like, False)
    return Value(float(x)) if isinstance(like, Value) else Tensor._constant(np.asarray(x))


def _check_v(v: Any, like: tuple, name: str) -> tuple:
    vs, _ = _as_tuple(v, name, "v") if v is not None else (None, True)
    if vs is None:
        if any(np.size(x.data) != 1 for x in like):
            raise ValueError(f"{name}: v can be omitted only when every entry is a single "
                             f"number; got shapes {[np.shape(x.data) for x in like]}")
        vs = tuple(_detach(np.ones_like(np.asarray(x.data, dtype=float)).reshape(np.shape(
            x.data)) if isinstance(x, Tensor) else 1.0, x, False) for x in like)
    if len(vs) != len(like):
        raise ValueError(f"{name}: v has {len(vs)} entries but there are {len(like)}")
    for i, (vi, x) in enumerate(zip(vs, like)):
        if np.shape(vi.data) != np.shape(x.data):
            raise ValueError(f"{name}: v[{i}] has shape {np.shape(vi.data)} but it must "
                             f"match shape {np.shape(x.data)}")
    return vs


def _pack(items: list, single: bool) -> Any:
    return items[0] if single else tuple(items)


def _grads(outputs: tuple, leaves: tuple, seeds: Any, create_graph: bool) -> tuple:
    live = [(o, s) for o, s in zip(outputs, seeds) if o.requires_grad and
            (o._op is not None or any(o is leaf for leaf in leaves))]
    if not live:
        return (None,) * len(leaves)
    return grad([o for o, _ in live], list(leaves), grad_outputs=[s for _, s in live],
                create_graph=create_graph, allow_unused=True)


def vjp(fn: Callable[..., Any], inputs: Any, v: Any = None,
        create_graph: bool = False) -> tuple[Any, Any]:
    """``(fn(inputs), v^T J)``."""
    xs, single_in = _as_tuple(inputs, "vjp", "inputs")
    leaves = _leaves(xs, create_graph)
    outs, single_out = _call(fn, "vjp", leaves)
    vs = _check_v(v, outs, "vjp")
    gs = _grads(outs, leaves, vs, create_graph)
    return (_pack([_detach(o, o, create_graph) for o in outs], single_out),
            _pack([_detach(g, x, create_graph) for g, x in zip(gs, xs)], single_in))


def jvp(fn: Callable[..., Any], inputs: Any, v: Any = None,
        create_graph: bool = False) -> tuple[Any, Any]:
    """``(fn(inputs), J v)``, by differentiating u -> J^T u (linear in u) along v."""
    xs, single_in = _as_tuple(inputs, "jvp", "inputs")
    vs = _check_v(v, xs, "jvp")
    leaves = _leaves(xs, True)
    outs, single_out = _call(fn, "jvp", leaves)
    dummies = tuple(Value(0.0) if isinstance(o, Value) else
                    Tensor(np.zeros_like(o.data), requires_grad=True) for o in outs)
    gs = _grads(outs, leaves, dummies, create_graph=True)
    pairs = [(g, vi) for g, vi in zip(gs, vs) if isinstance(g, Node) and g.requires_grad]
    if pairs:
        jv = grad([g for g, _ in pairs], list(dummies), grad_outputs=[vi for _, vi in pairs],
                  create_graph=create_graph, allow_unused=True)
    else:
        jv = (None,) * len(outs)
    return (_pack([_detach(o, o, create_graph) for o in outs], single_out),
            _pack([_detach(j, o, create_graph) for j, o in zip(jv, outs)], single_out))


def jacobian(fn: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """d out / d input, of shape ``out.shape + input.shape`` for every (output, input)."""
    xs, single_in = _as_tuple(inputs, "jacobian", "inputs")
    leaves = _leaves(xs, create_graph)
    outs, single_out = _call(fn, "jacobian", leaves)
    rows = [_jacobian_of(o, leaves, xs, create_graph) for o in outs]
    return _pack([_pack(row, single_in) for row in rows], single_out)


def _jacobian_of(out: Node, leaves: tuple, xs: tuple, create_graph: bool) -> list:
    out_shape = np.shape(out.data)
    size = int(np.prod(out_shape))
    blocks: list[list] = [[] for _ in xs]
    for k in range(size):
        seed = (Value(1.0) if isinstance(out, Value)
                else Tensor._constant(np.eye(1, size, k, dtype=out.dtype).reshape(out_shape)))
        gs = _grads((out,), leaves, (seed,), create_graph)
        for block, g, x in zip(blocks, gs, xs):
            block.append(_detach(g, x, create_graph))
    result = []
    for block, x in zip(blocks, xs):
        shape = out_shape + np.shape(x.data)
        if isinstance(out, Value) and isinstance(x, Value):
            result.append(block[0])
        elif create_graph:
            from .tensor_functions import stack
            parts = [b if isinstance(b, Tensor) else Tensor._constant(np.asarray(b.data))
                     for b in block]
            result.append(stack(parts).reshape(shape) if parts
                          else Tensor._constant(np.zeros(shape)))
        else:
            data = np.array([np.asarray(b.data) for b in block]).reshape(shape)
            result.append(Tensor._constant(data))
    return result


def _scalar_output(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def checked(*args: Any) -> Any:
        out = fn(*args)
        if not isinstance(out, Node) or np.size(out.data) != 1:
            shape = np.shape(out.data) if isinstance(out, Node) else type(out).__name__
            raise ValueError(f"{name}: fn must return a single-element Value or Tensor, "
                             f"got {shape}")
        return out
    return checked


def hessian(fn: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """The matrix of second derivatives of a scalar ``fn``: the Jacobian of its gradient."""
    xs, single_in = _as_tuple(inputs, "hessian", "inputs")
    scalar = _scalar_output(fn, "hessian")

    def gradient(*leaves: Any) -> tuple:
        out = scalar(*leaves)
        gs = _grads((out,), leaves, (None,), create_graph=True)
        return tuple(_detach(g, x, True) for g, x in zip(gs, leaves))

    rows = jacobian(gradient, xs, create_graph=create_graph)
    return rows[0][0] if single_in else rows


def vhp(fn: Callable[..., Any], inputs: Any, v: Any) -> tuple[Any, Any]:
    """``(fn(inputs), v^T H)`` for a scalar ``fn``."""
    return _hessian_product(fn, inputs, v, "vhp")


def hvp(fn: Callable[..., Any], inputs: Any, v: Any) -> tuple[Any, Any]:
    """``(fn(inputs), H v)`` for a scalar ``fn`` (equal to v^T H: H is symmetric)."""
    return _hessian_product(fn, inputs, v, "hvp")


def _hessian_product(fn: Callable[..., Any], inputs: Any, v: Any, name: str) -> tuple:
    xs, single_in = _as_tuple(inputs, name, "inputs")
    vs = _check_v(v, xs, name)
    leaves = _leaves(xs, False)
    out = _scalar_output(fn, name)(*leaves)
    gs = _grads((out,), leaves, (None,), create_graph=True)
    pairs = [(g, vi) for g, vi in zip(gs, vs) if isinstance(g, Node) and g.requires_grad]
    if pairs:
        hv = grad([g for g, _ in pairs], list(leaves), grad_outputs=[vi for _, vi in pairs],
                  allow_unused=True)
    else:
        hv = (None,) * len(xs)
    return (_detach(out, out, False),
            _pack([_detach(h, x, False) for h, x in zip(hv, xs)], single_in))
