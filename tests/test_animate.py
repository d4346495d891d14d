"""animate_backward: one frame per op, ending on the gradients backward() computes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import given

from autograd import Tensor, Value, animate_backward
from autograd.graph import topological_order
from autograd.testing import expressions, scaled


def frames_of(path) -> dict:
    page = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="backward-frames">(.*?)</script>',
                      page, re.DOTALL)
    return json.loads(found.group(1).replace("<\\/", "</"))


def final_state(data: dict) -> dict[str, object]:
    """Each SVG node's gradient after the last frame."""
    state = {k: v["value"] for k, v in data["start"]["grads"].items()}
    for frame in data["frames"]:
        state.update({k: v["value"] for k, v in frame["grads"].items()})
    return state


def svg_titles(path) -> dict[str, str]:
    """Each data node's SVG title (n<i>) -> its label text (first <text> of its group)."""
    page = path.read_text(encoding="utf-8")
    groups = re.findall(r'<g id="node\d+" class="node">\s*<title>(n\d+)</title>(.*?)</g>',
                        page, re.DOTALL)
    return {t: re.findall(r">([^<]+)</text>", body)[0] for t, body in groups}


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, [x1, x2, w1, w2, b, n]


def test_the_neuron_has_a_frame_per_op_and_ends_on_backwards_grads(tmp_path):
    o, named = neuron()
    path = animate_backward(o, tmp_path / "neuron.html")
    data = frames_of(path)
    ops = [node for node in topological_order(o) if node.parents]
    assert len(data["frames"]) == len(ops) == 5
    assert data["frames"][0]["caption"] == \
        "o = tanh(n): do/dn = 1 - o^2 = 0.5; n.grad = 1 * 0.5 = 0.5"
    state = final_state(data)
    assert o.grad == 0.0          # nothing written: the page was computed on the side
    o.backward()
    titles = svg_titles(path)     # n<i> -> label, so frames can be matched to nodes
    by_label = {titles[k]: v for k, v in state.items()}
    for node in named:
        assert by_label[node.label] == pytest.approx(node.grad, rel=1e-12, abs=1e-15)


@scaled(0.4)
@given(expressions(min_ops=1, max_ops=6))
def test_random_graphs_frame_count_is_the_op_count_and_last_frame_is_grad(tmp_path_factory,
                                                                           expr):
    leaves = expr.leaves()
    root = expr.fn(*leaves)
    nodes = topological_order(root)
    for k, node in enumerate(nodes):
        node.label = f"v{k}"
    path = animate_backward(root, tmp_path_factory.mktemp("a") / "g.html")
    data = frames_of(path)
    assert len(data["frames"]) == sum(1 for node in nodes if node.parents)
    state = final_state(data)
    root.backward()
    titles = svg_titles(path)
    assert {titles[k] for k in state} == {node.label for node in nodes}
    by_label = {titles[k]: v for k, v in state.items()}
    for node in nodes:
        assert by_label[node.label] == pytest.approx(node.grad, rel=1e-12, abs=1e-300)


def test_the_page_is_self_contained_with_controls(tmp_path):
    o, _ = neuron()
    page = animate_backward(o, tmp_path / "n.html").read_text(encoding="utf-8")
    assert "<svg" in page and 'id="play"' in page and 'id="next"' in page
    assert 'id="prev"' in page and 'type="range"' in page
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)   # nothing fetched
    assert "<link" not in page and "@import" not in page and "<script src" not in page


def test_labels_and_grads_are_left_as_they_were(tmp_path):
    a = Value(0.5)
    y = (a * a).tanh()
    animate_backward(y, tmp_path / "y.html")
    assert a.label == "" and y.label == "" and a.grad == 0.0 and y.grad == 0.0


def test_tensor_graphs_animate_too(tmp_path):
    W = Tensor(np.array([[0.5, -1.0], [2.0, 0.1]]), requires_grad=True, label="W")
    loss = (Tensor(np.ones((3, 2))) @ W).tanh().sum()
    data = frames_of(animate_backward(loss, tmp_path / "t.html"))
    assert len(data["frames"]) == 3
    loss.backward()
    assert np.allclose(final_state(data)[data["frames"][-1]["inputs"][-1]], W.grad)


def test_big_graphs_and_bad_arguments_are_refused(tmp_path):
    x = Value(0.1, label="x")
    for _ in range(150):
        x = x * 1.01
    with pytest.raises(ValueError, match="301 nodes, more than max_nodes=200"):
        animate_backward(x, tmp_path / "big.html")
    assert not (tmp_path / "big.html").exists()
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        animate_backward(x, tmp_path / "x.html", max_nodes=0)
    with pytest.raises(TypeError, match="path must be a file name"):
        animate_backward(x, 3)
    with pytest.raises(TypeError, match="animate_backward: expected a Value or Tensor"):
        animate_backward(2.0, tmp_path / "x.html")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to parse the script")
def test_the_script_parses(tmp_path):
    o, _ = neuron()
    page = animate_backward(o, tmp_path / "n.html").read_text(encoding="utf-8")
    script = page.rsplit("<script>", 1)[1].split("</script>")[0]
    (tmp_path / "page.js").write_text(script, encoding="utf-8")
    subprocess.run(["node", "--check", str(tmp_path / "page.js")], check=True)
