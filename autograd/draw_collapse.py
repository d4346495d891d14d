"""draw_graph(collapse=...): each module drawn as one box with its inputs and outputs.

A node made inside a module's forward carries the module's name scope
(``mlp.layers.0.neurons.3``). Collapsing at depth k puts every node under a module of
depth k (the root module is depth 0; a module with no sub-modules above depth k counts
too) into that module's box, and draws only what crosses a box's border:

- a box's outputs (its nodes used outside it, or a root) as data nodes; when more than
  ``BUNDLE`` of them go to the same place, as one bundle node (``16 values``) drawn
  like a small tensor, so a layer of 16 scalar neurons is one arrow, not sixteen;
- its inputs the same way; parameters used only inside boxes are counted in the box's
  label rather than drawn.

So every edge between two modules (or between a module and the rest of the graph)
stays, while everything inside a module is summarised. All calls of one module (the
samples of a training step) share its box: the scope names a module, not a call.

``nn.Module.__call__`` tells this file each module's type (``note_module``), which is
how a box reads ``Layer (mlp.layers.0)``; plain ``name_scope``s are boxed by name.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .draw_format import INPUT, INTERMEDIATE, NUMBER_STYLE, PARAMETER
from .graph import Node
from .op_text import is_ordered

# The type of the module behind each scope path, as recorded by nn.Module.__call__.
MODULE_TYPES: dict[str, str] = {}
BUNDLE = 4  # more values than this between the same two places become one bundle node


def note_module(path: str, type_name: str) -> None:
    """Record that the name scope ``path`` is the forward of a module of this type."""
    MODULE_TYPES[path] = type_name


def module_label(path: str) -> str:
    """``Linear (sequential.0)``, or the bare path for a scope no module recorded."""
    kind = MODULE_TYPES.get(path)
    return f"{kind} ({path})" if kind else path


@dataclass
class Box:
    """One collapsed module: its nodes, and what crosses its border."""

    path: str
    members: list[Node] = field(default_factory=list)
    ops: int = 0
    hidden_params: set[Node] = field(default_factory=set)


def collapse_keys(scopes: Iterable[str], depth: int) -> dict[str, str | None]:
    """For each scope, the module path whose box holds it at ``depth`` (None: no box)."""
    scopes = set(scopes)
    prefixes = {p for s in scopes for p in _prefixes(s)}
    modules = {p for p in prefixes if p in MODULE_TYPES} or _modules_by_name(scopes, prefixes)
    has_children = {p for m in modules for p in _prefixes(m)[:-1]}
    keys: dict[str, str | None] = {}
    for scope in scopes:
        chain = [p for p in _prefixes(scope) if p in modules]
        if len(chain) > depth:
            keys[scope] = chain[depth]
        elif chain and chain[-1] not in has_children:
            keys[scope] = chain[-1]     # a module with no sub-modules, above the depth
        else:
            keys[scope] = None
    return keys


def _prefixes(scope: str) -> list[str]:
    """``a.b.c`` -> [a, a.b, a.b.c]."""
    if not scope:
        return []
    parts = scope.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts) + 1)]


def _modules_by_name(scopes: set[str], prefixes: set[str]) -> set[str]:
    """Without nn's records: every level but a list of modules (``layers`` above
    ``layers.0``), which is a level only numbered scopes sit under and no node uses."""
    lists = {p.rpartition(".")[0] for p in prefixes if p.rpartition(".")[2].isdigit()}
    return {p for p in prefixes if p in scopes or p not in lists or "." not in p}


def group(nodes: list[Node], depth: int, is_param: dict[Node, bool]
          ) -> tuple[dict[Node, Box], list[Box]]:
    """Each node's box (absent: drawn as usual) and the boxes, in first-seen order."""
    keys = collapse_keys({node.scope for node in nodes}, depth)
    boxes: dict[str, Box] = {}
    box_of: dict[Node, Box] = {}
    for node in nodes:
        path = keys[node.scope]
        if path is None:
            continue
        box = boxes.get(path)
        if box is None:
            box = boxes[path] = Box(path)
        box.members.append(node)
        box.ops += bool(node.parents)
        box_of[node] = box
    # Parameters made outside any module and used only inside boxes are not drawn: each
    # box using them counts them.
    users: dict[Node, set[int]] = {}
    outside_use: set[Node] = set()
    for node in nodes:
        for parent in node.parents:
            if parent in box_of or parent.parents:
                continue
            box = box_of.get(node)
            if box is None:
                outside_use.add(parent)
            else:
                users.setdefault(parent, set()).add(id(box))
    by_id = {id(box): box for box in boxes.values()}
    for leaf, ids in users.items():
        if leaf not in outside_use and is_param.get(leaf):
            for i in ids:
                by_id[i].hidden_params.add(leaf)
    return box_of, list(boxes.values())


@dataclass
class Picture:
    """The collapsed graph as drawable items (``n``/``o``/``b``/``u`` + index) and edges."""

    lines: dict[str, str] = field(default_factory=dict)        # item -> its DOT line(s)
    edges: dict[str, list[str]] = field(default_factory=dict)  # item -> edges into it
    feeds: dict[str, list[str]] = field(default_factory=dict)  # item -> items it reads
    numbered: bool = False                                     # an edge shows operand order

    def count(self) -> int:
        """How many nodes the picture has (data, bundles and boxes; ops go with data)."""
        return sum(1 for item in self.lines if item[0] != "o")


