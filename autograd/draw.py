"""draw_graph: the computation graph as a Graphviz picture.

Every Value or Tensor becomes a data node (a record of label, data and grad) and every
operation its own small ellipse, so ``c = a * b + a.tanh()`` reads left to right as
``a, b -> * -> + -> c``. Nodes made inside a module's forward carry its name scope
(``mlp.layers.0.neurons.3``) and are drawn in nested, labelled boxes
(``draw_scopes.py``), or each module as a single box (``collapse``, ``draw_collapse.py``).

The DOT source is built as plain text lines, which is what makes a 100,000-node graph
take a fraction of a second; the ``graphviz`` package is imported only when drawing,
so ``import autograd`` stays fast.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import draw_format as f
from .draw_collapse import collapsed_picture, cut_picture, module_label
from .draw_scopes import CLUSTER_FILLS, GREY_FILLS, clusters, placement
from .graph import Node
from .op_text import forward_again, is_ordered, op_symbol

if TYPE_CHECKING:
    from .draw_render import GraphDrawing

# Operations are the default node style; data nodes and the key say shape=plain.
_OP_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "#ffffff",
             "color": "#555555", "fontname": "Helvetica", "fontsize": "11",
             "margin": "0.04,0.02", "height": "0.3"}
# Drawing everything (max_nodes=None) refuses beyond this many nodes unless forced:
# dot's layout time grows about quadratically (measured here: 0.7 s for 250 data
# nodes, 39 s for 500 tangled ones; a 65,000-node training step ran 11 minutes and
# was stopped).
GUARD_NODES = 5_000
_DOT_SECONDS_PER_NODE_SQUARED = 2.5e-6


def draw_graph(root: Node | Sequence[Node], format: str = "svg", rankdir: str = "LR",
               show_grad: bool = True, max_nodes: int | None = 500,
               color_by: str | None = None, params: Iterable[Node] | None = None,
               group_modules: bool = True, legend: bool = True,
               max_values: int = f.MAX_VALUES, title: str = "",
               collapse: str | int | None = None, force: bool = False) -> GraphDrawing:
    """Draw the graph that ``root`` (or each of a list of roots) was computed from.

    Returns a ``graphviz.Digraph`` (shown inline by Jupyter, as PNG when
    ``format="png"``); ``.render(path)`` writes the picture and needs Graphviz's ``dot``.

    - Data nodes show label, data and (``show_grad``) grad; a Tensor shows its shape,
      dtype and its values when it has at most ``max_values`` elements, else
      mean/std/min/max. Numbers have 4 significant digits.
    - Colours (see the key): parameters gold, inputs and constants grey,
      intermediates blue, the root green. A parameter is a leaf that requires grad.
      Every Value does, so in a Value graph a labelled leaf counts as a parameter and
      an unlabelled one (a number promoted by ``x * 2``) as a constant; pass
      ``params=model.parameters()`` to say exactly which leaves are parameters.
    - ``color_by="grad"``: data nodes are filled by |grad| on a log scale (blue:
      vanishing, red: exploding); a tensor uses its mean |grad|. Kinds then lose their
      colours (a parameter has a thick border, the root a double one).
    - ``group_modules``: nodes made inside ``name_scope``s (an nn module's forward) sit
      in nested boxes labelled with the module's type and path (``Linear
      (sequential.0)``); a leaf made outside any (a parameter, an input) joins the
      innermost box holding all its consumers.
    - ``collapse="modules"`` (the modules directly inside the model) or an int depth
      (0: the model itself): each module there is drawn as one box with only its
      inputs and outputs (many values between the same two places as one bundle).
    - ``max_nodes``: only the nodes nearest the root (breadth-first) are drawn, and the
      picture says how many were left out. ``None`` draws everything, but refuses a
      graph over 5,000 nodes (``dot`` would take minutes to hours) unless ``force=True``.
    - A parameter changed since the graph was built (``opt.step()`` after the forward
      pass) is marked ``*``, with a note: the ops still show the forward pass's values.
    - ``format`` (svg, png, pdf, ...) and ``rankdir`` (LR, TB, RL, BT) go to Graphviz;
      ``title`` is printed above the key (``legend=False`` leaves the key out).
    """
    roots = _as_roots(root)
    if color_by not in (None, "grad"):
        raise ValueError(f"draw_graph: color_by must be None or 'grad', got {color_by!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)
                                  or max_nodes < 1):
        raise ValueError(f"draw_graph: max_nodes must be at least 1 or None, got {max_nodes!r}")
    if not isinstance(force, bool):
        raise TypeError(f"draw_graph: force must be a bool, got {force!r}")
    depth = _collapse_depth(collapse)
    nodes, total = _nearest_nodes(roots, None if depth is not None else max_nodes)
    kinds = _kinds(nodes, roots, params)
    style = _Style(nodes, kinds, show_grad, color_by, max_values)
    changed = _changed_since_forward(nodes, kinds)
    style.changed = set(changed)
    if depth is None:
        _guard(total, max_nodes, force, "")
        body, numbered = _plain_body(nodes, style, group_modules, color_by)
        boxes, shown = 0, len(nodes)
    else:
        pic, root_items, boxes = collapsed_picture(nodes, roots, kinds, depth, style)
        total = pic.count()
        _guard(total, max_nodes, force, "collapsed ")
        body, shown = cut_picture(pic, root_items, max_nodes)
        numbered = pic.numbered
    notes = []
    if total > shown:
        notes.append(f"showing the {shown:,} nodes nearest the root: {total - shown:,} "
                     f"of {total:,} left out (…); raise max_nodes to draw more")
    if changed:
        names = ", ".join(n.label or "(unlabelled)" for n in changed[:4]) + (
            f" and {len(changed) - 4} more" if len(changed) > 4 else "")
        notes.append(f"* changed after this graph was built (e.g. by opt.step()): {names}; "
                     "the other nodes show the values of the forward pass")
    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "12",
                  "nodesep": "0.25", "ranksep": "0.35", "labelloc": "t", "labeljust": "l"}
    present = [k for k in (f.PARAMETER, f.INPUT, f.INTERMEDIATE, f.OUTPUT)
               if k in style.drawn_kinds]
    if title or notes or legend:
        graph_attr["label"] = f.graph_label(title, notes, present if legend else [],
                                            legend and color_by == "grad",
                                            numbered=numbered, boxes=boxes > 0)
    from .draw_render import GraphDrawing  # imports graphviz, on first use only

    dot = GraphDrawing(name="computation_graph", format=format, graph_attr=graph_attr,
                       node_attr=_OP_STYLE,
                       edge_attr={"color": "#555555", "arrowsize": "0.6"})
    dot.body.extend(body)
    dot.summary = {"drawn": shown, "total": total, "boxes": boxes, "changed": len(changed),
                   "root": roots[0].label or type(roots[0]).__name__}
    return dot


class _Style:
    """How each drawn thing looks: data nodes (by index), ops, bundles and boxes."""

    def __init__(self, nodes: list[Node], kinds: list[str], show_grad: bool,
                 color_by: str | None, max_values: int) -> None:
        self.nodes, self.kinds = nodes, kinds
        self.show_grad, self.color_by, self.max_values = show_grad, color_by, max_values
        self.changed: set[Node] = set()
        self.drawn_kinds: set[str] = set()

    def data(self, i: int) -> str:
        node = self.nodes[i]
        self.drawn_kinds.add(self.kinds[i])
        return "label=" + _data_label(node, self.kinds[i], self.show_grad, self.color_by,
                                      self.max_values, node in self.changed)

    def op(self, node: Node) -> str:
        return "label=" + _quoted(op_symbol(node))

    def bundle(self, members: list[Node], kind: str) -> str:
        """Many scalar values between the same two places, drawn as one small tensor."""
        data = np.array([np.mean(m.data) for m in members], dtype=float)
        grads = [m.grad for m in members]
        grad = None if any(g is None for g in grads) else \
            np.array([np.mean(g) for g in grads], dtype=float)
        fill = f.grad_color(f.grad_magnitude(grad)) if self.color_by else None
        self.drawn_kinds.add(kind)
        return "label=" + f.tensor_label(f"{len(members)} values", data, grad,
                                         self.show_grad, kind, fill, self.max_values,
                                         bundle=True)

    def box(self, box: Any) -> str:
        """A collapsed module: type and path, its size, its parameters' mean |grad|."""
        params = box.hidden_params
        ops = f"{box.ops:,} op{'s' if box.ops != 1 else ''}"
        lines = [ops + (f", {len(params):,} parameters inside" if params else "")]
        fill = None
        known = [g for g in (f.grad_magnitude(p.grad) for p in params) if g is not None]
        if known and (self.show_grad or self.color_by):
            mean = sum(known) / len(known)
            lines.append(f"parameters' mean |grad| {f.fmt(mean)}")
            fill = f.grad_color(mean) if self.color_by else None
        label = module_label(box.path)
        title, path = (label[:-1].split(" (", 1) if label.endswith(")") else (label, ""))
        return "label=" + f.box_label(title, path, lines, fill)


