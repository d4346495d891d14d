"""draw_graph: the computation graph as a Graphviz picture.

Every Value or Tensor becomes a data node (a record of label, data and grad) and every
operation its own small ellipse, so ``c = a * b + a.tanh()`` reads left to right as
``a, b -> * -> + -> c``. Nodes made inside a module's forward carry its name scope
(``mlp.layers.0.neurons.3``) and are drawn in nested, labelled boxes.

The DOT source is built as plain text lines, which is what makes a 100,000-node graph
take a fraction of a second; the ``graphviz`` package is imported only when drawing,
so ``import autograd`` stays fast.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import draw_format as f
from .graph import Node

if TYPE_CHECKING:
    import graphviz

_CLUSTER_FILLS = ("#f7f7f7", "#eef3f8", "#f8f3ea", "#eef6ee", "#f5eef6")
# Operations are the default node style; data nodes and the key say shape=plain.
_OP_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "#ffffff",
             "color": "#555555", "fontname": "Helvetica", "fontsize": "11",
             "margin": "0.04,0.02", "height": "0.3"}


def draw_graph(root: Node | Sequence[Node], format: str = "svg", rankdir: str = "LR",
               show_grad: bool = True, max_nodes: int | None = 500,
               color_by: str | None = None, params: Iterable[Node] | None = None,
               group_modules: bool = True, legend: bool = True,
               max_values: int = f.MAX_VALUES, title: str = "") -> graphviz.Digraph:
    """Draw the graph that ``root`` (or each of a list of roots) was computed from.

    Returns a ``graphviz.Digraph`` (shown inline by Jupyter); ``.render(path)`` writes
    the picture and needs Graphviz's ``dot`` program.

    - Data nodes show label, data and (``show_grad``) grad; a Tensor shows its shape,
      dtype and its values when it has at most ``max_values`` elements, else
      mean/std/min/max. Numbers have 4 significant digits.
    - Colours (see the key): parameters gold, inputs and constants grey,
      intermediates blue, the root green. A parameter is a leaf that requires grad.
      Every Value does, so in a Value graph a labelled leaf counts as a parameter and
      an unlabelled one (a number promoted by ``x * 2``) as a constant; pass
      ``params=model.parameters()`` to say exactly which leaves are parameters.
    - ``color_by="grad"``: data nodes are shaded by |grad| on a log scale (blue:
      vanishing, red: exploding); a tensor uses its mean |grad|.
    - ``group_modules``: nodes made inside ``name_scope``s (an nn module's forward) sit
      in nested boxes labelled with the module path; a leaf made outside any (a
      parameter, an input) joins the innermost box holding all its consumers.
    - ``max_nodes``: only the nodes nearest the root (breadth-first) are drawn, and the
      picture says how many were left out; ``None`` draws everything.
    - ``format`` (svg, png, pdf, ...) and ``rankdir`` (LR, TB, RL, BT) go to Graphviz;
      ``title`` is printed above the key (``legend=False`` leaves the key out).
    """
    roots = _as_roots(root)
    if color_by not in (None, "grad"):
        raise ValueError(f"draw_graph: color_by must be None or 'grad', got {color_by!r}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be at least 1 or None, got {max_nodes}")
    nodes, total = _nearest_nodes(roots, max_nodes)
    index = {node: i for i, node in enumerate(nodes)}
    kinds = _kinds(nodes, roots, params)
    scopes, children, boxed = (_placement(nodes, index) if group_modules
                               else ([""] * len(nodes), {}, set()))

    by_scope: dict[str, list[str]] = {}
    for i, node in enumerate(nodes):
        lines = by_scope.setdefault(scopes[i], [])
        label = _data_label(node, kinds[i], show_grad, color_by, max_values)
        lines.append(f"\tn{i} [label={label} shape=plain]\n")
        if node.parents:
            op = _quoted(node.op) if node.op != "**" else _quote(_op_name(node))
            lines.append(f"\to{i} [label={op}]\n")

    body = _clusters(by_scope, children, boxed)
    body.extend(_edges(nodes, index))
    note = ""
    if total > len(nodes):
        note = (f"showing the {len(nodes):,} nodes nearest the root: {total - len(nodes):,} "
                f"of {total:,} left out (…); raise max_nodes to draw more")
    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "12",
                  "nodesep": "0.25", "ranksep": "0.35", "labelloc": "t", "labeljust": "l"}
    if title or note or legend:
        present = [k for k in (f.PARAMETER, f.INPUT, f.INTERMEDIATE, f.OUTPUT) if k in kinds]
        graph_attr["label"] = f.graph_label(title, note, present if legend else [],
                                            legend and color_by == "grad")
    from .draw_render import GraphDrawing  # imports graphviz, on first use only

    dot = GraphDrawing(name="computation_graph", format=format, graph_attr=graph_attr,
                       node_attr=_OP_STYLE,
                       edge_attr={"color": "#555555", "arrowsize": "0.6"})
    dot.body.extend(body)
    return dot


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


def _placement(nodes: list[Node], index: dict[Node, int]
               ) -> tuple[list[str], dict[str, set[str]], set[str]]:
    """The box each node is drawn in, and the tree of boxes (see ``_scope_tree``).

    A node sits in its own scope. A leaf made outside any (a parameter from a module's
    ``__init__``, an input) joins the innermost box holding all the operations that
    consume it: a neuron's weights sit in the neuron's box, its inputs in the layer's.
    """
    scopes = [node.scope for node in nodes]
    children, boxed = _scope_tree(scopes)
    shared: dict[int, str] = {}
    for node in nodes:
        for parent in node.parents:
            j = index.get(parent)
            if j is None or parent.parents or scopes[j]:
                continue
            shared[j] = node.scope if j not in shared else _common(shared[j], node.scope)
    for j, scope in shared.items():
        while scope and scope not in boxed:
            scope = scope.rpartition(".")[0]
        scopes[j] = scope
    return scopes, children, boxed


def _common(a: str, b: str) -> str:
    """The longest common dotted prefix: ``m.l.0`` and ``m.l.1`` give ``m.l``."""
    if a == b:
        return a
    common = []
    for x, y in zip(a.split("."), b.split(".")):
        if x != y:
            break
        common.append(x)
    return ".".join(common)


def _scope_tree(scopes: Iterable[str]) -> tuple[dict[str, set[str]], set[str]]:
    """Each level of the dotted scope paths with its children, and the levels boxed.

    Every level is a box except one below the top that holds no nodes itself and only
    numbered children (``mlp.layers`` over ``mlp.layers.0``, ``mlp.layers.1``: a list of
    modules, not a module).
    """
    own = set(scopes)
    children: dict[str, set[str]] = {}
    for scope in own:
        parts = scope.split(".") if scope else []
        for k in range(len(parts)):
            children.setdefault(".".join(parts[:k]), set()).add(".".join(parts[:k + 1]))
    boxed = {path for kids in children.values() for path in kids
             if "." not in path or path in own
             or not all(k.rpartition(".")[2].isdigit() for k in children.get(path, ()))}
    return children, boxed


def _clusters(by_scope: dict[str, list[str]], children: dict[str, set[str]],
              boxed: set[str]) -> list[str]:
    """Nest the node lines of each scope in its labelled box (a Graphviz cluster)."""
    out = list(by_scope.get("", []))
    counter = iter(range(1 << 30))

    def emit(path: str, depth: int) -> None:
        box = path in boxed
        if box:
            fill = _CLUSTER_FILLS[depth % len(_CLUSTER_FILLS)]
            out.append(f"\tsubgraph cluster_{next(counter)} {{\n\t\tlabel={_quote(path)} "
                       f'style="rounded,filled" fillcolor="{fill}" color="#9a9a9a" '
                       'fontsize=10 fontcolor="#444444" labeljust=l\n')
        out.extend(by_scope.get(path, ()))  # not re-indented: a copy of every line
        for kid in sorted(children.get(path, ()), key=_natural_key):
            emit(kid, depth + box)
        if box:
            out.append("\t}\n")

    for top in sorted(children.get("", ()), key=_natural_key):
        emit(top, 0)
    return out


def _natural_key(path: str) -> list[Any]:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split(".")]


def _edges(nodes: list[Node], index: dict[Node, int]) -> list[str]:
    lines = []
    for i, node in enumerate(nodes):
        parents = node.parents
        if not parents:
            continue
        ordered = len(parents) > 1 and not node._op.commutative
        cut = False
        for k, parent in enumerate(parents):
            j = index.get(parent)
            if j is None:
                cut = True
            elif ordered:
                lines.append(f'\tn{j} -> o{i} [headlabel="{k + 1}" labelfontsize=9 '
                             'labeldistance=1.6 labelangle=40 '
                             'labelfontcolor="#777777"]\n')
            else:
                lines.append(f"\tn{j} -> o{i}\n")
        if cut:
            lines.append(f'\tcut{i} [label="…" shape=plaintext fontcolor="#777777"]\n'
                         f'\tcut{i} -> o{i} [style=dashed color="#999999"]\n')
        lines.append(f"\to{i} -> n{i}\n")
    return lines


def _data_label(node: Node, kind: str, show_grad: bool, color_by: str | None,
                max_values: int) -> str:
    grad = node.grad if (show_grad or color_by) and node.requires_grad else None
    fill = f.grad_color(f.grad_magnitude(grad)) if color_by == "grad" else None
    data = node.data
    if isinstance(data, float):
        return f.value_label(node.label, data, grad if show_grad else None, kind, fill)
    return f.tensor_label(node.label, data, grad, show_grad and node.requires_grad, kind,
                          fill, max_values)


def _op_name(node: Node) -> str:
    """The op's name; a power by a constant shows its exponent (``** 2``)."""
    if node.op == "**" and len(node.parents) == 1:
        return f"** {f.fmt(node.op_params[0])}"
    return node.op


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_quoted = functools.lru_cache(maxsize=256)(_quote)
