"""Optimizers, schedulers and gradient clipping against torch.optim in float64, and
a run saved and resumed that continues bit for bit."""

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value
from nn.optim import lr_scheduler

torch = pytest.importorskip("torch")

STEPS = 20
RNG = np.random.default_rng(7)
X, Y = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 2))
W0, B0 = RNG.normal(size=(3, 2)), RNG.normal(size=(2,))

OPTIMIZERS = {
    "sgd": lambda o, groups: o.SGD(groups, lr=0.05, momentum=0.9, nesterov=True,
                                   weight_decay=0.01),
    "sgd_dampened": lambda o, groups: o.SGD(groups, lr=0.1, momentum=0.5, dampening=0.3),
    "adam": lambda o, groups: o.Adam(groups, lr=0.05, betas=(0.8, 0.99), weight_decay=0.1),
    "adam_amsgrad": lambda o, groups: o.Adam(groups, lr=0.05, amsgrad=True),
    "adamw": lambda o, groups: o.AdamW(groups, lr=0.05, weight_decay=0.2),
    "rmsprop": lambda o, groups: o.RMSprop(groups, lr=0.01, momentum=0.5, centered=True,
                                           weight_decay=0.05),
}
SCHEDULERS = {
    "none": None,
    "step": lambda s, opt: s.StepLR(opt, step_size=3, gamma=0.5),
    "multistep": lambda s, opt: s.MultiStepLR(opt, milestones=[2, 5, 5, 11], gamma=0.3),
    "exponential": lambda s, opt: s.ExponentialLR(opt, gamma=0.9),
    "cosine": lambda s, opt: s.CosineAnnealingLR(opt, T_max=6, eta_min=0.001),
    "lambda": lambda s, opt: s.LambdaLR(opt, lambda e: 1.0 / (1 + e)),
    "plateau": lambda s, opt: s.ReduceLROnPlateau(opt, factor=0.5, patience=1,
                                                  threshold=0.05),
}


def _groups(w, b):
    # two groups with their own learning rate and weight decay
    return [{"params": [w]}, {"params": [b], "lr": 0.02, "weight_decay": 0.0}]


def _ours(opt_name, sched_name, clip, steps=STEPS, start=None):
    w = Tensor(W0.copy(), requires_grad=True)
    b = Tensor(B0.copy(), requires_grad=True)
    opt = OPTIMIZERS[opt_name](nn.optim, _groups(w, b))
    sched = SCHEDULERS[sched_name](lr_scheduler, opt) if SCHEDULERS[sched_name] else None
    if start is not None:
        start(w, b, opt, sched)
    trajectory = []
    for _ in range(steps):
        loss = ((Tensor(X) @ w + b - Tensor(Y)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        if clip:
            nn.utils.clip_grad_norm_([w, b], max_norm=0.5)
        opt.step()
        if sched is not None:
            sched.step(float(loss.item())) if sched_name == "plateau" else sched.step()
        trajectory.append(np.concatenate([w.data.ravel(), b.data]))
    return np.array(trajectory), (w, b, opt, sched)


def _theirs(opt_name, sched_name, clip):
    w = torch.tensor(W0.copy(), requires_grad=True)
    b = torch.tensor(B0.copy(), requires_grad=True)
    opt = OPTIMIZERS[opt_name](torch.optim, _groups(w, b))
    maker = SCHEDULERS[sched_name]
    sched = maker(torch.optim.lr_scheduler, opt) if maker else None
    trajectory = []
    for _ in range(STEPS):
        loss = ((torch.tensor(X) @ w + b - torch.tensor(Y)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_([w, b], max_norm=0.5)
        opt.step()
        if sched is not None:
            sched.step(loss.item()) if sched_name == "plateau" else sched.step()
        trajectory.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy()]))
    return np.array(trajectory), sched


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("sched_name", sorted(SCHEDULERS))
def test_trajectories_match_torch_optim_with_groups_decay_clipping_and_schedules(
        opt_name, sched_name):
    clip = sched_name in ("none", "cosine", "plateau")
    ours, (_, _, opt, sched) = _ours(opt_name, sched_name, clip)
    theirs, their_sched = _theirs(opt_name, sched_name, clip)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
    if sched is not None:
        np.testing.assert_allclose(sched.get_last_lr(), their_sched.get_last_lr(), rtol=1e-12)


@pytest.mark.parametrize("sched_name", ["step", "multistep", "exponential", "cosine",
                                        "lambda"])
def test_scheduler_learning_rates_match_torch_for_forty_epochs(sched_name):
    ours_opt = nn.optim.SGD([Tensor([1.0], requires_grad=True)], lr=0.1)
    theirs_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    ours = SCHEDULERS[sched_name](lr_scheduler, ours_opt)
    theirs = SCHEDULERS[sched_name](torch.optim.lr_scheduler, theirs_opt)
    for _ in range(40):  # past T_max: cosine goes back up as in PyTorch
        ours_opt.step()
        theirs_opt.step()
        ours.step()
        theirs.step()
        assert math.isclose(ours.get_last_lr()[0], theirs.get_last_lr()[0], rel_tol=1e-12,
                            abs_tol=1e-15)


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.5, math.inf])
def test_clip_grad_norm_and_value_match_torch(norm_type):
    grads = [RNG.normal(size=(3, 4)) * 5, RNG.normal(size=(4,))]
    ours = [Tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for o, t, g in zip(ours, theirs, grads):
        o.grad, t.grad = g.copy(), torch.tensor(g)
    total = nn.utils.clip_grad_norm_(ours, max_norm=1.5, norm_type=norm_type)
    their_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm=1.5, norm_type=norm_type)
    assert math.isclose(total, float(their_total), rel_tol=1e-12)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-12)
    nn.utils.clip_grad_value_(ours, 0.1)
    torch.nn.utils.clip_grad_value_(theirs, 0.1)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-12)
        assert np.abs(o.grad).max() <= 0.1


