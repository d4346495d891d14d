"""explain_backward: the narrated numbers are the gradients backward() computes."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given

from autograd import Tensor, Value, explain_backward
from autograd.graph import topological_order
from autograd.testing import expressions, scaled, tensor_expressions

NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|-?inf|nan")
GRAD_SEGMENT = re.compile(r"(\w+)\.grad = ([^;]*)")


def built(expr, leaves):
    """Every node of the expression's graph (constants too), labelled n0, n1, ...; the
    output last."""
    out = expr.fn(*leaves)
    nodes = topological_order(out if np.size(out.data) == 1 else out.sum())
    for k, node in enumerate(nodes):
        node.label = f"n{k}"
    return nodes


def explained(expr):
    """Build the expression, explain its backward pass, then run backward()."""
    nodes = built(expr, expr.leaves())
    root = nodes[-1]
    text = explain_backward(root, max_steps=10_000)
    root.backward()
    return nodes, root, text, narrated(text)


def narrated(text: str) -> dict[str, str]:
    """Each node's last narrated gradient (the text after the last ' = ' of its line)."""
    final = {}
    for line in text.splitlines()[1:]:
        for name, segment in GRAD_SEGMENT.findall(line):
            final[name] = re.sub(r"\s*\(path \d+ of \d+\)$", "", segment).rsplit(" = ", 1)[-1]
    return final


def numbers(text: str) -> list[float]:
    return [float(x) for x in NUMBER.findall(text)]


def close(shown: list[float], exact) -> bool:
    """Numbers printed to 4 significant digits match the exact ones."""
    return np.allclose(shown, exact, rtol=1e-3, atol=1e-12)


def test_the_neuron_reads_as_in_the_tutorial():
    n = Value(0.8813735870195432, label="n")
    o = n.tanh()
    o.label = "o"
    assert explain_backward(o).splitlines()[1] == \
        "1. o = tanh(n): do/dn = 1 - o^2 = 0.5; n.grad = 1 * 0.5 = 0.5"


def test_a_node_reached_along_several_paths_shows_the_sum():
    a = Value(3.0, label="a")
    b = a * a
    b.label = "b"
    text = explain_backward(b)
    assert "db/da = a = 3, db/da = a = 3" in text
    assert "a.grad = 1 * 3 = 3 (path 1 of 2); a.grad = 3 + 1 * 3 = 6 (path 2 of 2)" in text


def test_steps_follow_backward_order_and_max_steps_cuts_with_a_note():
    x = Value(0.5, label="x")
    y = x
    for _ in range(10):
        y = y.tanh()
    lines = explain_backward(y, max_steps=3).splitlines()
    assert len(lines) == 1 + 3 + 1
    assert lines[1].startswith("1. t10 = tanh(t9)") and "7 more step(s)" in lines[-1]


@given(expressions(min_ops=1))
def test_value_numbers_equal_the_grads_backward_computes(expr):
    nodes, root, text, final = explained(expr)
    reached = {node.label for node in nodes if node is not root}
    assert set(final) == reached
    for node in nodes:
        if node is not root:
            assert close(numbers(final[node.label]), [node.grad]), (node.label, text)
    for line in text.splitlines()[1:]:  # every "before + g * local = after" adds up
        for before, g, local, after in re.findall(
                rf"= (?:({NUMBER.pattern}) \+ )?({NUMBER.pattern}) \* ({NUMBER.pattern}) = "
                rf"({NUMBER.pattern})", line):
            term, start = float(g) * float(local), float(before) if before else 0.0
            # each shown operand is rounded to 4 digits: allow that much of each
            slack = 2e-3 * (abs(term) + abs(start)) + 1e-12
            assert abs(float(after) - (start + term)) <= slack, line


@scaled(0.5)
@given(tensor_expressions(min_ops=1))
def test_tensor_numbers_equal_the_grads_backward_computes(expr):
    nodes, root, text, final = explained(expr)
    for node in nodes:
        if node is root or node.label not in final:
            assert node is root or node.grad is None or not np.any(node.grad), node.label
            continue
        grad = np.asarray(node.grad, dtype=float)
        shown = numbers(final[node.label])
        exact = grad.ravel() if grad.size <= 8 else \
            [grad.mean(), grad.std(), grad.min(), grad.max()]
        assert close(shown, exact), (node.label, final[node.label], grad)


def test_nothing_is_written_to_any_grad():
    w = Value(2.0, label="w")
    y = (w * w).tanh()
    explain_backward(y)
    assert w.grad == 0.0 and y.grad == 0.0


def test_bad_arguments_are_clear_errors():
    with pytest.raises(TypeError, match="explain_backward: expected a Value or Tensor"):
        explain_backward(3.0)
    with pytest.raises(ValueError, match="max_steps must be a positive int"):
        explain_backward(Value(1.0), max_steps=0)
    with pytest.raises(ValueError, match="max_steps"):
        explain_backward(Value(1.0), max_steps=True)
    with pytest.raises(ValueError, match="does not require grad"):
        explain_backward(Tensor(np.ones(2)).sum())
    with pytest.raises(ValueError, match="explain_backward: the root must hold one number"):
        explain_backward(Tensor(np.ones(2), requires_grad=True) * 2)
