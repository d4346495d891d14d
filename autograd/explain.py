"""explain_backward: the backward pass told as text, one line per op, with the numbers.

The steps are the engine's own: the same topological order ``backward()`` uses, and at
each op the node's own backward rule, applied to the gradient that reached it. So the
numbers narrated are the numbers ``backward()`` computes, not a second implementation
of the calculus. What this file adds is the telling: names for unlabelled nodes, the
local derivative as a formula (``op_text.py``) and the sum when a node is reached along
several paths (the multivariate chain rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import op_text
from .draw_format import describe_array, fmt
from .graph import Node, backpropagate
from .value import Value

_SENDS_G = re.compile(r"\bg\b")  # a Tensor formula saying where the output's gradient g goes


@dataclass
class Contribution:
    """What one op sends back to one of its inputs: ``parent.grad += grad_in``.

    ``local`` is d(out)/d(parent) (a number for Value ops; None for Tensor ops, whose
    local derivative is a Jacobian); ``before``/``after`` the parent's gradient sum.
    """

    position: int
    parent: Node
    local: float | None
    grad_in: Any
    before: Any
    after: Any
    path: int = 1       # this is the parent's path-th incoming contribution ...
    paths: int = 1      # ... out of this many


@dataclass
class Step:
    """One op of the backward pass: its output node, the gradient at it, what it sends."""

    node: Node
    grad_out: Any
    contributions: list[Contribution] = field(default_factory=list)


def backward_steps(root: Node, who: str = "explain_backward"
                   ) -> tuple[list[Node], list[Step], dict[Node, Any]]:
    """Replay backward from ``root``: the nodes (topological order), the op steps in the
    order backward applies them, and every node's gradient d(root)/d(node)."""
    if not isinstance(root, Node):
        raise TypeError(f"{who}: expected a Value or Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise ValueError(f"{who}: the root does not require grad, so it has no graph")
    if np.size(root.data) != 1:
        raise ValueError(f"{who}: the root must hold one number (a loss), got "
                         f"shape {np.shape(root.data)}; pass e.g. root.sum()")
    steps: list[Step] = []

    def observe(node: Node, grad_out: Any, k: int, parent: Node, g: Any, before: Any,
                after: Any) -> None:
        if not steps or steps[-1].node is not node:
            steps.append(Step(node, grad_out))
        local = _local_derivatives(node)[k]
        steps[-1].contributions.append(Contribution(k, parent, local, g, before, after))

    order, grads = backpropagate(root, root._seed(None), observe=observe)
    _number_paths(steps)
    return order, steps, grads


def _local_derivatives(node: Node) -> list[float | None]:
    """d(out)/d(input) per input of a Value op: its first-order rule applied to 1."""
    if not isinstance(node, Value):
        return [None] * len(node.parents)
    return [None if d is None else float(d) for d in node._op.raw_backward(node, 1.0)]


def _number_paths(steps: list[Step]) -> None:
    counts: dict[Node, int] = {}
    for step in steps:
        for c in step.contributions:
            counts[c.parent] = c.path = counts.get(c.parent, 0) + 1
    for step in steps:
        for c in step.contributions:
            c.paths = counts[c.parent]


def node_names(order: list[Node]) -> dict[Node, str]:
    """A name per node: its label when that is unique (in parentheses unless it is a
    plain identifier), else x1, x2 ... for leaves and
    t1, t2 ... for computed nodes (skipping names already taken by labels)."""
    labels: dict[str, int] = {}
    for node in order:
        if node.label:
            labels[node.label] = labels.get(node.label, 0) + 1
    names: dict[Node, str] = {}
    counters = {"x": 0, "t": 0}
    for node in order:
        if node.label and labels[node.label] == 1:  # "x1*w1" reads as one name: (x1*w1)
            names[node] = node.label if node.label.isidentifier() else f"({node.label})"
            continue
        prefix = "t" if node.parents else "x"
        while True:
            counters[prefix] += 1
            name = f"{prefix}{counters[prefix]}"
            if name not in labels:
                break
        names[node] = name
    return names


def show(x: Any) -> str:
    """A gradient or datum as text: 4 significant digits; a small array's values."""
    if isinstance(x, float):
        return fmt(x)
    a = np.asarray(x)
    if a.ndim == 0:
        return fmt(float(a))
    return " ".join(describe_array(a, 8))


def step_line(step: Step, names: dict[Node, str]) -> str:
    """One step as text: the op, its local derivatives, and each input's new gradient."""
    node = step.node
    out = names[node]
    inputs = [names[p] for p in node.parents]
    formulas = op_text.derivative_texts(node, out, inputs)
    scalar = isinstance(node, Value)
    parts = []
    for c in step.contributions:
        formula = formulas[c.position]
        what = f"d{out}/d{inputs[c.position]}"
        if scalar:
            value = show(c.local)
            parts.append(f"{what} = {value}" if formula in (None, value)
                         else f"{what} = {formula} = {value}")
        elif formula is not None and _SENDS_G.search(formula):
            parts.append(f"{inputs[c.position]} gets {formula}")
        elif formula is not None:
            parts.append(f"{what} = {formula} (elementwise)")
    head = op_text.forward_text(node, out, inputs)
    derivatives = ", ".join(parts)
    grads = "; ".join(_grad_text(c, names, step.grad_out, scalar) for c in step.contributions)
    text = f"{head}: {derivatives}" if derivatives else head
    return f"{text}; {grads}" if grads else f"{text} (no input needs a gradient)"


def _grad_text(c: Contribution, names: dict[Node, str], grad_out: Any, scalar: bool) -> str:
    name = f"{names[c.parent]}.grad"
    product = f"{show(grad_out)} * {show(c.local)}" if scalar else show(c.grad_in)
    paths = f" (path {c.path} of {c.paths})" if c.paths > 1 else ""
    if c.before is None:
        return f"{name} = {product}" + ("" if not scalar else f" = {show(c.after)}") + paths
    return f"{name} = {show(c.before)} + {product} = {show(c.after)}{paths}"


def explain_backward(root: Node, max_steps: int = 50) -> str:
    """The backward pass from ``root`` as text, one line per op in the order backward
    applies them: the op, its local derivative (formula and number) and the gradient
    each input receives, e.g. ``o = tanh(n): do/dn = 1 - o^2 = 0.5; n.grad = 1 * 0.5 =
    0.5``. A node reached along several edges shows the running sum (``path 2 of 3``).

    The numbers are d(root)/d(node), what ``.grad`` holds after one ``root.backward()``
    from zero gradients; nothing is written to any ``.grad``.
    """
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"explain_backward: max_steps must be a positive int, got {max_steps!r}")
    order, steps, _ = backward_steps(root)
    names = node_names(order)
    lines = [f"backward from {names[root]}: {names[root]}.grad = {show(root._seed(None))} "
             f"(d{names[root]}/d{names[root]}); {len(steps)} step(s), each op's inputs get "
             "gradient-at-its-output * local derivative"]
    lines.extend(f"{k}. {step_line(step, names)}" for k, step in enumerate(steps[:max_steps], 1))
    if len(steps) > max_steps:
        lines.append(f"... {len(steps) - max_steps} more step(s) not shown "
                     f"(raise max_steps to see them)")
    return "\n".join(lines)
