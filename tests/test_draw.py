"""draw_graph: what the DOT source says, that it renders, and how it handles big graphs."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

import nn
from autograd import Tensor, Value, current_scope, draw_graph, name_scope
from autograd import draw_format as f
from autograd.draw_scopes import GREY_FILLS
from autograd.graph import topological_order


def neuron() -> tuple[Value, list[Value]]:
    """The tutorials' neuron: o = tanh(x1*w1 + x2*w2 + x3*w3 + b), after backward."""
    xs = [Value(v, label=f"x{i}") for i, v in enumerate([2.0, 0.0, -1.0], start=1)]
    ws = [Value(v, label=f"w{i}") for i, v in enumerate([-3.0, 1.0, 0.0], start=1)]
    b = Value(6.8813735870195432, label="b")
    n = sum((x * w for x, w in zip(xs, ws)), b)
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, [*ws, b]


def data_nodes(source: str) -> list[str]:
    return re.findall(r"^\s*(n\d+) \[", source, flags=re.MULTILINE)


def op_labels(source: str) -> list[str]:
    return re.findall(r'^\s*o\d+ \[label="([^"]*)"', source, flags=re.MULTILINE)


def clusters(source: str) -> dict[str, str]:
    """Each cluster's label mapped to the label of the cluster it sits in ("" at top)."""
    parents: dict[str, str] = {}
    stack: list[str] = []
    opened = False
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("subgraph cluster"):
            opened = True
        elif opened:
            label = re.match(r'label="([^"]*)"', line).group(1)
            parents[label] = stack[-1] if stack else ""
            stack.append(label)
            opened = False
        elif line == "}" and stack:
            stack.pop()
    return parents


def cluster_of(source: str, text: str) -> str:
    """The label of the innermost cluster whose node line contains ``text``."""
    stack: list[str] = []
    opened = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("subgraph cluster"):
            opened = True
        elif opened:
            stack.append(re.match(r'label="([^"]*)"', stripped).group(1))
            opened = False
        elif stripped == "}" and stack:
            stack.pop()
        elif text in stripped and re.match(r"n\d+ \[", stripped):
            return stack[-1] if stack else ""
    raise AssertionError(f"no node shows {text!r}")


# --- what a node says -------------------------------------------------------------------


def test_value_graph_source_shows_every_label_op_data_and_grad():
    o, _ = neuron()
    source = draw_graph(o).source
    for label in ["x1", "x2", "x3", "w1", "w2", "w3", "b", "n", "o"]:
        assert f"<B>{label}</B>" in source
    assert sorted(set(op_labels(source))) == ["*", "+", "tanh"]
    assert "data 0.7071" in source and "grad 1<" in source       # o = tanh(0.8814)
    assert "grad 0.5<" in source and "grad -1.5<" in source      # dn/db = 0.5, do/dx1
    assert len(data_nodes(source)) == 14  # 7 leaves, 3 products, 3 sums, tanh


def test_without_show_grad_no_grad_is_drawn():
    o, _ = neuron()
    source = draw_graph(o, show_grad=False).source
    assert "grad" not in source
    assert "data 0.7071" in source


def test_numbers_have_four_significant_digits_and_compact_exponents():
    tiny = Value(1.234567e-7, label="tiny") * Value(3.0e12, label="huge")
    source = draw_graph(tiny).source
    assert "data 1.235e-7" in source and "data 3e12" in source and "data 3.704e5" in source


def test_tensor_graph_shows_shape_dtype_small_values_and_large_statistics():
    W = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, label="W")
    x = Tensor(np.ones((4, 2), dtype=np.float64), label="x")
    big = Tensor(np.arange(100.0).reshape(4, 25), label="big")
    loss = ((x @ W).sum(axis=1, keepdims=True) * big).mean()
    loss.label = "loss"
    loss.backward()
    source = draw_graph(loss).source
    for label in ["W", "x", "big", "loss"]:
        assert f"<B>{label}</B>" in source
    assert {"matmul", "sum", "*", "mean"} <= set(op_labels(source))
    assert "(2, 3) float64" in source and "(4, 25) float64" in source
    assert "[[0, 1, 2],<BR" in source                  # W's values, a row per line
    assert "mean 49.5  std 28.87" in source and "min 0  max 99" in source
    assert "grad<BR" in source                         # W's gradient is drawn ...
    assert "grad None" not in source
    assert "grad" not in draw_graph(loss, show_grad=False).source


def test_tensor_float32_and_missing_grad_are_shown():
    a = Tensor(np.ones(3, dtype=np.float32), requires_grad=True, label="a")
    source = draw_graph((a * 2).sum()).source   # no backward yet
    assert "(3,) float32" in source and "grad None" in source


