"""autograd.linear and autograd.softmax_cross_entropy (target weights and class
labels) against PyTorch in float64: forward, every gradient, and the second
derivatives (gradgradcheck), over hypothesis-drawn shapes (1-d and zero-size batches,
negative axes, zero weights, -inf and nan logits); and their argument errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Tensor, gradgradcheck

torch = pytest.importorskip("torch")


def _close(ours, theirs):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


@given(n_in=st.integers(1, 4), n_out=st.integers(1, 4),
       batch=st.sampled_from([(), (0,), (1,), (3,), (2, 3)]), seed=st.integers(0, 2**31))
def test_linear_matches_torch(n_in, n_out, batch, seed):
    rng = np.random.default_rng(seed)
    x, w, b = (rng.normal(size=s) for s in ((*batch, n_in), (n_out, n_in), (n_out,)))
    seed_grad = rng.normal(size=(*batch, n_out))
    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = autograd.linear(*ours)
    expected = torch.nn.functional.linear(*theirs)
    _close(out.data, expected)
    out.backward(seed_grad)
    expected.backward(torch.tensor(seed_grad))
    for mine, torch_leaf in zip(ours, theirs):
        _close(mine.grad, torch_leaf.grad)
    assert gradgradcheck(lambda *t: (autograd.linear(*t) * seed_grad).sum(), [x, w, b])


def test_linear_without_bias_and_its_errors():
    x, w = Tensor(np.ones((2, 3))), Tensor(np.ones((4, 3)), requires_grad=True)
    np.testing.assert_array_equal(autograd.linear(x, w).data, np.full((2, 4), 3.0))
    with pytest.raises(ValueError, match=r"linear: input of shape \(2, 3\) must have 2"):
        autograd.linear(x, Tensor(np.ones((4, 2))))
    with pytest.raises(ValueError, match=r"linear: bias must have shape \(4,\)"):
        autograd.linear(x, w, Tensor(np.ones(3)))
    with pytest.raises(ValueError, match="linear: weight must be 2-D"):
        autograd.linear(x, Tensor(np.ones(3)))
    with pytest.raises(TypeError, match="linear: weight must be a Tensor"):
        autograd.linear(x, np.ones((4, 3)))


@given(shape=st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple),
       data=st.data(), seed=st.integers(0, 2**31))
def test_softmax_cross_entropy_matches_torch(shape, data, seed):
    rng = np.random.default_rng(seed)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    logits = rng.normal(size=shape) * data.draw(st.sampled_from([1.0, 1000.0]))
    weights = rng.uniform(0, 2, size=shape) * (rng.uniform(size=shape) < 0.6)
    special = data.draw(st.sampled_from([None, -np.inf, np.nan]), label="special")
    if special is not None and logits.size:
        logits.reshape(-1)[0] = special
        if special == -np.inf:
            weights.reshape(-1)[0] = 0.0  # a class of weight 0 may have logit -inf
    z = Tensor(logits, requires_grad=True)
    zt = torch.tensor(logits, requires_grad=True)
    loss = autograd.softmax_cross_entropy(z, weights, axis)
    expected = -torch.where(torch.tensor(weights) == 0, 0.0,
                            torch.tensor(weights) * torch.log_softmax(zt, dim=axis)).sum()
    np.testing.assert_allclose(loss.data, expected.item(), rtol=1e-10, atol=1e-12)
    loss.backward()
    expected.backward()
    np.testing.assert_allclose(z.grad, zt.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_softmax_cross_entropy_second_derivatives():
    rng = np.random.default_rng(0)
    weights = rng.uniform(0, 2, size=(3, 4))
    for axis in (0, 1, -1):
        assert gradgradcheck(lambda z, a=axis: autograd.softmax_cross_entropy(z, weights, a),
                             [rng.normal(size=(3, 4))])


@given(shape=st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple),
       data=st.data(), seed=st.integers(0, 2**31))
def test_softmax_cross_entropy_of_labels_matches_torch(shape, data, seed):
    rng = np.random.default_rng(seed)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    classes = shape[axis]
    samples = shape[:axis % len(shape)] + shape[axis % len(shape) + 1:]
    if classes == 0 and np.prod(samples):
        return  # no class to label a sample with: the errors test covers it
    logits = rng.normal(size=shape) * data.draw(st.sampled_from([1.0, 1000.0]))
    labels = rng.integers(0, max(classes, 1), size=samples)
    special = data.draw(st.sampled_from([None, -np.inf, np.nan]), label="special")
    if special is not None and logits.size:
        logits.reshape(-1)[0] = special
    scale = data.draw(st.sampled_from([1.0, 0.25, -2.0]), label="scale")
    seed_grad = rng.normal()
    z = Tensor(logits, requires_grad=True)
    zt = torch.tensor(logits, requires_grad=True)
    loss = autograd.softmax_cross_entropy(z, labels, axis, scale=scale)
    # PyTorch's class axis is 1 (0 for a single sample)
    moved = torch.movedim(zt, axis, 0 if len(shape) == 1 else 1)
    expected = torch.nn.functional.cross_entropy(moved, torch.tensor(labels),
                                                 reduction="sum") * scale
    np.testing.assert_allclose(loss.data, expected.item(), rtol=1e-10, atol=1e-12)
    loss.backward(np.asarray(seed_grad))
    expected.backward(torch.tensor(seed_grad, dtype=torch.float64))
    np.testing.assert_allclose(z.grad, zt.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_softmax_cross_entropy_of_labels_second_derivatives():
    rng = np.random.default_rng(1)
    labels = {0: np.array([2, 0, 1, 2]), 1: np.array([3, 0, 3]), -1: np.array([1, 1, 0])}
    for axis, y in labels.items():
        assert gradgradcheck(
            lambda z, a=axis, y=y: autograd.softmax_cross_entropy(z, y, a, scale=0.5),
            [rng.normal(size=(3, 4))])


def test_softmax_cross_entropy_errors():
    z = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"target weights must have the logits' shape"):
        autograd.softmax_cross_entropy(z, np.ones(3))
    with pytest.raises(ValueError, match=r"class labels must have the logits' shape without "
                                         r"axis 1, \(2,\), got \(3,\)"):
        autograd.softmax_cross_entropy(z, np.array([0, 1, 2]))
    for bad in ([0, 3], [-1, 0]):
        with pytest.raises(ValueError, match=r"class labels must be in \[0, 3\)"):
            autograd.softmax_cross_entropy(z, np.array(bad))
    with pytest.raises(TypeError, match="softmax_cross_entropy: scale must be a number"):
        autograd.softmax_cross_entropy(z, np.array([0, 1]), scale="mean")
    with pytest.raises(ValueError, match="out of range"):
        autograd.softmax_cross_entropy(z, np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="logits need a class axis"):
        autograd.softmax_cross_entropy(Tensor(1.0), 1.0)
    with pytest.raises(TypeError, match="logits must be a Tensor"):
        autograd.softmax_cross_entropy(np.zeros((2, 3)), np.ones((2, 3)))
