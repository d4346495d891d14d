"""nn.optim: PyTorch's update formulas, written out by hand here, and (when torch is
installed) compared with torch.optim itself."""

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value
from nn import optim

STEPS = 10
P0 = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]])
GRADS = np.random.default_rng(0).normal(size=(STEPS, *P0.shape))


def run(make, steps=STEPS, p0=P0, grads=GRADS):
    """Apply ``steps`` steps with the given gradients; return the parameter's trajectory."""
    p = Tensor(p0, requires_grad=True)
    opt = make([p])
    out = []
    for k in range(steps):
        p.grad = grads[k].copy()
        opt.step()
        out.append(p.data.copy())
    return np.array(out)


def sgd_by_hand(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    p, buf, out = P0.copy(), None, []
    for k in range(STEPS):
        g = GRADS[k] + weight_decay * p
        if momentum:
            buf = g.copy() if k == 0 else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
        out.append(p)
    return np.array(out)


def adam_by_hand(lr, beta1, beta2, eps, weight_decay=0.0):
    p, m, v, out = P0.copy(), np.zeros_like(P0), np.zeros_like(P0), []
    for t in range(1, STEPS + 1):
        g = GRADS[t - 1] + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        # PyTorch puts eps outside the bias-corrected sqrt(v)
        p = p - lr * m_hat / (np.sqrt(v) / math.sqrt(1 - beta2**t) + eps)
        out.append(p)
    return np.array(out)


def rmsprop_by_hand(lr, alpha, eps, weight_decay=0.0, momentum=0.0, centered=False):
    p, sq, avg, buf, out = P0.copy(), np.zeros_like(P0), np.zeros_like(P0), np.zeros_like(P0), []
    for k in range(STEPS):
        g = GRADS[k] + weight_decay * p
        sq = alpha * sq + (1 - alpha) * g * g
        denom = sq
        if centered:
            avg = alpha * avg + (1 - alpha) * g
            denom = sq - avg**2
        step = g / (np.sqrt(denom) + eps)
        if momentum:
            buf = momentum * buf + step
            step = buf
        p = p - lr * step
        out.append(p)
    return np.array(out)


SGD_CASES = [dict(lr=0.1), dict(lr=0.05, momentum=0.9),
             dict(lr=0.05, momentum=0.9, nesterov=True),
             dict(lr=0.1, momentum=0.5, dampening=0.3, weight_decay=0.01),
             dict(lr=0.02, weight_decay=0.1)]
ADAM_CASES = [dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8),
              dict(lr=0.1, betas=(0.5, 0.9), eps=1e-3),
              dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)]
RMSPROP_CASES = [dict(lr=1e-2, alpha=0.99, eps=1e-8),
                 dict(lr=0.05, alpha=0.9, eps=1e-6, momentum=0.8),
                 dict(lr=0.01, alpha=0.95, eps=1e-8, centered=True, weight_decay=0.05),
                 dict(lr=0.01, alpha=0.9, eps=1e-8, centered=True, momentum=0.5)]


@pytest.mark.parametrize("kw", SGD_CASES)
def test_sgd_ten_steps_match_the_hand_written_update(kw):
    np.testing.assert_allclose(run(lambda ps: optim.SGD(ps, **kw)), sgd_by_hand(**kw),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kw", ADAM_CASES)
def test_adam_ten_steps_match_the_hand_written_update(kw):
    beta1, beta2 = kw["betas"]
    expected = adam_by_hand(kw["lr"], beta1, beta2, kw["eps"], kw.get("weight_decay", 0.0))
    np.testing.assert_allclose(run(lambda ps: optim.Adam(ps, **kw)), expected,
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kw", RMSPROP_CASES)
def test_rmsprop_ten_steps_match_the_hand_written_update(kw):
    np.testing.assert_allclose(run(lambda ps: optim.RMSprop(ps, **kw)), rmsprop_by_hand(**kw),
                               rtol=1e-12, atol=1e-14)


def test_defaults_are_pytorchs():
    p = [Tensor(np.zeros(1), requires_grad=True)]
    assert optim.Adam(p).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                          weight_decay=0.0, amsgrad=False)
    assert optim.AdamW(p).defaults["weight_decay"] == 1e-2
    rms = optim.RMSprop(p).defaults
    assert (rms["lr"], rms["alpha"], rms["eps"], rms["momentum"]) == (1e-2, 0.99, 1e-8, 0.0)


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1),
                                  lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5)])
