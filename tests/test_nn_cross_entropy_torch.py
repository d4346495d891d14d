"""nll_loss, cross_entropy and binary_cross_entropy against PyTorch in float64
(forward and gradient), over hypothesis-drawn shapes, weights and options."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor, Value

torch = pytest.importorskip("torch")
F = nn.functional


@st.composite
def problems(draw):
    classes = draw(st.integers(1, 5))
    extra = draw(st.lists(st.integers(0, 3), max_size=2))
    batched = draw(st.booleans()) or extra
    shape = ((draw(st.integers(0, 4)), classes, *extra) if batched else (classes,))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    logits = rng.normal(size=shape) * draw(st.sampled_from([1.0, 10.0, 1000.0]))
    sample_shape = shape[:1] + shape[2:] if batched else ()
    target = rng.integers(0, classes, size=sample_shape)
    ignore = draw(st.sampled_from([-100, 0]))
    if draw(st.booleans()) and target.size:
        target.reshape(-1)[0] = -100 if ignore == -100 else 0
    weight = rng.uniform(0.1, 2.0, size=classes) if draw(st.booleans()) else None
    options = {"weight": weight, "ignore_index": ignore,
               "reduction": draw(st.sampled_from(["mean", "sum", "none"]))}
    probabilities = draw(st.booleans())
    if probabilities:
        target = rng.dirichlet(np.ones(classes), size=sample_shape or None)
        target = np.moveaxis(target, -1, 1) if batched else target
    return logits, target, options, draw(st.sampled_from([0.0, 0.1, 0.7])), probabilities


def _torch_weight(w):
    return None if w is None else torch.tensor(w)


def _compare(ours_fn, theirs_fn, logits):
    x = Tensor(logits.copy(), requires_grad=True)
    ours = ours_fn(x)
    t = torch.tensor(logits, requires_grad=True)
    theirs = theirs_fn(t)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12,
                               equal_nan=True)
    if ours.size and np.all(np.isfinite(ours.data)):
        seed = np.random.default_rng(1).normal(size=ours.shape)
        (ours * Tensor(seed)).sum().backward()
        (theirs * torch.tensor(seed)).sum().backward()
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-9, atol=1e-12)


@settings(deadline=None)
@given(problems())
def test_cross_entropy_matches_torch_forward_and_gradient(problem):
    logits, target, options, smoothing, probabilities = problem
    if probabilities:
        options = {**options, "ignore_index": -100}
    _compare(lambda x: F.cross_entropy(x, target, label_smoothing=smoothing, **options),
             lambda t: torch.nn.functional.cross_entropy(
                 t, torch.tensor(target), weight=_torch_weight(options["weight"]),
                 ignore_index=options["ignore_index"], reduction=options["reduction"],
                 label_smoothing=smoothing), logits)


@settings(deadline=None)
@given(problems())
def test_nll_loss_matches_torch_forward_and_gradient(problem):
    logits, target, options, _, probabilities = problem
    if probabilities:
        return  # nll_loss takes class indices only, as PyTorch
    _compare(lambda x: F.nll_loss(x.log_softmax(axis=0 if x.ndim == 1 else 1), target,
                                  **options),
             lambda t: torch.nn.functional.nll_loss(
                 torch.log_softmax(t, dim=0 if t.ndim == 1 else 1), torch.tensor(target),
                 weight=_torch_weight(options["weight"]), ignore_index=options["ignore_index"],
                 reduction=options["reduction"]), logits)


def test_cross_entropy_on_values_follows_the_tensor_form():
    rng = np.random.default_rng(3)
    logits, target = rng.normal(size=(4, 3)), np.array([0, 2, -100, 1])
    w = np.array([0.5, 1.0, 2.0])
    for smoothing in (0.0, 0.2):
        values = [[Value(float(v)) for v in row] for row in logits]
        ours = F.cross_entropy(values, target.tolist(), weight=w, label_smoothing=smoothing)
        ours.backward()
        t = torch.tensor(logits, requires_grad=True)
        theirs = torch.nn.functional.cross_entropy(t, torch.tensor(target), weight=torch.tensor(w),
                                                   label_smoothing=smoothing)
        theirs.backward()
        assert math.isclose(ours.data, theirs.item(), rel_tol=1e-12)
        np.testing.assert_allclose([[v.grad for v in row] for row in values], t.grad.numpy(),
                                   rtol=1e-10, atol=1e-14)


def test_cross_entropy_module_takes_pytorchs_options():
    logits, target = np.random.default_rng(0).normal(size=(5, 3)), np.array([0, 1, 2, 1, 0])
    loss = nn.CrossEntropyLoss(weight=np.array([1.0, 2.0, 3.0]), label_smoothing=0.1)
    weight = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    expected = torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=0.1)(torch.tensor(logits),
                                                              torch.tensor(target))
    assert math.isclose(float(loss(Tensor(logits), target).item()), expected.item(),
                        rel_tol=1e-12)
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(Tensor(logits), target, label_smoothing=1.5)
    with pytest.raises(ValueError, match="class index out of range"):
        F.cross_entropy(Tensor(logits), np.array([0, 1, 2, 3, 0]))


@settings(deadline=None)
@given(st.lists(st.sampled_from([0.0, 1.0, 1e-13, 1 - 1e-13, 0.3, 0.5, 0.999]), min_size=1,
                max_size=6), st.data())
def test_binary_cross_entropy_matches_torch_including_the_clamp(probs, data):
    p = np.array(probs)
    t = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 0.25]), min_size=len(p),
                                    max_size=len(p))))
    x = Tensor(p.copy(), requires_grad=True)
    ours = F.binary_cross_entropy(x, t, reduction="sum")
    ours.backward()
    tt = torch.tensor(p, requires_grad=True)
    theirs = torch.nn.functional.binary_cross_entropy(tt, torch.tensor(t), reduction="sum")
    theirs.backward()
    assert math.isclose(float(ours.item()), theirs.item(), rel_tol=1e-12)
    np.testing.assert_allclose(x.grad, tt.grad.numpy(), rtol=1e-10)


def test_binary_cross_entropy_at_a_saturated_wrong_prediction_has_pytorchs_gradient():
    x = Tensor([0.0], requires_grad=True)
    loss = F.binary_cross_entropy(x, [1.0])
    loss.backward()
    t = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(t, torch.tensor([1.0], dtype=torch.float64)
                                             ).backward()
    assert loss.item() == 100.0 and x.grad[0] == t.grad.item() and -1.01e12 < x.grad[0] < -1e12
    v = Value(0.0)
    F.binary_cross_entropy(v, 1.0).backward()
    assert v.grad == t.grad.item()


def test_binary_cross_entropy_on_a_nan_probability_raises_as_pytorch():
    with pytest.raises(RuntimeError):
        torch.nn.functional.binary_cross_entropy(torch.tensor([math.nan]), torch.tensor([1.0]))
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\], found nan"):
        F.binary_cross_entropy(Tensor([0.5, math.nan]), [1.0, 0.0])
    with pytest.raises(ValueError, match="found nan"):
        F.binary_cross_entropy(Value(math.nan), 1.0)


def test_accuracy_never_counts_a_nan_score_as_the_argmax():
    scores = np.array([[math.nan, 0.0], [0.0, 1.0]])
    assert math.isnan(nn.metrics.accuracy(scores, [0, 1]))
    assert math.isnan(nn.metrics.accuracy(np.array([math.nan, 0.9]), [0, 1], threshold=0.5))
    assert nn.metrics.accuracy(np.array([[1.0, 0.0], [0.0, 1.0]]), [0, 1]) == 1.0
