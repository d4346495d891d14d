"""The graph mechanism shared by Value and Tensor.

Every node records the nodes it was computed from (``parents``), the name of the
operation (``op``) and a local backward rule ``backward(out, grad) -> grads``: given
the gradient of the final output w.r.t. ``out``, it returns one gradient per parent
(``None`` for a parent that needs none). Reverse-mode differentiation is then

1. order the DAG topologically (an explicit stack, so depth is unlimited),
2. walk it from the output back to the leaves, calling each local rule and summing
   the contributions that reach a node along different paths (the multivariate chain
   rule: ``d(a*a)/da = a + a``).

Value and Tensor differ only in what a gradient is (a float or an array), which they
state through ``_fit_grad`` (Tensor un-broadcasts there) and ``_initial_grad``, and in
how they store ``parents`` (each kind declares it: a slot, or a property over two).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

BackwardRule = Callable[[Any, Any], tuple]


class _GraphState(threading.local):
    """Per-thread switches: is the graph being recorded, and inside which name scope.

    ``recording`` is what node creation reads, once per node: the scope new nodes are
    tagged with, or None inside ``no_grad()``. One attribute, because every read of a
    thread-local costs as much as building half a node.
    """

    def __init__(self) -> None:
        self.scope = ""
        self.recording: str | None = ""


_state = _GraphState()
_new_object = object.__new__


def make_node(cls: type, data: Any, parents: tuple, op: str, backward: BackwardRule,
              ctx: Any = None) -> Any:
    """A ``cls`` node holding ``data``, recording ``op`` on ``parents`` unless in no_grad.

    Every operation of both node types comes through here, so it is kept lean: no
    ``__init__`` (that one validates user input) and no calls.
    """
    out = _new_object(cls)
    out.data = data
    out.grad = cls._initial_grad
    out.label = ""
    scope = _state.recording
    if scope is not None and parents:
        out.scope = scope
        out.parents = parents
        out.op = op
        out._backward = backward
        out._ctx = ctx
    else:
        out.scope = _state.scope
        out.parents = ()
        out.op = ""
        out._backward = None
        out._ctx = None
    return out


class Node:
    """A node of the computation graph; Value and Tensor are its two kinds."""

    __slots__ = ("data", "grad", "op", "label", "scope", "_backward", "_ctx", "__weakref__")
    parents: tuple  # the input nodes of the op that made this node; () for a leaf

    requires_grad = True
    _initial_grad: Any = None  # what .grad holds before any backward (Value: 0.0)

    @classmethod
    def _from_op(cls, data: Any, parents: tuple, op: str, backward: BackwardRule,
                 ctx: Any = None) -> Node:
        """Make the node for ``op`` applied to ``parents`` (see ``make_node``)."""
        return make_node(cls, data, parents, op, backward, ctx)

    # Brings a gradient flowing into a node to the node's shape and dtype, or returns
    # None to drop it (a Tensor that does not require grad). Value's gradients are
    # floats that always fit, so it keeps None and the engine skips a call per edge;
    # Tensor defines the method (un-broadcasting).
    _fit_grad: Callable[[Any], Any] | None = None

    def _seed(self, grad: Any) -> Any:
        """The gradient ``backward(grad)`` starts from; checks a given one, makes the default."""
        raise NotImplementedError

    @property
    def is_leaf(self) -> bool:
        """A leaf was made by the user (input, weight), not computed by an op."""
        return not self.parents

    def backward(self, grad: Any = None) -> None:
        """Fill ``.grad`` of every node this one depends on with d(self)/d(node).

        Leaves accumulate (``+=``) across calls, as in PyTorch; every intermediate
        node's ``.grad`` holds the gradient of this call only.
        """
        order, grads = backpropagate(self, self._seed(grad), store_intermediate_grads=True)
        self._store_leaf_grads([(node, grads[node]) for node in order
                                if node._backward is None and node in grads])

    @staticmethod
    def _store_leaf_grads(leaf_grads: list[tuple[Node, Any]]) -> None:
        """Add each gradient into its leaf's ``.grad`` (Tensor overrides: it owns arrays)."""
        for leaf, g in leaf_grads:
            leaf.grad = g if leaf.grad is None else leaf.grad + g