def test_kinds_are_distinct_and_explained_by_the_key():
    o, params = neuron()
    source = draw_graph(o, params=params).source
    assert "parameter" in source and "input / constant" in source and "output" in source
    w1 = re.search(r"n\d+ \[label=<<TABLE[^\n]*<B>w1</B>", source).group(0)
    x1 = re.search(r"n\d+ \[label=<<TABLE[^\n]*<B>x1</B>", source).group(0)
    assert w1.split("<TR>")[0] != x1.split("<TR>")[0]        # different border colours
    assert "key" not in draw_graph(o, legend=False).source


def test_unlabelled_value_constants_are_not_parameters_but_tensor_leaves_with_grad_are():
    x = Value(3.0, label="x")
    source = draw_graph(x * 2, legend=False).source
    assert source.count('COLOR="#9a6b00"') == 1               # only x is a parameter
    W = Tensor(np.ones(2), requires_grad=True)
    source = draw_graph(W * Tensor(np.ones(2)), legend=False).source
    assert source.count('COLOR="#9a6b00"') == 1


def test_labels_are_escaped():
    a = Value(1.0, label='<a & "b">')
    source = draw_graph(a * a).source
    assert "&lt;a &amp; &quot;b&quot;&gt;" in source
    ET.fromstring(draw_graph(a * a).pipe(format="svg"))


def test_power_by_a_constant_names_the_exponent_and_ordered_ops_number_their_inputs():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    source = draw_graph((a - b) ** 2).source
    assert "** 2" in op_labels(source)
    assert 'headlabel="1"' in source and 'headlabel="2"' in source


def test_several_roots_are_drawn_together():
    a = Value(1.0, label="a")
    source = draw_graph([a * 2, a + 1]).source
    assert len(data_nodes(source)) == 5 and source.count("<B>a</B>") == 1


def test_bad_arguments_are_clear_errors():
    with pytest.raises(TypeError, match="Value or Tensor"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="color_by"):
        draw_graph(Value(1.0), color_by="data")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(Value(1.0), max_nodes=0)


# --- gradient-flow view -----------------------------------------------------------------


def test_color_by_grad_shades_vanishing_and_healthy_gradients_differently():
    x = Value(1.0, label="x")
    tiny = Value(1e-7, label="tiny")
    y = x * tiny + x * Value(1.0, label="one")
    y.backward()                      # d/dtiny = 1 (healthy), d/done = 1, d/dx ~ 1
    z = Value(50.0, label="z")
    w = z.tanh()                      # saturated: dw/dz ~ 1e-43, vanishing
    w.backward()
    source = draw_graph([y, w], color_by="grad", legend=False).source

    def fill(label: str) -> str:
        line = re.search(rf"<B>{label}</B>[^\n]*", source).group(0)
        return re.search(r'BGCOLOR="(#\w+)">(?:<FONT[^>]*>)?data', line).group(1)

    assert fill("z") != fill("x") == fill("tiny")
    assert fill("z") == "#313695"     # the bottom of the ramp: vanishing
    assert "vanishing" in draw_graph(y, color_by="grad").source


# --- module grouping --------------------------------------------------------------------


def test_nested_name_scopes_become_nested_labelled_clusters():
    # "plain", not "net": a module class Net of another test would give that path a type
    # (draw_collapse's MODULE_TYPES is process-wide)
    xs = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    with name_scope("plain"):
        outs = []
        for i in range(2):
            with name_scope(f"layers.0.neurons.{i}"):
                ws = [Value(0.5, label=f"w{i}{k}") for k in range(2)]
                outs.append(sum(w * x for w, x in zip(ws, xs)).tanh())
        with name_scope("layers.1.neurons.0"):
            y = (outs[0] + outs[1]).tanh()
    source = draw_graph(y).source
    assert clusters(source) == {
        "plain": "",
        "plain.layers.0": "plain", "plain.layers.0.neurons.0": "plain.layers.0",
        "plain.layers.0.neurons.1": "plain.layers.0",
        "plain.layers.1": "plain", "plain.layers.1.neurons.0": "plain.layers.1",
    }
    assert cluster_of(source, "<B>w10</B>") == "plain.layers.0.neurons.1"
    assert cluster_of(source, "<B>x0</B>") == "plain.layers.0"   # feeds the layer's neurons
    assert "subgraph" not in draw_graph(y, group_modules=False).source


