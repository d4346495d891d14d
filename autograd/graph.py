"""The graph mechanism shared by Value and Tensor.

Every node records the nodes it was computed from (``parents``), the ``Op`` that made
it (``op.py``: the forward rule beside one VJP per input) and the op's parameters.
Reverse-mode differentiation is then

1. order the DAG topologically (an explicit stack, so depth is unlimited),
2. walk it from the output back to the leaves, calling each input's VJP and summing
   the contributions that reach a node along different paths (the multivariate chain
   rule: ``d(a*a)/da = a + a``).

The walk runs the rules on raw data (floats, arrays) by default. With
``create_graph=True`` it runs the same rules on the nodes themselves (``node_math``),
so the backward pass is recorded and can be differentiated again.

The two node kinds state what differs: what a gradient is (``_fit_grad``: Tensor
un-broadcasts; ``_initial_grad``), how ``parents`` are stored, and the raw backend
``xp`` their data uses.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .backends import restore_numpy_errors, silence_numpy_errors
from .op import Op


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
_INDEXES = range(sys.maxsize)  # numbers _walk's edges: a tuple fewer than enumerate(zip())


def make_node(cls: type, data: Any, parents: tuple, op: Op, params: tuple = ()) -> Any:
    """A ``cls`` node holding ``data``, recording ``op`` on ``parents`` unless in no_grad.

    Every operation of both node types comes through here, so it is kept lean: no
    ``__init__`` (that one validates user input) and no calls.
    """
    out = _new_object(cls)
    out.data = data
    out.grad = cls._initial_grad
    scope = _state.recording
    if scope is not None and parents:
        out._names = scope
        out.parents = parents
        out._op = op
        out._params = params
    else:
        out._names = _state.scope
        out.parents = ()
        out._op = None
        out._params = ()
    return out


class Node:
    """A node of the computation graph; Value and Tensor are its two kinds."""

    # ``_names`` is the name scope the node was made in, or (label, scope) once it has a
    # label: one slot for two strings that are almost always "" and shared, since every
    # slot costs 8 bytes on each of a million nodes (see ``label`` and ``scope``).
    __slots__ = ("data", "grad", "_op", "_names")
    parents: tuple  # the input nodes of the op that made this node; () for a leaf
    _params: tuple = ()  # the op's parameters (Tensor keeps them in a slot; see Op.bind)

    requires_grad = True
    _initial_grad: Any = None  # what .grad holds before any backward (Value: 0.0)
    xp: Any  # the raw backend of this kind's data (scalar_math or array_math)

    # Brings a gradient flowing into a node to the node's shape and dtype, or returns
    # None to drop it (a Tensor that does not require grad). Value's gradients are
    # floats that always fit, so it keeps None and the engine skips a call per edge;
    # Tensor defines it (un-broadcasting); the engine skips it for a gradient that fits.
    _fit_grad: Callable[[Any], Any] | None = None
    # ``_check_before_backward(order)``: raises if the graph cannot be walked, or None.
    # Tensor's checks that no tensor was changed in place after an op used it (the
    # version counter).
    _check_before_backward: Callable[[list], None] | None = None

    @property
    def label(self) -> str:
        """The node's name in drawings and messages ("" when it has none)."""
        names = self._names
        return names[0] if type(names) is tuple else ""

    @label.setter
    def label(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"{type(self).__name__}: label must be a str, got "
                            f"{type(text).__name__}")
        scope = self.scope
        self._names = (text, scope) if text else scope

    @property
    def scope(self) -> str:
        """The dotted name scope the node was made in (``name_scope``; "" outside any)."""
        names = self._names
        return names[1] if type(names) is tuple else names

    @scope.setter
    def scope(self, scope: str) -> None:
        label = self.label
        self._names = (label, scope) if label else scope

    @property
    def op(self) -> str:
        """The name of the operation that made this node ("" for a leaf)."""
        return "" if self._op is None else self._op.symbol

    @property
    def op_params(self) -> tuple:
        """The parameters the op was applied with (an exponent, axes, ...); () for none."""
        return () if self._op is None else self._op.bound + self._params

    @classmethod
    def _node(cls, data: Any, parents: tuple, op: Op, params: tuple = ()) -> Node:
        """A node of this kind for ``op`` on ``parents`` (Function makes its nodes here)."""
        return make_node(cls, data, parents, op, params)

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
        leaf_grads: list[tuple[Node, Any]] = []
        backpropagate(self, self._seed(grad), leaf_grads=leaf_grads)
        leaf_grads.reverse()  # into topological order, as the graph lists the leaves
        self._store_leaf_grads(leaf_grads)

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
        parents = node.parents
        if not parents:  # a leaf is done at once: a push and a pop fewer
            order.append(node)
            continue
        stack.append((node, True))
        for parent in parents:
            if parent not in visited:
                stack.append((parent, False))
    return order