def test_clip_grad_norm_works_on_values_and_skips_missing_grads():
    a, b, c = Value(0.0), Value(0.0), Tensor([1.0], requires_grad=True)
    a.grad, b.grad = 3.0, 4.0
    assert nn.utils.clip_grad_norm_([a, b, c], 1.0) == 5.0
    assert math.isclose(a.grad, 3.0 / (5.0 + 1e-6)) and c.grad is None
    with pytest.raises(ValueError, match="max_norm"):
        nn.utils.clip_grad_norm_([a], -1.0)


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("sched_name", ["cosine", "plateau", "multistep"])
def test_a_run_saved_and_resumed_after_five_steps_equals_the_uninterrupted_run(
        tmp_path, opt_name, sched_name):
    full, _ = _ours(opt_name, sched_name, clip=True)
    first, (w, b, opt, sched) = _ours(opt_name, sched_name, clip=True, steps=5)
    path = tmp_path / "checkpoint"
    nn.save({"w": w, "b": b, "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
             "epoch": 5}, path)
    checkpoint = nn.load(path)
    assert checkpoint["epoch"] == 5

    def resume(w2, b2, opt2, sched2):
        w2.data, b2.data = checkpoint["w"], checkpoint["b"]
        opt2.load_state_dict(checkpoint["optimizer"])
        sched2.load_state_dict(checkpoint["scheduler"])

    rest, _ = _ours(opt_name, sched_name, clip=True, steps=STEPS - 5, start=resume)
    np.testing.assert_array_equal(np.concatenate([first, rest]), full)


def test_optimizer_refuses_modules_single_tensors_non_leaves_and_junk():
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"pass model\.parameters\(\)"):
        nn.optim.Adam(model)
    with pytest.raises(TypeError, match="single Tensor"):
        nn.optim.SGD(model.weight, lr=0.1)
    with pytest.raises(TypeError, match="iterable"):
        nn.optim.SGD(3, lr=0.1)
    with pytest.raises(ValueError, match="not a leaf"):
        nn.optim.SGD([model.weight * 2], lr=0.1)
    with pytest.raises(ValueError, match="not a leaf"):
        nn.optim.SGD([Value(1.0) + 1.0], lr=0.1)
    with pytest.raises(ValueError, match="more than one place"):
        nn.optim.SGD([{"params": [model.weight]}, {"params": [model.weight]}], lr=0.1)
    with pytest.raises(ValueError, match="unknown settings"):
        nn.optim.SGD([{"params": [model.weight], "momentun": 0.9}], lr=0.1)


def test_param_groups_have_pytorchs_structure_and_state_dict_is_checked():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    opt = nn.optim.Adam([{"params": model[0].parameters()},
                         {"params": model[1].parameters(), "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2, 3]]
    other = nn.optim.Adam(model.parameters())
    with pytest.raises(ValueError, match="param groups"):
        other.load_state_dict(state)
    bad = {"state": {0: {"step": 1, "exp_avg": np.zeros(7)}},
           "param_groups": state["param_groups"]}
    before = opt.state_dict()
    with pytest.raises(ValueError, match="shape"):
        opt.load_state_dict(bad)
    assert opt.state_dict() == before
