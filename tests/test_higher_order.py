"""Gradients of gradients: random expression DAGs, the create_graph contract, drawing a
recorded backward pass, and grad's bad input."""

import numpy as np
import pytest
from hypothesis import given

import autograd
from autograd import Tensor, Value, draw_graph, grad, gradgradcheck, no_grad
from autograd.testing import expressions, scaled, tensor_expressions

SECOND = {"atol": 1e-4, "rtol": 1e-3}


@given(expressions(max_ops=6))
@scaled(0.5)
def test_gradgradcheck_passes_random_value_expressions(expr):
    assert gradgradcheck(expr.fn, expr.inputs, **SECOND)


@given(tensor_expressions(max_ops=4, max_size=12))
@scaled(0.5)
def test_gradgradcheck_passes_random_tensor_expressions(expr):
    assert gradgradcheck(expr.fn, expr.inputs, **SECOND)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    from planted import planted
    # The first derivative is right (3x^2), but written with a constant 3 * x.data ** 2,
    # so its own derivative is lost: the second derivative comes out 0, not 6x.
    cube = planted("ConstantSlopeCube", lambda x: x ** 3,
                   lambda x, g: g * 3.0 * float(x.data) ** 2)
    assert autograd.gradcheck(cube, [0.7])
    assert not gradgradcheck(cube, [0.7], raise_exception=False)
    with pytest.raises(autograd.GradcheckError, match="second derivatives"):
        gradgradcheck(cube, [0.7])


def test_create_graph_returns_nodes_and_leaves_grad_attributes_plain():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (g,) = grad((x ** 3).sum(), [x], create_graph=True)
    assert isinstance(g, Tensor) and g.requires_grad
    np.testing.assert_allclose(g.data, [3.0, 12.0])
    g.sum().backward()
    assert isinstance(x.grad, np.ndarray)
    np.testing.assert_allclose(x.grad, [6.0, 12.0])
    v = Value(0.5)
    (dv,) = grad(v.tanh(), [v], create_graph=True)
    assert isinstance(dv, Value)
    (plain,) = grad(v.tanh(), [v])
    assert isinstance(plain, float)


def test_a_gradient_penalty_trains_through_the_gradient():
    """d/dw of |d loss/dx|^2: the classic use of create_graph (WGAN-GP, input smoothness)."""
    w = Tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    x = Tensor([0.3, -0.7], requires_grad=True)
    (gx,) = grad((x @ w).tanh().sum(), [x], create_graph=True)
    penalty = (gx * gx).sum()
    (gw,) = grad(penalty, [w])

    def penalty_at(w_data):
        wt = Tensor(w_data, requires_grad=True)
        xt = Tensor(x.data, requires_grad=True)
        (g,) = grad((xt @ wt).tanh().sum(), [xt])
        return float((g * g).sum())

    numerical = np.zeros_like(w.data)
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w.data)
        step[index] = 1e-6
        numerical[index] = (penalty_at(w.data + step) - penalty_at(w.data - step)) / 2e-6
    np.testing.assert_allclose(gw, numerical, rtol=1e-6, atol=1e-8)


def test_the_recorded_backward_pass_draws_like_any_graph():
    x = Value(0.8, label="x")
    y = (x * x).tanh()
    (dy,) = grad(y, [x], create_graph=True)
    dy.label = "dy/dx"
    source = draw_graph(dy).source
    assert "dy/dx" in source and "tanh" in source
    assert source.count("->") > 6  # the backward pass's own ops are in the picture


def test_grad_rejects_bad_input_with_clear_messages():
    x = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="grad: outputs must be a Value or Tensor"):
        grad(5, [x])
    with pytest.raises(TypeError, match=r"grad: inputs\[0\] must be a Value or Tensor"):
        grad(x.sum(), [3.0])
    with pytest.raises(TypeError, match="create_graph must be True or False"):
        grad(x.sum(), [x], create_graph="yes")
    with no_grad():
        frozen = (x * 2).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad(frozen, [x], create_graph=True)
    with no_grad(), pytest.raises(RuntimeError, match="inside no_grad"):
        grad((x * 2).sum(), [x], create_graph=True)
    with pytest.raises(ValueError, match="2 outputs"):
        grad([x.sum(), x.sum()], [x], grad_outputs=[1.0])
    v = Value(1.0)
    with no_grad():
        w = v * 2
    with pytest.raises(ValueError, match=r"no_grad\(\)"):
        grad(w, [v], create_graph=True)


def test_grad_sums_over_several_outputs():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (g,) = grad([(x * x).sum(), (3 * x).sum()], [x])
    np.testing.assert_allclose(g, 2 * x.data + 3)
