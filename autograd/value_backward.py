"""The first-order backward pass of a graph of Values: gradients added in place.

Each gradient is added straight into the parents' ``.grad`` slots in reverse
topological order (intermediates are zeroed first, leaves keep accumulating across
calls), with no dictionary of gradients. The rules are the op table's first-order ones,
as for every node; +, * and a neuron's weighted sum (all but the activations of a
network) are applied inline, since their rules cost less written out than called. This
is what makes a scalar network's backward pass fast (benchmarks/PROFILE.md);
``autograd.grad`` keeps the generic walk of ``graph.py``.
"""

from __future__ import annotations

from typing import Any

from .ops import elementwise as ew

# module globals: read once per node, on the hot path
_ADD, _MUL, _WEIGHTED_SUM = ew.ADD, ew.MUL, ew.WEIGHTED_SUM


def accumulate_grads(root: Any, seed: float) -> None:
    """Add d(root)/d(node) * seed into ``.grad`` of every Value ``root`` depends on."""
    order = ancestors_in_order(root)
    for node in order:
        if node._op is not None:
            node.grad = 0.0
    root.grad += seed
    for node in reversed(order):
        op = node._op
        if op is None:
            continue
        g = node.grad
        if op is _ADD:
            node._left.grad += g
            node._right.grad += g
            continue
        if op is _MUL:
            left, right = node._left, node._right
            left.grad += g * right.data
            right.grad += g * left.data
            continue
        if op is _WEIGHTED_SUM:  # a neuron's sum: d/dw_i = x_i, d/dx_i = w_i, d/db = 1
            parts = node.parents
            for w, x in zip(parts[0::2], parts[1::2]):
                w.grad += g * x.data
                x.grad += g * w.data
            if len(parts) % 2:
                parts[-1].grad += g
            continue
        grads = op.raw_backward(node, g)
        if grads[0] is not None:  # None only from a custom Function's backward
            node._left.grad += grads[0]
        right = node._right
        if right is not None and grads[1] is not None:
            right.grad += grads[1]
        if node._more is not None:
            for parent, grad in zip(node._more, grads[2:]):
                if grad is not None:
                    parent.grad += grad


def ancestors_in_order(root: Any) -> list[Any]:
    """Every Value ``root`` depends on, each after its parents: a depth-first walk with
    an explicit stack (no recursion limit) over the parent slots (``_more`` holds the
    third and later parents of a wide node).

    A node is pushed as (node, False) to be expanded, and as (node, True) under its
    parents, so it is emitted once they are done.
    """
    order: list[Any] = []
    visited: set[Any] = set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            left = node._left
            if left is not None:
                if left not in visited:
                    stack.append((left, False))
                right = node._right
                if right is not None and right not in visited:
                    stack.append((right, False))
                more = node._more
                if more is not None:
                    for parent in more:
                        if parent not in visited:
                            stack.append((parent, False))
    return order