def topological_order(root: Node) -> list[Node]:
    """All nodes ``root`` depends on, each after its parents (iterative depth-first).

    Sets and dicts of the graph walk hold the nodes themselves: a node hashes by
    identity (Node defines no ``__eq__``), which is what ``id(node)`` would give, minus
    a function call per edge.
    """
    order: list[Node] = []
    visited: set[Node] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for parent in node.parents:
            if parent not in visited:
                stack.append((parent, False))
    return order


def backpropagate(root: Node, seed: Any, store_intermediate_grads: bool = False,
                  ) -> tuple[list[Node], dict[Node, Any]]:
    """Run every local backward rule from ``root`` down; return the nodes and their grads.

    ``grads`` maps each node to d(root)/d(node), for every node that requires grad.
    With ``store_intermediate_grads`` (what ``backward()`` asks for), each intermediate
    node's ``.grad`` is set as soon as its gradient is complete, sparing a second pass
    over the graph; ``grad()`` asks for nothing to be written. Leaves are left to the
    caller.
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad and has no graph; "
            "create the leaves with requires_grad=True")
    order = topological_order(root)
    grads: dict[Node, Any] = {root: seed}
    get = grads.get
    for node in reversed(order):
        rule = node._backward
        if rule is None:  # a leaf
            continue
        out_grad = get(node)
        if store_intermediate_grads:
            node.grad = node._initial_grad if out_grad is None else out_grad
        if out_grad is None:
            continue
        for parent, g in zip(node.parents, rule(node, out_grad)):
            if g is None:
                continue
            fit = parent._fit_grad
            if fit is not None:
                g = fit(g)
                if g is None:
                    continue
            previous = get(parent)
            grads[parent] = g if previous is None else previous + g
    return order, grads


def grad(output: Node, inputs: Node | Sequence[Node], grad_output: Any = None,
         allow_unused: bool = False) -> tuple:
    """Gradients of ``output`` w.r.t. each of ``inputs``, without touching any ``.grad``.

    Like ``torch.autograd.grad``: returns a tuple; an input that ``output`` does not
    depend on is an error unless ``allow_unused=True``, in which case its entry is None.
    """
    single = isinstance(inputs, Node)
    nodes = (inputs,) if single else tuple(inputs)
    for i, node in enumerate(nodes):
        if not isinstance(node, Node):
            raise TypeError(f"grad: inputs[{i}] must be a Value or Tensor, "
                            f"got {type(node).__name__}")
    _, grads = backpropagate(output, output._seed(grad_output))
    result = []
    for i, node in enumerate(nodes):
        g = grads.get(node)
        if g is None and not allow_unused:
            raise ValueError(f"grad: inputs[{i}] is not part of the graph of the output; "
                             "pass allow_unused=True to get None for it")
        result.append(g)
    return tuple(result)


class no_grad:  # noqa: N801 - named as in PyTorch
    """Context manager and decorator: operations inside record no graph (this thread only)."""

    def __enter__(self) -> None:
        self._previous = _state.recording
        _state.recording = None

    def __exit__(self, *exc_info: object) -> None:
        _state.recording = self._previous

    def __call__(self, function: Callable) -> Callable:
        import functools

        @functools.wraps(function)
        def without_grad(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return function(*args, **kwargs)

        return without_grad


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()`` on this thread."""
    return _state.recording is not None


@contextmanager
def name_scope(name: str) -> Iterator[str]:
    """Nodes made inside are tagged with the dotted scope path (``mlp.layers.0``).

    ``nn.Module.__call__`` enters one so that ``draw_graph`` can group a module's
    nodes into a cluster. Leaving restores the outer scope even after an exception.
    """
    state = _state
    outer, outer_recording = state.scope, state.recording
    state.scope = f"{outer}.{name}" if outer else name
    if outer_recording is not None:
        state.recording = state.scope
    try:
        yield state.scope
    finally:
        state.scope, state.recording = outer, outer_recording


def current_scope() -> str:
    """The dotted name scope new nodes are tagged with ("" outside any)."""
    return _state.scope