def test_value_parameters_follow_the_same_updates_as_tensor_entries(make):
    values = [Value(float(x)) for x in P0.reshape(-1)]
    opt = make(values)
    for k in range(STEPS):
        for v, g in zip(values, GRADS[k].reshape(-1)):
            v.grad = float(g)
        opt.step()
    np.testing.assert_allclose([v.data for v in values], run(make)[-1].reshape(-1), rtol=1e-12)


def test_a_parameter_without_grad_is_skipped():
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = np.array([1.0])
    opt.step()
    assert b.data[0] == 2.0 and a.data[0] != 1.0
    assert b not in opt.state and opt.state[a]["step"] == 1


def test_a_bad_gradient_raises_before_any_parameter_changes():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = np.array([1.0, 1.0]), np.array([1.0, 1.0])
    with pytest.raises(ValueError, match=r"params\[1\] has shape \(1,\).*\(2,\)"):
        opt.step()
    assert a.data.tolist() == [1.0, 2.0] and b.data.tolist() == [3.0]
    assert opt.state == {}


def test_float32_parameters_stay_float32():
    p = Tensor(np.ones(3), requires_grad=True, dtype=np.float32)
    opt = optim.Adam([p], lr=0.1)
    p.grad = np.ones(3, dtype=np.float32)
    opt.step()
    assert p.dtype == np.float32 and opt.state[p]["exp_avg"].dtype == np.float32


@pytest.mark.parametrize(("make", "message"), [
    (lambda ps: optim.SGD(ps, lr=-0.1), "invalid lr"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-1), "invalid momentum"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "nesterov"),
    (lambda ps: optim.Adam(ps, betas=(0.9, 1.0)), "invalid beta2"),
    (lambda ps: optim.Adam(ps, eps=-1e-8), "invalid eps"),
    (lambda ps: optim.RMSprop(ps, alpha=-0.5), "invalid alpha"),
    (lambda ps: optim.Adam(ps, weight_decay=-1), "invalid weight_decay"),
    (lambda ps: optim.SGD(ps, lr="fast"), "lr must be a number"),
    (lambda ps: optim.SGD([], lr=0.1), "empty parameter list"),
])
def test_bad_settings_are_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make([Tensor([1.0], requires_grad=True)])


def test_zero_grad_and_model_parameters():
    model = nn.Sequential(nn.Linear(2, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    model(Tensor([[1.0, 2.0]])).sum().backward()
    assert model[0].weight.grad is not None
    opt.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    values = [Value(1.0)]
    values[0].grad = 3.0
    optim.SGD(values, lr=1.0).zero_grad()
    assert values[0].grad == 0.0


def test_lr_can_be_changed_between_steps():
    p = Tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=1.0)
    opt.lr = 0.5
    p.grad = np.array([1.0])
    opt.step()
    assert p.data[0] == 0.5


def _torch_trajectory(torch, make):
    p = torch.nn.Parameter(torch.tensor(P0, dtype=torch.float64))
    opt = make([p])
    out = []
    for k in range(STEPS):
        p.grad = torch.tensor(GRADS[k])
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def test_updates_match_torch_optim_when_torch_is_installed():
    torch = pytest.importorskip("torch")  # the hand-written tests above always run
    for kw in SGD_CASES:
        np.testing.assert_allclose(run(lambda ps, kw=kw: optim.SGD(ps, **kw)),
                                   _torch_trajectory(torch, lambda ps, kw=kw: torch.optim.SGD(
                                       ps, **kw)), rtol=1e-10, atol=1e-12)
    for kw in ADAM_CASES:
        np.testing.assert_allclose(run(lambda ps, kw=kw: optim.Adam(ps, **kw)),
                                   _torch_trajectory(torch, lambda ps, kw=kw: torch.optim.Adam(
                                       ps, **kw)), rtol=1e-10, atol=1e-12)
    for kw in RMSPROP_CASES:
        np.testing.assert_allclose(run(lambda ps, kw=kw: optim.RMSprop(ps, **kw)),
                                   _torch_trajectory(torch, lambda ps, kw=kw: torch.optim.RMSprop(
                                       ps, **kw)), rtol=1e-10, atol=1e-12)