def backpropagate(root: Node, seed: Any, leaf_grads: list | None = None,
                  create_graph: bool = False, observe: Callable[..., None] | None = None,
                  ) -> tuple[list[Node], dict[Node, Any]]:
    """Run every VJP from ``root`` down; return the nodes and their gradients.

    ``grads`` maps each node to d(root)/d(node), for every node that requires grad:
    raw data, or nodes with ``create_graph`` (``seed`` is then a node too). Given a
    ``leaf_grads`` list (by ``backward()``), each intermediate node's ``.grad`` is set
    as soon as its gradient is complete, and (leaf, gradient) pairs are appended in
    reverse topological order, for the caller to store: no second pass. ``observe(node,
    out_grad, k, parent, g, before, after)``, when given, hears every contribution as it
    is added (``explain_backward`` narrates them).
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad and has no graph; "
            "create the leaves with requires_grad=True")
    order = topological_order(root)
    grads: dict[Node, Any] = {root: seed}
    check = root._check_before_backward
    if check is not None:
        check(order)
    token = silence_numpy_errors()  # inf and nan are the documented answers, as PyTorch
    try:
        _walk(order, grads, leaf_grads, create_graph, observe)
    finally:
        restore_numpy_errors(token)
    return order, grads


def _walk(order: list[Node], grads: dict[Node, Any], leaf_grads: list | None,
          create_graph: bool, observe: Callable[..., None] | None) -> None:
    """The loop of ``backpropagate``: each node's VJPs, summed into its parents' grads."""
    get = grads.get
    if create_graph:
        from .node_backend import node_math
    for node in reversed(order):
        op = node._op
        out_grad = get(node)
        if op is None:  # a leaf
            if leaf_grads is not None and out_grad is not None:
                leaf_grads.append((node, out_grad))
            continue
        if leaf_grads is not None:  # backward(): raw data, never create_graph
            node.grad = node._initial_grad if out_grad is None else out_grad
        if out_grad is None:
            continue
        input_grads = (op.node_backward(node, out_grad, node_math) if create_graph
                       else op.raw_backward(node, out_grad))
        for parent, g, k in zip(node.parents, input_grads, _INDEXES):
            if g is None:
                continue
            fit = parent._fit_grad
            if fit is not None:
                data = parent.data  # a gradient of its type, shape and dtype fits as it is
                if not (type(g) is type(data) and g.shape == data.shape
                        and g.dtype == data.dtype and parent.requires_grad):
                    g = fit(g)
                    if g is None:
                        continue
            previous = get(parent)
            grads[parent] = total = g if previous is None else previous + g
            if observe is not None:
                observe(node, out_grad, k, parent, g, previous, total)


def grad(outputs: Node | Sequence[Node], inputs: Node | Sequence[Node],
         grad_outputs: Any = None, create_graph: bool = False,
         allow_unused: bool = False, grad_output: Any = None) -> tuple:
    """Gradients of ``outputs`` w.r.t. each of ``inputs``, without touching any ``.grad``.

    Like ``torch.autograd.grad``: returns a tuple; an input that the outputs do not
    depend on is an error unless ``allow_unused=True``, in which case its entry is None.
    Several outputs add up their gradients (each seeded by its ``grad_outputs`` entry).
    With ``create_graph=True`` the gradients are Values/Tensors that are part of a
    graph, so they can be differentiated again; otherwise floats/arrays.
    """
    if grad_output is not None:  # the first version's name for a single output
        grad_outputs = grad_output
    roots = _as_nodes(outputs, "outputs")
    nodes = _as_nodes(inputs, "inputs")
    _check_bool(create_graph, "create_graph")
    _check_bool(allow_unused, "allow_unused")
    if isinstance(outputs, Node) or grad_outputs is None:
        seeds = [grad_outputs] * len(roots)
    elif isinstance(grad_outputs, (list, tuple)) and len(grad_outputs) == len(roots):
        seeds = list(grad_outputs)
    else:
        raise ValueError(f"grad: got {len(roots)} outputs, so grad_outputs must be None or "
                         f"a list of {len(roots)} gradients")
    if create_graph and not is_grad_enabled():
        raise RuntimeError("grad: create_graph=True inside no_grad(): the backward pass "
                           "cannot be recorded; leave the no_grad block first")
    totals: dict[Node, Any] = {}
    for i, (root, seed) in enumerate(zip(roots, seeds)):
        if not root.requires_grad:
            raise RuntimeError(f"grad: outputs[{i}] does not require grad (it was built "
                               "under no_grad() or from inputs that do not require grad)")
        if create_graph and isinstance(seed, Node):  # a seed that is itself differentiable
            root._seed(seed.data)  # checks its shape
            start = seed
        else:
            start = root._seed(seed)
            if create_graph:
                start = type(root)._constant_like(root, start)
        _, grads = backpropagate(root, start, create_graph=create_graph)
        for node in nodes:
            g = grads.get(node)
            if g is not None:
                totals[node] = g if node not in totals else totals[node] + g
    result = []
    for i, node in enumerate(nodes):
        g = totals.get(node)
        if g is None and not allow_unused:
            raise ValueError(f"grad: inputs[{i}] is not part of the graph of the output "
                             "(was the output computed under no_grad()?); pass "
                             "allow_unused=True to get None for it")
        result.append(g)
    return tuple(result)


def _as_nodes(x: Any, name: str) -> tuple[Node, ...]:
    nodes = (x,) if isinstance(x, Node) else tuple(x) if isinstance(x, (list, tuple)) else None
    if nodes is None:
        raise TypeError(f"grad: {name} must be a Value or Tensor or a sequence of them, "
                        f"got {type(x).__name__}")
    for i, node in enumerate(nodes):
        if not isinstance(node, Node):
            raise TypeError(f"grad: {name}[{i}] must be a Value or Tensor, "
                            f"got {type(node).__name__}")
    if not nodes:
        raise ValueError(f"grad: {name} is empty")
    return nodes


def _check_bool(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"grad: {name} must be True or False, got {value!r}")


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


class name_scope:  # noqa: N801 - used as a function, like no_grad
    """Nodes made inside are tagged with the dotted scope path (``mlp.layers.0``).

    ``nn.Module.__call__`` enters one per call (with ``enter_scope``/``exit_scope``,
    what this class wraps) so that ``draw_graph`` can group a module's nodes into a
    cluster. ``with name_scope("x") as path`` gives the full path. Leaving restores the
    outer scope even after an exception.
    """

    __slots__ = ("name", "_outer")

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> str:
        scope, self._outer = enter_scope(self.name)
        return scope

    def __exit__(self, *exc_info: object) -> None:
        exit_scope(self._outer)


def enter_scope(name: str) -> tuple[str, tuple[str, str | None]]:
    """Enter the scope ``name`` inside the current one: its full path, and the state
    that ``exit_scope`` restores. ``name_scope`` without an object and a ``with`` per
    entry, for ``nn.Module.__call__`` (a try/finally around the call must exit it)."""
    state = _state  # each read of a thread-local's attribute costs: one of each
    outer, recording = state.scope, state.recording
    state.scope = scope = f"{outer}.{name}" if outer else name
    if recording is not None:
        state.recording = scope
    return scope, (outer, recording)


def exit_scope(outer: tuple[str, str | None]) -> None:
    """Leave the scope ``enter_scope`` entered: restore the state it returned."""
    _state.scope, _state.recording = outer


def current_scope() -> str:
    """The dotted name scope new nodes are tagged with ("" outside any)."""
    return _state.scope
