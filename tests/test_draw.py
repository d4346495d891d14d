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
from draw_helpers import chain, data_nodes, neuron

import nn
from autograd import Tensor, Value, current_scope, draw_graph, name_scope


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