def test_a_leaf_joins_the_innermost_cluster_holding_all_its_consumers():
    w = Value(2.0, label="w")      # made outside any scope, like a module's __init__
    shared = Value(1.0, label="shared")
    with name_scope("a"):
        u = w * shared
    with name_scope("b"):
        v = shared + 1.0
    source = draw_graph(u + v).source
    assert cluster_of(source, "<B>w</B>") == "a"
    assert cluster_of(source, "<B>shared</B>") == ""


def test_name_scope_is_restored_after_an_exception():
    def failing_forward() -> None:
        with name_scope("outer"), name_scope("inner"):
            assert current_scope() == "outer.inner"
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_forward()
    assert current_scope() == ""
    y = Value(1.0) + 1.0
    assert y.scope == "" and "subgraph" not in draw_graph(y).source


def test_nn_mlp_is_grouped_by_module_type_and_path():
    model = nn.MLP(2, [4, 1])
    y = model([1.0, -2.0])
    names = set(clusters(draw_graph(y).source))
    assert {"MLP (mlp)", "Layer (mlp.layers.0)", "Neuron (mlp.layers.0.neurons.3)",
            "Neuron (mlp.layers.1.neurons.0)"} <= names


def test_nn_linear_weights_sit_in_their_layers_cluster():
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    loss = model(Tensor(np.ones((4, 3)))).sum()
    source = draw_graph(loss, legend=False).source
    assert set(clusters(source)) >= {"Sequential (sequential)", "Linear (sequential.0)",
                                     "Tanh (sequential.1)", "Linear (sequential.2)"}
    assert cluster_of(source, "<B>weight</B> (2, 3)") == "Linear (sequential.0)"
    assert cluster_of(source, "<B>weight</B> (1, 2)") == "Linear (sequential.2)"


# --- large graphs -----------------------------------------------------------------------


def chain(n: int) -> Value:
    """A graph of exactly n nodes: x, then (n - 1) // 2 rounds of (* 0.5 constant)."""
    x = Value(0.5, label="x")
    for _ in range((n - 1) // 2):
        x = x * 0.999
    return x


def test_max_nodes_keeps_the_nearest_nodes_and_says_how_many_were_left_out():
    root = chain(201)
    source = draw_graph(root, max_nodes=50).source
    assert len(data_nodes(source)) == 50
    assert "151 of 201 left out" in source
    assert "n0 [" in source                        # the root is always drawn
    assert "…" in source                           # cut edges end in a stub
    full = draw_graph(root, max_nodes=None).source  # 201 nodes: under the guard
    assert len(data_nodes(full)) == 201 and "left out" not in full


def test_a_100000_node_graph_builds_its_source_quickly():
    root = chain(100_001)
    start = time.perf_counter()
    source = draw_graph(root, max_nodes=None, force=True).source
    elapsed = time.perf_counter() - start
    assert len(data_nodes(source)) == 100_001
    assert elapsed < 5.0, f"{elapsed:.2f} s"      # ~0.3 s; benchmarks/bench_draw.py measures


# --- rendering --------------------------------------------------------------------------


def test_renders_real_svg_and_png_files(tmp_path):
    o, params = neuron()
    dot = draw_graph(o, params=params)
    svg = dot.render(tmp_path / "neuron", format="svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "tanh" in "".join(root.itertext())
    png = draw_graph(o, format="png").render(tmp_path / "neuron")
    with open(png, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_tensor_graph_with_gradient_colours_and_clusters_renders(tmp_path):
    W = Tensor(np.ones((3, 2)), requires_grad=True, label="W")
    with name_scope("model"), name_scope("0"):
        loss = (Tensor(np.ones((4, 3))) @ W).tanh().sum()
    loss.backward()
    svg = draw_graph(loss, color_by="grad").pipe(format="svg")
    titles = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}title")]
    assert "cluster_0" in titles and "cluster_1" in titles


def test_jupyter_shows_the_graph_inline_as_svg():
    o, _ = neuron()
    bundle = draw_graph(o)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_missing_dot_error_says_how_to_install_graphviz(tmp_path, monkeypatch):
    dot = draw_graph(neuron()[0])
    monkeypatch.setenv("PATH", str(tmp_path))      # no `dot` on PATH
    for attempt in (lambda: dot.render(tmp_path / "g"), lambda: dot.pipe(format="svg")):
        with pytest.raises(graphviz.ExecutableNotFound) as info:
            attempt()
        message = str(info.value)
        assert "sudo apt-get install graphviz" in message
        assert "brew install graphviz" in message and "make demo" in message
    assert "digraph" in dot.source               # building the source never needs dot


def test_import_autograd_does_not_import_graphviz():
    code = "import sys, autograd; print('graphviz' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


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
