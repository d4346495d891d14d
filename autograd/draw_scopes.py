"""Where each node of a drawing sits: the nested boxes of name scopes (nn modules).

A node made inside ``name_scope``s carries their dotted path (``mlp.layers.0``); the
drawing nests a Graphviz cluster per level, labelled with the module's type when nn
recorded it (``Layer (mlp.layers.0)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .draw_collapse import module_label
from .draw_format import quote
from .graph import Node

CLUSTER_FILLS = ("#f7f7f7", "#eef3f8", "#f8f3ea", "#eef6ee", "#f5eef6")
GREY_FILLS = ("#f7f7f7", "#efefef", "#e8e8e8")  # the gradient view: fills mean |grad| only


def placement(nodes: list[Node], index: dict[Node, int]
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


def clusters(by_scope: dict[str, list[str]], children: dict[str, set[str]],
              boxed: set[str], fills: Sequence[str] = CLUSTER_FILLS) -> list[str]:
    """Nest the node lines of each scope in its labelled box (a Graphviz cluster)."""
    out = list(by_scope.get("", []))
    counter = iter(range(1 << 30))

    def emit(path: str, depth: int) -> None:
        box = path in boxed
        if box:
            fill = fills[depth % len(fills)]
            label = quote(module_label(path))
            out.append(f"\tsubgraph cluster_{next(counter)} {{\n\t\tlabel={label} "
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
