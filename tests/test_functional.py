"""autograd.functional against torch.autograd.functional in float64: vjp, jvp,
jacobian, hessian, hvp, vhp on several functions, including a small MLP's loss."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd.functional as agf
from autograd import Tensor, Value
from autograd.testing import arrays

torch = pytest.importorskip("torch")
TF = torch.autograd.functional
TOL = {"rtol": 1e-9, "atol": 1e-9}


def _mlp_loss(lib):
    """A 3-4-1 tanh MLP's squared error, its weights the inputs (same math in both libraries)."""
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    y = np.array([[0.5], [-0.25]])

    def loss(w1, w2):
        xs, ys = (Tensor(x), Tensor(y)) if lib == "ours" else (torch.tensor(x), torch.tensor(y))
        h = (xs @ w1).tanh()
        return ((h @ w2 - ys) ** 2).mean()
    return loss


# name -> (function for both libraries, shapes of its inputs); each function uses only
# operations both libraries spell the same way.
FUNCTIONS = {
    "cubic_sum": (lambda x: (x ** 3).sum() + (x * 2.0).sin().sum(), [(3,)]),
    "two_inputs": (lambda x, y: ((x * y).tanh() + x.exp() * 0.1).sum(), [(2, 2), (2, 2)]),
    "matrix": (lambda w: (w @ w.T).sigmoid().sum(), [(2, 3)]),
    "mlp_loss": (None, [(3, 4), (4, 1)]),
}
VECTOR_FUNCTIONS = {
    "elementwise": (lambda x: x.tanh() * x, [(3,)]),
    "pair": (lambda x, y: (x * y, x.exp() + y), [(2,), (2,)]),
}


def _fn(name, lib, table=FUNCTIONS):
    fn, _ = table[name]
    return _mlp_loss(lib) if fn is None else fn


def _inputs(data, table, name):
    arrays_ = [data.draw(arrays(shape, -1.5, 1.5), label=f"x{i}")
               for i, shape in enumerate(table[name][1])]
    ours = tuple(Tensor(a) for a in arrays_)
    theirs = tuple(torch.tensor(a) for a in arrays_)
    return ours, theirs


def _close(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _close(o, t)
        return
    np.testing.assert_allclose(np.asarray(ours.data), theirs.detach().numpy(), **TOL)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(data=st.data())
def test_jacobian_hessian_hvp_vhp_match_torch(name, data):
    ours, theirs = _inputs(data, FUNCTIONS, name)
    f, g = _fn(name, "ours"), _fn(name, "torch")
    _close(agf.jacobian(f, ours), TF.jacobian(g, theirs))
    _close(agf.hessian(f, ours), TF.hessian(g, theirs))
    v_np = [data.draw(arrays(x.shape, -1, 1), label="v") for x in ours]
    v_ours, v_theirs = tuple(Tensor(v) for v in v_np), tuple(torch.tensor(v) for v in v_np)
    for mine, torch_fn in ((agf.hvp, TF.hvp), (agf.vhp, TF.vhp)):
        _close(mine(f, ours, v_ours), torch_fn(g, theirs, v_theirs))


@pytest.mark.parametrize("name", sorted(VECTOR_FUNCTIONS))
@given(data=st.data())
def test_vjp_jvp_jacobian_of_vector_functions_match_torch(name, data):
    ours, theirs = _inputs(data, VECTOR_FUNCTIONS, name)
    f = g = _fn(name, None, VECTOR_FUNCTIONS)
    _close(agf.jacobian(f, ours), TF.jacobian(g, theirs))
    outs = f(*ours)
    outs = outs if isinstance(outs, tuple) else (outs,)
    u_np = [data.draw(arrays(o.shape, -1, 1), label="u") for o in outs]
    u_ours = tuple(Tensor(u) for u in u_np)
    u_theirs = tuple(torch.tensor(u) for u in u_np)
    single = not isinstance(f(*ours), tuple)
    _close(agf.vjp(f, ours, u_ours[0] if single else u_ours),
           TF.vjp(g, theirs, u_theirs[0] if single else u_theirs))
    v_np = [data.draw(arrays(x.shape, -1, 1), label="v") for x in ours]
    _close(agf.jvp(f, ours, tuple(Tensor(v) for v in v_np)),
           TF.jvp(g, theirs, tuple(torch.tensor(v) for v in v_np)))


def test_single_tensor_inputs_give_single_results_as_torch():
    x = Tensor([1.0, 2.0])
    h = agf.hessian(lambda t: (t ** 3).sum(), x)
    assert isinstance(h, Tensor) and h.shape == (2, 2)
    np.testing.assert_allclose(h.data, np.diag([6.0, 12.0]))
    out, jv = agf.jvp(lambda t: t ** 2, x, Tensor([1.0, 1.0]))
    np.testing.assert_allclose(jv.data, [2.0, 4.0])


def test_value_inputs():
    h = agf.hessian(lambda a, b: a * a * b + b.sin(), (Value(1.5), Value(0.5)))
    assert float(h[0][0]) == pytest.approx(1.0)
    assert float(h[0][1]) == pytest.approx(3.0)
    assert float(h[1][1]) == pytest.approx(-np.sin(0.5))
    _, jv = agf.jvp(lambda a: a.exp(), Value(0.0), Value(2.0))
    assert float(jv) == pytest.approx(2.0)


def test_create_graph_keeps_the_hessian_differentiable():
    x = Tensor([0.5, -1.0], requires_grad=True)
    h = agf.hessian(lambda t: (t ** 4).sum(), x, create_graph=True)
    h.sum().backward()  # d/dx of sum(12 x^2) = 24 x
    np.testing.assert_allclose(x.grad, 24 * x.data)


def test_bad_input_names_the_function_and_the_shapes():
    x = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"hessian: fn must return a single-element .*\(2,\)"):
        agf.hessian(lambda t: t * 2, x)
    with pytest.raises(ValueError, match=r"jvp: v\[0\] has shape \(3,\) but it must match "
                                         r"shape \(2,\)"):
        agf.jvp(lambda t: t * 2, x, Tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="vjp: v can be omitted only"):
        agf.vjp(lambda t: t * 2, x)
    with pytest.raises(TypeError, match=r"jacobian: inputs\[0\] must be a Value or Tensor"):
        agf.jacobian(lambda t: t, [1.0, 2.0])