def _collapse_depth(collapse: Any) -> int | None:
    if collapse is None:
        return None
    if collapse == "modules":
        return 1
    if isinstance(collapse, bool) or not isinstance(collapse, int) or collapse < 0:
        raise ValueError(f"draw_graph: collapse must be None, 'modules' or a depth >= 0, "
                         f"got {collapse!r}")
    return collapse


def _guard(count: int, max_nodes: int | None, force: bool, what: str) -> None:
    """Refuse to hand dot a graph it would take minutes or hours to lay out."""
    if max_nodes is not None or force or count <= GUARD_NODES:
        return
    seconds = _DOT_SECONDS_PER_NODE_SQUARED * (2 * count) ** 2  # a data node + an op each
    estimate = (f"{seconds / 3600:.0f} hours" if seconds >= 7200 else
                f"{seconds / 60:.0f} minutes")
    raise ValueError(
        f"draw_graph: max_nodes=None would draw all {count:,} {what}nodes; Graphviz's dot "
        f"would take roughly {estimate} to lay them out (its time grows about with the "
        "square of the node count). Draw fewer (the default max_nodes=500, "
        "collapse='modules', or a step over one sample), or pass force=True to draw "
        "them all anyway")


def _plain_body(nodes: list[Node], style: _Style, group_modules: bool,
                color_by: str | None) -> tuple[list[str], bool]:
    """Every node in its name scope's box, then the edges; whether an edge is numbered."""
    index = {node: i for i, node in enumerate(nodes)}
    scopes, children, boxed = (placement(nodes, index) if group_modules
                               else ([""] * len(nodes), {}, set()))
    by_scope: dict[str, list[str]] = {}
    for i, node in enumerate(nodes):
        lines = by_scope.setdefault(scopes[i], [])
        lines.append(f"\tn{i} [{style.data(i)} shape=plain]\n")
        if node.parents:
            lines.append(f"\to{i} [{style.op(node)}]\n")
    body = clusters(by_scope, children, boxed, GREY_FILLS if color_by else CLUSTER_FILLS)
    edges, numbered = _edges(nodes, index)
    body.extend(edges)
    return body, numbered


