"""The graph mechanism shared by Value and Tensor: accumulation, depth, no_grad, grad()."""

import threading

import numpy as np
import pytest
from hypothesis import given

import autograd
from autograd import Tensor, Value
from autograd.graph import topological_order
from autograd.testing import assert_gradients_close, expressions, scaled


@given(expressions())
@scaled(2)
def test_random_expression_dag_gradient_matches_central_difference(expr):
    assert_gradients_close(expr.fn, expr.inputs)


@given(expressions())
def test_backward_twice_accumulates_only_into_leaves(expr):
    leaves = expr.leaves()
    nodes = expr.nodes(*leaves)
    out = nodes[-1]
    out.backward()
    once = {node: node.grad for node in nodes}
    out.backward()
    reachable = set(topological_order(out))
    for node in nodes:
        if node in reachable and not node.parents:
            assert node.grad == pytest.approx(2 * once[node], rel=1e-12, abs=1e-300)
        else:
            assert node.grad == once[node]


def test_a_times_a_counts_both_paths():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_x_plus_x_counts_both_paths_for_tensors():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x + x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_diamond_sums_the_gradient_over_both_branches():
    a = Value(2.0)
    b, c = a * 3, a.exp()
    d = b * c
    d.backward()
    assert a.grad == pytest.approx(3 * np.exp(2.0) + 6 * np.exp(2.0))
    assert b.grad == pytest.approx(np.exp(2.0)) and c.grad == 6.0


def test_backward_twice_on_a_diamond_doubles_the_leaf_but_not_the_intermediates():
    a = Value(2.0)
    b = a * a
    d = b + b
    d.backward()
    d.backward()
    assert a.grad == 16.0  # 2 * d(2a^2)/da
    assert b.grad == 2.0 and d.grad == 1.0


def test_backward_twice_on_tensors_doubles_leaves_only():
    x = Tensor([1.0, -2.0], requires_grad=True)
    h = x * x
    y = (h + h).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * 4 * x.data)
    np.testing.assert_array_equal(h.grad, [2.0, 2.0])


def test_resetting_a_leaf_grad_starts_accumulation_again():
    a = Value(1.5)
    (a * 2).backward()
    a.grad = 0.0
    (a * 2).backward()
    assert a.grad == 2.0


def test_a_chain_of_a_million_value_operations_backpropagates():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y + 1e-6
    y.backward()
    assert x.grad == 1.0


def test_a_chain_of_100000_tensor_operations_backpropagates():
    x = Tensor(np.ones(3), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones(3))


def test_no_grad_as_a_context_manager_records_no_graph():
    a = Value(1.0)
    assert autograd.is_grad_enabled()
    with autograd.no_grad():
        assert not autograd.is_grad_enabled()
        b = a * 2
        t = Tensor([1.0], requires_grad=True) * 2
    assert autograd.is_grad_enabled()
    assert b.parents == () and b.op == ""
    assert not t.requires_grad


def test_no_grad_as_a_decorator_records_no_graph_and_restores_on_return():
    @autograd.no_grad()
    def double(x):
        assert not autograd.is_grad_enabled()
        return x * 2

    assert double(Value(1.0)).parents == ()
    assert autograd.is_grad_enabled()


def test_no_grad_restores_the_previous_state_after_an_exception_and_when_nested():
    with pytest.raises(KeyError), autograd.no_grad():
        raise KeyError
    assert autograd.is_grad_enabled()
    with autograd.no_grad():
        with autograd.no_grad():
            pass
        assert not autograd.is_grad_enabled()


def test_no_grad_is_thread_local():
    inside, release, seen = threading.Event(), threading.Event(), []

    def worker():
        with autograd.no_grad():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(5)
    seen.append(autograd.is_grad_enabled())
    a = Value(1.0)
    seen.append(len((a * 2).parents) == 2)
    release.set()
    thread.join()
    assert seen == [True, True]


def test_grad_returns_gradients_without_touching_any_grad_attribute():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    c.grad = 7.0
    ga, gb = autograd.grad(c * c, [a, b])
    assert (ga, gb) == (2 * 6 * 3, 2 * 6 * 2)
    assert a.grad == 0.0 and b.grad == 0.0 and c.grad == 7.0


def test_grad_works_for_tensors_and_a_single_input():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad((x ** 2).sum(), x)
    np.testing.assert_array_equal(g, [2.0, 4.0])
    assert x.grad is None


def test_grad_of_an_unused_input_is_an_error_unless_allowed():
    a, unused = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match="allow_unused"):
        autograd.grad(a * 3, [a, unused])
    assert autograd.grad(a * 3, [a, unused], allow_unused=True) == (3.0, None)


def test_grad_rejects_inputs_that_are_not_nodes():
    with pytest.raises(TypeError, match="inputs\\[0\\]"):
        autograd.grad(Value(1.0) * 2, [1.0])


def test_grad_equals_what_backward_writes():
    x = Tensor(np.array([[0.5, -1.0], [2.0, 0.1]]), requires_grad=True)
    W = Tensor(np.array([[1.0, 2.0], [-0.5, 0.3]]), requires_grad=True)
    loss = (x @ W).tanh().sum()
    gx, gW = autograd.grad(loss, [x, W])
    loss.backward()
    np.testing.assert_array_equal(gx, x.grad)
    np.testing.assert_array_equal(gW, W.grad)


def test_value_functions_pass_the_gradient_assertion_through_deep_sharing():
    def deep(x):
        y = x
        for _ in range(50):
            y = (y * 0.5 + y.sin() * 0.5).tanh() + y * 0.1
        return y

    assert_gradients_close(deep, [0.3])
