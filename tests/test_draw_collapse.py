"""draw_graph on whole models: collapsed modules, the size guard on huge graphs, and
what the key, the console and Jupyter tell a learner."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from draw_helpers import chain, data_nodes, neuron

import nn
from autograd import Tensor, Value, draw_graph
from autograd import draw_format as f
from autograd.draw_scopes import GREY_FILLS
from autograd.graph import topological_order

# --- collapsed modules, the size guard, and what a learner is told -----------------------


def mlp_step(samples: int = 3, sizes=(4, 4, 1)):
    """A scalar MLP's training step: mean squared error over a few samples, after backward."""
    model = nn.MLP(2, list(sizes), rng=np.random.default_rng(0))
    xs = np.random.default_rng(1).normal(size=(samples, 2)).tolist()
    loss = sum(((model(x) - y) ** 2 for x, y in zip(xs, [1.0, -1.0, 0.5, 0.2])),
               Value(0.0)) * (1 / samples)
    loss.label = "loss"
    loss.backward()
    return model, loss


def dot_graph(source: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The DOT source's items (id -> label text) and edges (source id, target id)."""
    labels = dict(re.findall(r"^\t(\w+) \[label=(.*) shape=plain\]$", source, re.MULTILINE))
    edges = re.findall(r"^\t(\w+) -> (\w+)", source, re.MULTILINE)
    return labels, edges


def module_of(scope: str, depth: int) -> str | None:
    """The test's own reading of a scalar MLP's scope: mlp . layers.i . neurons.j."""
    parts = scope.split(".")
    keep = 1 + 2 * depth
    return ".".join(parts[:keep]) if len(parts) >= keep else None


def carried(labels: dict[str, str], item: str) -> int:
    """How many values a drawn item between boxes stands for (a bundle says so)."""
    found = re.search(r"<B>(\d+) values</B>", labels[item])
    return int(found.group(1)) if found else 1


@pytest.mark.parametrize("depth", [1, 2])
def test_the_collapsed_mlp_step_keeps_every_edge_between_modules(depth):
    _, loss = mlp_step()
    source = draw_graph(loss, collapse=depth, max_nodes=None).source
    labels, edges = dot_graph(source)
    box_path = {item: re.search(r"\((mlp[\w.]*)\)</TD>", text).group(1)
                for item, text in labels.items() if "</B> (mlp" in text}
    # what the graph says: values made in module A and read in module B (or outside)
    expected: dict[tuple[str, str | None], set] = {}
    for node in topological_order(loss):
        for parent in node.parents:
            a, b = module_of(parent.scope, depth), module_of(node.scope, depth)
            if a is not None and a != b:
                expected.setdefault((a, b), set()).add(parent)
    # what the picture says: box -> value (or bundle) -> box, counting bundled values
    drawn: dict[tuple[str, str | None], int] = {}
    for box, value in edges:
        if box not in box_path:
            continue
        readers = {t for s, t in edges if s == value}
        for reader in readers:
            key = (box_path[box], box_path.get(reader))
            if key[1] is None and reader in box_path:
                continue
            drawn[key] = drawn.get(key, 0) + carried(labels, value)
    inside = {k: len(v) for k, v in expected.items() if k[1] is not None}
    assert {k: v for k, v in drawn.items() if k[1] is not None} == inside
    outside = sum(len(v) for k, v in expected.items() if k[1] is None)
    assert sum(v for k, v in drawn.items() if k[1] is None) == outside
    kind = "Layer" if depth == 1 else "Neuron"
    assert all(f"<B>{kind}</B> ({path})" in source for path in box_path.values())
    assert len(box_path) == (3 if depth == 1 else 4 + 4 + 1)


def test_collapsed_modules_read_by_type_and_path_and_are_in_the_key():
    seq = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    loss = (seq(Tensor(np.ones((4, 2)))) ** 2).mean()
    loss.backward()
    dot = draw_graph(loss, collapse="modules")
    labels, edges = dot_graph(dot.source)
    titles = [re.search(r"<B>(\w+)</B> \(([\w.]+)\)", t).groups()
              for t in labels.values() if "</B> (sequential" in t]
    assert sorted(titles, key=lambda t: t[1]) == [
        ("Linear", "sequential.0"), ("Tanh", "sequential.1"), ("Linear", "sequential.2")]
    assert "a module, collapsed" in dot.source
    assert "2 parameters inside" in dot.source
    assert "sequential.0" not in draw_graph(loss, collapse=0).source  # one box: the model


def test_a_2_16_16_1_mlp_step_collapsed_fits_3000_pixels_square(tmp_path):
    model, loss = mlp_step(samples=4, sizes=(16, 16, 1))
    png = draw_graph(loss, collapse="modules", params=model.parameters(), rankdir="TB",
                     format="png").render(tmp_path / "step")
    with open(png, "rb") as file:
        header = file.read(24)
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert width <= 3000 and height <= 3000, (width, height)


def test_max_nodes_none_on_a_huge_graph_refuses_fast_unless_forced():
    root = chain(65_001)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"65,001 nodes.*dot would take roughly \d+ hours"):
        draw_graph(root, max_nodes=None)
    assert time.perf_counter() - start < 0.5
    assert len(data_nodes(draw_graph(chain(6001), max_nodes=None, force=True).source)) == 6001
    assert len(data_nodes(draw_graph(root).source)) == 500   # the default cap never refuses
    with pytest.raises(TypeError, match="force must be a bool"):
        draw_graph(root, force=1)
    with pytest.raises(ValueError, match="collapse must be None, 'modules' or a depth"):
        draw_graph(root, collapse="layers")


def test_edge_numbers_are_in_the_key_only_when_drawn():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    assert "operand order" in draw_graph(a - b).source
    assert "operand order" not in draw_graph(a + b).source


def test_in_the_gradient_view_no_fill_is_a_kind_colour():
    _, loss = mlp_step(samples=1, sizes=(2, 1))
    source = draw_graph(loss, color_by="grad").source
    fills = set(re.findall(r'BGCOLOR="(#[0-9a-f]{6})"', source))
    kind_colours = {c for style in f.KIND_STYLE.values() for c in style[:2]}
    assert not fills & kind_colours
    assert "parameter: thick border" in source
    assert set(re.findall(r'fillcolor="(#[0-9a-f]{6})"', source)) <= {*GREY_FILLS, "#ffffff"}


def test_a_parameter_changed_after_the_forward_pass_is_marked():
    model, loss = mlp_step(samples=1, sizes=(2, 1))
    before = draw_graph(loss).source
    assert "changed after this graph was built" not in before
    nn.optim.SGD(model.parameters(), lr=0.1).step()
    after = draw_graph(loss).source
    assert "changed after this graph was built" in after
    assert "<B>w0 *</B>" in after
    w = Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    y = (Tensor(np.ones((1, 2))) @ w).sum()
    w.data += 1.0
    assert "<B>W *</B>" in draw_graph(y).source


def test_the_console_shows_what_a_drawing_holds():
    o, _ = neuron()
    text = repr(draw_graph(o, max_nodes=5))
    assert text.startswith("<GraphDrawing of 'o': 5 of 14 nodes (max_nodes)")
    assert "format='svg'" in text and ".render(" in text


def test_jupyter_shows_a_png_drawing_as_png():
    o, _ = neuron()
    dot = draw_graph(o, format="png")
    bundle = dot._repr_mimebundle_()
    assert list(bundle) == ["image/png"] and bundle["image/png"][:4] == b"\x89PNG"
    assert dot._repr_png_()[:4] == b"\x89PNG"