def _as_roots(root: Any) -> list[Node]:
    roots = [root] if isinstance(root, Node) else list(root) if isinstance(root, Iterable) \
        else [root]
    for r in roots:
        if not isinstance(r, Node):
            raise TypeError(f"draw_graph: expected a Value or Tensor (or a list of them), "
                            f"got {type(r).__name__}")
    if not roots:
        raise ValueError("draw_graph: nothing to draw (an empty list of roots)")
    return roots


def _nearest_nodes(roots: list[Node], max_nodes: int | None) -> tuple[list[Node], int]:
    """The first ``max_nodes`` nodes breadth-first from the roots, and how many there are."""
    order: list[Node] = []
    seen: set[Node] = set()
    queue = deque()
    for r in roots:
        if r not in seen:
            seen.add(r)
            queue.append(r)
    while queue:
        node = queue.popleft()
        order.append(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return (order if max_nodes is None else order[:max_nodes]), len(order)


def _kinds(nodes: list[Node], roots: list[Node], params: Iterable[Node] | None) -> list[str]:
    wanted = None if params is None else set(params)
    root_set = set(roots)
    kinds = []
    for node in nodes:
        if node in root_set:
            kinds.append(f.OUTPUT)
        elif node.parents:
            kinds.append(f.INTERMEDIATE)
        elif node in wanted if wanted is not None else (
                node.requires_grad and (node.label or not isinstance(node.data, float))):
            kinds.append(f.PARAMETER)
        else:
            kinds.append(f.INPUT)
    return kinds




def _edges(nodes: list[Node], index: dict[Node, int]) -> tuple[list[str], bool]:
    """Every edge among the drawn nodes (numbered where operand order matters), and
    whether any is numbered; an input left out ends in a stub."""
    lines = []
    numbered = False
    for i, node in enumerate(nodes):
        parents = node.parents
        if not parents:
            continue
        ordered = is_ordered(node)
        numbered |= ordered
        cut = False
        for k, parent in enumerate(parents):
            j = index.get(parent)
            if j is None:
                cut = True
            elif ordered:
                lines.append(f"\tn{j} -> o{i} [{f.NUMBER_STYLE.format(k + 1)}]\n")
            else:
                lines.append(f"\tn{j} -> o{i}\n")
        if cut:
            lines.append(f'\tcut{i} [label="…" shape=plaintext fontcolor="#777777"]\n'
                         f'\tcut{i} -> o{i} [style=dashed color="#999999"]\n')
        lines.append(f"\to{i} -> n{i}\n")
    return lines, numbered


def _data_label(node: Node, kind: str, show_grad: bool, color_by: str | None,
                max_values: int, changed: bool = False) -> str:
    grad = node.grad if (show_grad or color_by) and node.requires_grad else None
    fill = f.grad_color(f.grad_magnitude(grad)) if color_by == "grad" else None
    data = node.data
    label = f"{node.label} *" if changed else node.label
    if isinstance(data, float):
        return f.value_label(label, data, grad if show_grad else None, kind, fill)
    return f.tensor_label(label, data, grad, show_grad and node.requires_grad, kind,
                          fill, max_values)


def _changed_since_forward(nodes: list[Node], kinds: list[str]) -> list[Node]:
    """Parameters whose current data no longer gives the results recorded in the graph.

    Only the ops reading a parameter are computed again (``op_text.forward_again``),
    so this costs one op per use of a parameter; an op it cannot recompute tells nothing.
    """
    params = {node for node, kind in zip(nodes, kinds) if kind == f.PARAMETER}
    changed: dict[Node, None] = {}
    if not params:
        return []
    for node in nodes:
        parents = node.parents
        if not parents or not any(p in params for p in parents):
            continue
        again = forward_again(node)
        if again is None:
            continue
        data = node.data
        if isinstance(data, float):  # a Value: plain floats, no NumPy call per node
            same = again == data or (again != again and data != data)
        else:
            with np.errstate(all="ignore"):
                same = np.array_equal(again, data, equal_nan=True) or bool(
                    np.allclose(again, data, rtol=1e-12, atol=0.0, equal_nan=True))
        if not same:
            changed.update((p, None) for p in parents if p in params)
    return list(changed)


_quoted = functools.lru_cache(maxsize=256)(f.quote)
