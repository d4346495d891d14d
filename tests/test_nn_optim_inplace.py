"""nn.optim updates in place: every optimizer writes into the parameter's own array and
its buffers, with the results of the functional formulas (written out here in NumPy,
as the optimizers computed them before), and a step that fails changes nothing."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor, Value
from autograd.testing import arrays, shapes
from nn import optim


def sgd_formula(p, g, state, lr, momentum=0.0, dampening=0.0, nesterov=False,
                weight_decay=0.0):
    g = g + weight_decay * p if weight_decay else g
    if momentum:
        buf = state.get("momentum_buffer")
        buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
        state["momentum_buffer"] = buf
        g = g + momentum * buf if nesterov else buf
    return p - lr * g


def adam_formula(p, g, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, decoupled=False):
    beta1, beta2 = betas
    if decoupled:
        p = p * (1 - lr * weight_decay)
    elif weight_decay:
        g = g + weight_decay * p
    zeros = np.zeros_like(p)
    t = state["step"] = state.get("step", 0) + 1
    m = state["exp_avg"] = beta1 * state.get("exp_avg", zeros) + (1 - beta1) * g
    v = state["exp_avg_sq"] = beta2 * state.get("exp_avg_sq", zeros) + (1 - beta2) * g * g
    if amsgrad:
        v = state["max_exp_avg_sq"] = np.maximum(state.get("max_exp_avg_sq", zeros), v)
    denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
    return p - lr / (1 - beta1**t) * m / denom


def rmsprop_formula(p, g, state, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                    momentum=0.0, centered=False):
    g = g + weight_decay * p if weight_decay else g
    zeros = np.zeros_like(p)
    s = state["square_avg"] = alpha * state.get("square_avg", zeros) + (1 - alpha) * g * g
    if centered:
        a = state["grad_avg"] = alpha * state.get("grad_avg", zeros) + (1 - alpha) * g
        s = s - a * a
    d = g / (np.sqrt(s) + eps)
    if momentum:
        d = state["momentum_buffer"] = momentum * state.get("momentum_buffer", zeros) + d
    return p - lr * d


FORMULAS = {
    optim.SGD: sgd_formula,
    optim.Adam: adam_formula,
    optim.AdamW: lambda p, g, state, weight_decay=1e-2, **kw: adam_formula(
        p, g, state, weight_decay=weight_decay, decoupled=True, **kw),
    optim.RMSprop: rmsprop_formula,
}
rates = st.sampled_from([0.0, 0.01, 0.3, 0.9])
SETTINGS = {
    optim.SGD: st.fixed_dictionaries({"lr": st.sampled_from([0.01, 0.5]), "momentum": rates,
                                      "dampening": rates, "weight_decay": rates}),
    optim.Adam: st.fixed_dictionaries({"lr": st.sampled_from([1e-3, 0.1]),
                                       "betas": st.sampled_from([(0.9, 0.999), (0.5, 0.8)]),
                                       "eps": st.sampled_from([1e-8, 0.1]),
                                       "weight_decay": rates, "amsgrad": st.booleans()}),
    optim.RMSprop: st.fixed_dictionaries({"lr": st.sampled_from([1e-2, 0.3]),
                                          "alpha": st.sampled_from([0.99, 0.5]),
                                          "eps": st.sampled_from([1e-8, 0.1]),
                                          "weight_decay": rates, "momentum": rates,
                                          "centered": st.booleans()}),
}
SETTINGS[optim.AdamW] = SETTINGS[optim.Adam]


@st.composite
def optimizer_cases(draw):
    """An optimizer class with settings covering every option, a dtype, parameter
    shapes and a few steps of gradients."""
    cls = draw(st.sampled_from(sorted(FORMULAS, key=lambda c: c.__name__)))
    settings = draw(SETTINGS[cls])
    if cls is optim.SGD and settings["momentum"] and settings["dampening"] == 0:
        settings["nesterov"] = draw(st.booleans())
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    param_shapes = draw(st.lists(shapes(max_dims=2), min_size=1, max_size=3))
    steps = draw(st.integers(1, 3))
    starts = [draw(arrays(shape, dtype=dtype)) for shape in param_shapes]
    grads = [[draw(arrays(shape, dtype=dtype)) for shape in param_shapes]
             for _ in range(steps)]
    return cls, settings, starts, grads


@given(optimizer_cases())
def test_every_optimizer_writes_the_functional_formulas_results_into_the_same_arrays(case):
    cls, settings, starts, grads = case
    params = [Tensor(start, requires_grad=True) for start in starts]
    arrays_before = [p.data for p in params]
    opt = cls(params, **settings)
    expected = [start.copy() for start in starts]
    expected_state = [{} for _ in params]
    buffers = None
    for step_grads in grads:
        for i, (p, g) in enumerate(zip(params, step_grads)):
            p.grad = g.copy()
            expected[i] = FORMULAS[cls](expected[i], g, expected_state[i], **settings)
        opt.step()
        for p, g in zip(params, step_grads):
            np.testing.assert_array_equal(p.grad, g)  # only read
        # the same arrays throughout: the parameters' and, from the first step, the buffers
        assert all(p.data is before for p, before in zip(params, arrays_before))
        now = [{k: v for k, v in opt.state[p].items() if k != "step"} for p in params]
        if buffers is not None:
            assert all(now[i][k] is buffers[i][k] for i in range(len(params)) for k in now[i])
        buffers = now
    for p, want, want_state in zip(params, expected, expected_state):
        assert p.dtype == want.dtype
        np.testing.assert_array_equal(p.data, want)
        assert set(opt.state[p]) == set(want_state)
        for name, value in want_state.items():
            np.testing.assert_array_equal(opt.state[p][name], value)


@given(optimizer_cases(), st.data())
def test_a_bad_gradient_leaves_every_parameter_and_buffer_unchanged(case, data):
    cls, settings, starts, grads = case
    params = [Tensor(start, requires_grad=True) for start in starts]
    opt = cls(params, **settings)
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g
        opt.step()
    bad = data.draw(st.integers(0, len(params) - 1))
    for i, p in enumerate(params):
        p.grad = np.ones(p.shape + (2,)) if i == bad else grads[0][i]
    saved_data = [p.data.copy() for p in params]
    saved_state = opt.state_dict()
    with pytest.raises(ValueError, match=rf"{cls.__name__}\.step: params\[{bad}\] has shape"):
        opt.step()
    for p, before in zip(params, saved_data):
        np.testing.assert_array_equal(p.data, before)
    after = opt.state_dict()["state"]
    assert after.keys() == saved_state["state"].keys()
    for i, entries in saved_state["state"].items():
        for name, value in entries.items():
            np.testing.assert_array_equal(after[i][name], value)


def test_a_number_as_the_gradient_of_a_tensor_is_checked_as_an_array():
    p = Tensor(np.ones(3), requires_grad=True)
    p.grad = 1.0
    with pytest.raises(ValueError, match=r"params\[0\] has shape \(3,\) but its grad has "
                                         r"shape \(\)"):
        optim.SGD([p], lr=0.1).step()
    scalar = Tensor(2.0, requires_grad=True)
    scalar.grad = 1.0
    optim.SGD([scalar], lr=0.5).step()
    assert scalar.data.shape == () and scalar.data == 1.5


def test_scratch_arrays_are_not_part_of_the_state_and_a_resumed_step_is_identical():
    rng = np.random.default_rng(3)
    a = Tensor(rng.normal(size=(5, 4)), requires_grad=True)
    b = Tensor(rng.normal(size=(5, 4)), requires_grad=True)
    grads = rng.normal(size=(3, 5, 4))
    opt_a, opt_b = optim.Adam([a], lr=0.1), optim.Adam([b], lr=0.1)
    b.data = a.data.copy()
    a.grad = b.grad = grads[0]
    opt_a.step()
    opt_b.step()
    assert set(opt_a.state_dict()["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    opt_b = optim.Adam([b], lr=0.1)  # a new optimizer: new scratch arrays, loaded state
    opt_b.load_state_dict(opt_a.state_dict())
    for g in grads[1:]:
        a.grad = b.grad = g
        opt_a.step()
        opt_b.step()
    np.testing.assert_array_equal(a.data, b.data)


def test_read_only_data_gets_a_new_array_with_the_same_result():
    start = np.array([[1.0, -2.0], [0.5, 3.0]])
    writable = Tensor(start, requires_grad=True)
    frozen = Tensor(start, requires_grad=True)
    frozen.data.setflags(write=False)
    read_only = frozen.data
    opt = optim.SGD([writable, frozen], lr=0.1, momentum=0.9)
    for g in ([1.0, 2.0], [-3.0, 0.5]):
        writable.grad = frozen.grad = np.array([g, g])
        opt.step()
    assert frozen.data is not read_only and frozen.data.flags.writeable
    np.testing.assert_array_equal(read_only, start)  # the user's array is left alone
    np.testing.assert_array_equal(frozen.data, writable.data)


def test_float32_parameters_stay_float32_with_float64_gradients():
    p = Tensor(np.ones((2, 3)), dtype=np.float32, requires_grad=True)
    before = p.data
    opt = optim.RMSprop([p], lr=0.1, momentum=0.5, centered=True)
    p.grad = np.full((2, 3), 0.25)  # float64
    opt.step()
    expected = rmsprop_formula(np.ones((2, 3), np.float32), np.full((2, 3), 0.25, np.float32),
                               {}, lr=0.1, momentum=0.5, centered=True)
    assert p.data is before and p.dtype == np.float32
    assert all(buf.dtype == np.float32 for buf in opt.state[p].values())
    np.testing.assert_array_equal(p.data, expected)


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.2),
                                  lambda ps: optim.Adam(ps, lr=0.1, amsgrad=True),
                                  lambda ps: optim.AdamW(ps, lr=0.1),
                                  lambda ps: optim.RMSprop(ps, lr=0.01, centered=True,
                                                           momentum=0.5)])
def test_values_with_different_histories_step_as_tensor_entries(make, tmp_path):
    rng = np.random.default_rng(5)
    start, grads = rng.normal(size=4), rng.normal(size=(6, 4))
    values = [Value(float(x)) for x in start]
    tensors = [Tensor(np.array(x), requires_grad=True) for x in start]
    opt_values, opt_tensors = make(values), make(tensors)
    for k, row in enumerate(grads):
        for i, g in enumerate(row):
            skipped = k == 1 and i == 2  # value 2 misses a step: its Adam count lags
            values[i].grad = None if skipped else float(g)
            tensors[i].grad = None if skipped else np.array(g)
        opt_values.step()
        opt_tensors.step()
        if k == 2:  # save and resume the Values' optimizer halfway
            nn.save({"optimizer": opt_values.state_dict()}, tmp_path / "checkpoint")
            opt_values = make(values)
            opt_values.load_state_dict(nn.load(tmp_path / "checkpoint")["optimizer"])
    assert all(isinstance(v.data, float) for v in values)
    np.testing.assert_array_equal([v.data for v in values], [float(t.data) for t in tensors])
    for v, t in zip(values, tensors):
        assert opt_values.state[v].keys() == opt_tensors.state[t].keys()
        for name, entry in opt_values.state[v].items():
            assert entry == opt_tensors.state[t][name]


def test_a_graph_recorded_before_step_is_refused_after_it():
    """As PyTorch ("modified by an inplace operation"): step() writes into p.data and
    says so with autograd.increment_version, so the old graph's backward raises rather
    than give a gradient from the updated weights. A new graph is fine."""
    layer = nn.Linear(3, 1)
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    loss = layer(x).sum()
    opt = optim.SGD(layer.parameters(), lr=0.1)
    loss.backward()
    opt.step()
    with pytest.raises(RuntimeError, match="changed in place"):
        loss.backward()
    layer(x).sum().backward()


def test_increment_version_refuses_a_non_tensor():
    with pytest.raises(TypeError, match="increment_version"):
        autograd.increment_version(np.ones(2))


def test_zero_grad_without_none_writes_zeros_into_the_gradient_arrays():
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    model(Tensor(np.ones((4, 3)))).sum().backward()
    grads = [p.grad for p in model.parameters()]
    optim.SGD(model.parameters(), lr=0.1).zero_grad(set_to_none=False)
    assert all(p.grad is g and not g.any() for p, g in zip(model.parameters(), grads))
    first, second = model[0].weight, model[0].bias
    first.grad = np.ones(first.shape, dtype=np.float32)  # another dtype
    second.grad = np.broadcast_to(np.ones(1), second.shape)  # read-only
    model.zero_grad(set_to_none=False)
    for p in (first, second):
        assert p.grad.dtype == p.dtype and p.grad.flags.writeable and not p.grad.any()
