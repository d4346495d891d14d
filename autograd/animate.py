"""animate_backward: the backward pass as a self-contained HTML page, one frame per op.

The page holds the graph as inline SVG (laid out by Graphviz, drawn as ``draw_graph``
draws it), the frames as JSON and a little JavaScript to step through them: at each
frame one op is highlighted, the gradients it sends back fill in at its inputs, and the
line ``explain_backward`` prints for that op is the caption. No network, no server: the
file opens in any browser, and can be mailed or put beside a notebook.

The frames come from the same replay of the engine's backward rules as
``explain_backward`` (``explain.backward_steps``), so the last frame's gradients are the
ones ``root.backward()`` computes.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from .animate_page import PAGE
from .draw import _nearest_nodes, draw_graph
from .explain import Step, backward_steps, node_names, show, step_line
from .graph import Node
from .value import Value


def animate_backward(root: Node, path: str | os.PathLike, max_nodes: int = 200) -> Path:
    """Write an HTML page to ``path`` that steps through the backward pass from ``root``.

    One frame per op in the order ``backward()`` applies them: the op is highlighted,
    each input's gradient fills in (a running sum where a node is reached along several
    paths) and the caption gives the local derivative and the numbers. Play/pause,
    step, first/last, a slider and the arrow keys move through it. Graphs of more than
    ``max_nodes`` nodes are refused: a frame per op of a bigger graph is no longer
    something to watch. Needs Graphviz's ``dot`` (for the layout). Returns the path.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"animate_backward: path must be a file name, got {type(path).__name__}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"animate_backward: max_nodes must be a positive int, got {max_nodes!r}")
    order, steps, grads = backward_steps(root, who="animate_backward")
    nodes, _ = _nearest_nodes([root], None)
    if len(nodes) > max_nodes:
        raise ValueError(
            f"animate_backward: the graph has {len(nodes):,} nodes, more than max_nodes="
            f"{max_nodes}; animate a smaller one (one neuron, one sample) or raise max_nodes")
    names = node_names(order)
    index = {node: i for i, node in enumerate(nodes)}
    svg = _layout(root, nodes, grads, names)
    data = {
        "title": f"backward pass from {names[root]}: {len(steps)} ops",
        "start": {"grads": {f"n{index[root]}": _grad_entry(root, grads[root])},
                  "caption": f"start: {names[root]}.grad = {show(grads[root])} "
                             f"(d{names[root]}/d{names[root]}). Press ▶ or → to step."},
        "frames": [_frame(step, index, names) for step in steps],
    }
    payload = json.dumps(data).replace("</", "<\\/")
    page = PAGE.replace("{{TITLE}}", html.escape(data["title"])).replace("{{SVG}}", svg)
    page = page.replace("{{FRAMES}}", payload)
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out


def _layout(root: Node, nodes: list[Node], grads: dict[Node, Any],
            names: dict[Node, str]) -> str:
    """The graph as SVG, laid out with every node's final gradient (so each label is wide
    enough for any number the frames put there) and every node named as the captions
    name it (``t3``); labels and ``.grad`` are restored afterwards."""
    saved = [(node, node.grad, node.label) for node in nodes]
    try:
        for node in nodes:
            if node in grads:
                node.grad = grads[node]
            node.label = node.label or names.get(node, "")
        dot = draw_graph(root, max_nodes=None)
        svg = dot.pipe(format="svg").decode("utf-8")
    finally:
        for node, grad, label in saved:
            node.grad, node.label = grad, label
    return svg[svg.index("<svg"):]


def _grad_entry(node: Node, grad: Any) -> dict[str, Any]:
    """What a frame shows for a gradient: its text, and its numbers (for checking)."""
    if isinstance(node, Value):
        return {"text": f"grad {show(grad)}", "value": float(grad)}
    values = np.asarray(grad, dtype=float)
    return {"text": f"grad {show(grad)}", "value": values.tolist() if values.size <= 64 else
            None, "tensor": True}


def _frame(step: Step, index: dict[Node, int], names: dict[Node, str]) -> dict[str, Any]:
    node = step.node
    return {
        "op": f"o{index[node]}",
        "out": f"n{index[node]}",
        "inputs": [f"n{index[c.parent]}" for c in step.contributions],
        "grads": {f"n{index[c.parent]}": _grad_entry(c.parent, c.after)
                  for c in step.contributions},
        "caption": step_line(step, names),
    }