def collapsed_picture(nodes: list[Node], roots: list[Node], kinds: list[str],
                      depth: int, style: Any) -> tuple[Picture, list[str], int]:
    """Lay out the collapsed graph; return it, the root items and the number of boxes.

    ``style`` turns nodes into labels: ``data(i)``, ``bundle(members, kind)``,
    ``box(box)`` and ``op(node)`` give DOT attribute text.
    """
    index = {node: i for i, node in enumerate(nodes)}
    is_param = {node: kinds[i] == PARAMETER for i, node in enumerate(nodes)}
    box_of, boxes = group(nodes, depth, is_param)
    box_id = {id(box): f"b{k}" for k, box in enumerate(boxes)}
    hidden = set().union(*(box.hidden_params for box in boxes)) if boxes else set()
    root_set = set(roots)

    # Where each drawn value goes: the boxes and ops that read it.
    targets: dict[Node, list[str]] = {}
    for node in nodes:
        reader = box_id[id(box_of[node])] if node in box_of else f"o{index[node]}"
        for parent in node.parents:
            if box_of.get(parent) is not box_of.get(node) or parent not in box_of:
                seen = targets.setdefault(parent, [])
                if reader not in seen:
                    seen.append(reader)
    # Values from the same box (or leaves) to the same readers: one bundle if many.
    groups: dict[tuple, list[Node]] = {}
    for node in nodes:
        if node in hidden or node in root_set or node not in targets:
            continue
        source = box_id[id(box_of[node])] if node in box_of else (
            "" if not node.parents else None)
        if source is not None:
            groups.setdefault((source, tuple(targets[node])), []).append(node)
    rep: dict[Node, str] = {}
    pic = Picture()
    for k, ((source, _), members) in enumerate(groups.items()):
        if len(members) > BUNDLE:
            kind = INPUT if not source else INTERMEDIATE
            pic.lines[f"u{k}"] = f"\tu{k} [{style.bundle(members, kind)} shape=plain]\n"
            for member in members:
                rep[member] = f"u{k}"
            if source:
                _edge(pic, source, f"u{k}")
    for i, node in enumerate(nodes):
        if node in hidden or node in rep:
            continue
        if node in box_of and node not in targets and node not in root_set:
            continue  # inside its box
        rep[node] = f"n{i}"
        pic.lines[f"n{i}"] = f"\tn{i} [{style.data(i)} shape=plain]\n"
        if node in box_of:
            _edge(pic, box_id[id(box_of[node])], f"n{i}")
        elif node.parents:
            pic.lines[f"o{i}"] = f"\to{i} [{style.op(node)}]\n"
            _edge(pic, f"o{i}", f"n{i}")
    for k, box in enumerate(boxes):
        pic.lines[f"b{k}"] = f"\tb{k} [{style.box(box)} shape=plain]\n"
    for node in nodes:
        if not node.parents:
            continue
        reader = box_id[id(box_of[node])] if node in box_of else f"o{index[node]}"
        ordered = reader[0] == "o" and is_ordered(node)
        for k, parent in enumerate(node.parents):
            if parent in hidden or box_of.get(parent, None) is box_of.get(node, 0):
                continue
            source = rep[parent]
            numbered = ordered and source[0] == "n"
            _edge(pic, source, reader, k + 1 if numbered else None)
            pic.numbered |= numbered
    return pic, [rep[r] for r in roots], len(boxes)


def _edge(pic: Picture, source: str, target: str, number: int | None = None) -> None:
    feeds = pic.feeds.setdefault(target, [])
    if number is None and source in feeds:
        return
    feeds.append(source)
    attrs = "" if number is None else f" [{NUMBER_STYLE.format(number)}]"
    pic.edges.setdefault(target, []).append(f"\t{source} -> {target}{attrs}\n")


def cut_picture(pic: Picture, root_items: list[str], max_nodes: int | None
                ) -> tuple[list[str], int]:
    """The DOT lines of the ``max_nodes`` items nearest the roots (all if None), with a
    stub where an input was left out, and how many nodes that is."""
    kept: dict[str, None] = {}
    queue = deque(dict.fromkeys(root_items))
    drawn = 0
    while queue:
        item = queue.popleft()
        if item in kept:
            continue
        if item[0] != "o":
            if max_nodes is not None and drawn >= max_nodes:
                break
            drawn += 1
        kept[item] = None
        queue.extend(s for s in pic.feeds.get(item, ()) if s not in kept)
    body = [pic.lines[item] for item in kept]
    for item in kept:
        sources = pic.feeds.get(item, ())
        if any(source not in kept for source in sources):
            body.append(f'\tcut_{item} [label="…" shape=plaintext fontcolor="#777777"]\n'
                        f'\tcut_{item} -> {item} [style=dashed color="#999999"]\n')
        body.extend(edge for edge, source in zip(pic.edges.get(item, ()), sources)
                    if source in kept)
    return body, drawn
