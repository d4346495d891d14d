"""Losses: values against their formulas, gradients against central differences, the
Value and Tensor forms agreeing, and stability at logits of magnitude 1000."""

import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor, Value, gradcheck
from nn import functional as F  # noqa: N812 - the PyTorch idiom

rng = np.random.default_rng(0)
PRED = rng.normal(size=(4, 3))
TARGET = rng.normal(size=(4, 3))
PROBS = rng.uniform(0.05, 0.95, size=(4, 3))
BITS = rng.integers(0, 2, size=(4, 3)).astype(float)
SIGNS = 2 * BITS - 1
LOGITS = rng.normal(size=(5, 4)) * 3
LABELS = np.array([0, 3, 1, 1, 2])


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# (loss, input, target, per-element formula)
ELEMENTWISE = [
    (F.mse_loss, PRED, TARGET, lambda p, t: (p - t) ** 2),
    (F.l1_loss, PRED, TARGET, lambda p, t: np.abs(p - t)),
    (F.sse_loss, PRED, TARGET, lambda p, t: 0.5 * (p - t) ** 2),
    (F.binary_cross_entropy, PROBS, BITS, lambda p, t: -(t * np.log(p) + (1 - t) * np.log(1 - p))),
    (F.binary_cross_entropy_with_logits, PRED, BITS,
     lambda z, t: -(t * np.log(_sigmoid(z)) + (1 - t) * np.log(1 - _sigmoid(z)))),
    (F.hinge_loss, PRED, SIGNS, lambda s, t: np.maximum(0, 1 - t * s)),
]
IDS = ["mse", "l1", "sse", "bce", "bce_logits", "hinge"]


@pytest.mark.parametrize(("loss", "x", "t", "formula"), ELEMENTWISE, ids=IDS)
def test_elementwise_losses_match_their_formulas_in_every_reduction(loss, x, t, formula):
    terms = formula(x, t)
    np.testing.assert_allclose(loss(Tensor(x), t, reduction="none").data, terms, rtol=1e-12)
    np.testing.assert_allclose(loss(Tensor(x), t, reduction="sum").item(), terms.sum())
    np.testing.assert_allclose(loss(Tensor(x), t, reduction="mean").item(), terms.mean())


def test_default_reductions_mean_except_sse_which_sums():
    assert F.mse_loss(Tensor(PRED), TARGET).item() == pytest.approx(((PRED - TARGET) ** 2).mean())
    assert F.sse_loss(Tensor(PRED), TARGET).item() == pytest.approx(
        0.5 * ((PRED - TARGET) ** 2).sum())


@pytest.mark.parametrize(("loss", "x", "t", "formula"), ELEMENTWISE, ids=IDS)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_elementwise_loss_gradients_match_central_differences(loss, x, t, formula, reduction):
    x = x + 0.01 if loss in (F.l1_loss, F.hinge_loss) else x  # keep clear of the kinks
    assert gradcheck(lambda p: loss(p, t, reduction=reduction), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_indices_matches_minus_log_softmax_at_the_label(reduction):
    picked = -_log_softmax(LOGITS)[np.arange(5), LABELS]
    expected = {"mean": picked.mean(), "sum": picked.sum(), "none": picked}[reduction]
    out = F.cross_entropy(Tensor(LOGITS), LABELS, reduction=reduction)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    assert gradcheck(lambda z: F.cross_entropy(z, LABELS, reduction=reduction), [LOGITS])


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    z = Tensor(LOGITS, requires_grad=True)
    F.cross_entropy(z, LABELS).backward()
    expected = (np.exp(_log_softmax(LOGITS)) - nn.data.one_hot(LABELS, 4)) / 5
    np.testing.assert_allclose(z.grad, expected, rtol=1e-10, atol=1e-15)


def test_cross_entropy_one_hot_targets_equal_index_targets():
    one_hot = nn.data.one_hot(LABELS, 4)
    np.testing.assert_allclose(F.cross_entropy(Tensor(LOGITS), one_hot).item(),
                               F.cross_entropy(Tensor(LOGITS), LABELS).item())
    soft = rng.dirichlet(np.ones(4), size=5)
    assert gradcheck(lambda z: F.cross_entropy(z, soft), [LOGITS])
    unbatched = F.cross_entropy(Tensor(LOGITS[1]), 3)
    assert unbatched.item() == pytest.approx(-_log_softmax(LOGITS[1])[3])


def test_value_forms_agree_with_tensor_forms_in_value_and_gradient():
    for loss, x, t, _ in ELEMENTWISE:
        values = [[Value(v) for v in row] for row in x]
        out = loss(values, t)
        out.backward()
        tensor = Tensor(x, requires_grad=True)
        expected = loss(tensor, t)
        expected.backward()
        assert out.data == pytest.approx(expected.item(), rel=1e-12)
        np.testing.assert_allclose([[v.grad for v in row] for row in values], tensor.grad,
                                   rtol=1e-10, atol=1e-15)


def test_value_cross_entropy_agrees_with_tensor_form():
    values = [[Value(v) for v in row] for row in LOGITS]
    out = F.cross_entropy(values, LABELS.tolist())
    out.backward()
    tensor = Tensor(LOGITS, requires_grad=True)
    F.cross_entropy(tensor, LABELS).backward()
    assert out.data == pytest.approx(F.cross_entropy(Tensor(LOGITS), LABELS).item())
    np.testing.assert_allclose([[v.grad for v in row] for row in values], tensor.grad,
                               rtol=1e-10, atol=1e-15)
    single = F.cross_entropy([Value(v) for v in LOGITS[0]], 0)
    assert single.data == pytest.approx(-_log_softmax(LOGITS[0])[0])
    one_hot = F.cross_entropy(values, nn.data.one_hot(LABELS, 4))
    assert one_hot.data == pytest.approx(out.data)


def test_value_losses_accept_a_single_value_and_lists():
    assert F.mse_loss(Value(3.0), 1.0).data == 4.0
    assert F.sse_loss([Value(1.0), Value(3.0)], [0.0, 0.0]).data == 5.0
    terms = F.hinge_loss([Value(0.5), Value(2.0)], [1, 1], reduction="none")
    assert [v.data for v in terms] == [0.5, 0.0]


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_logit_losses_are_finite_at_magnitude_1000(sign):
    z = sign * np.array([[1000.0, -1000.0, 999.0], [0.0, -1000.0, 1000.0]])
    bits = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    labels = np.array([1, 0])
    # Underflow (e^-1000 -> 0) is the intended result of the stable forms, so it is not
    # an error here, as NumPy's own default leaves it unreported.
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        for loss, target in [(F.binary_cross_entropy_with_logits, bits),
                             (F.cross_entropy, labels), (F.hinge_loss, 2 * bits - 1),
                             (lambda p, t: F.binary_cross_entropy(F.sigmoid(p), t), bits)]:
            x = Tensor(z, requires_grad=True)
            out = loss(x, target)
            out.backward()
            assert np.isfinite(out.item()), loss
            assert np.all(np.isfinite(x.grad)), loss
            values = [[Value(v) for v in row] for row in z]
            out = loss(values, target)
            out.backward()
            assert np.isfinite(out.data), loss
            assert all(np.isfinite(v.grad) for row in values for v in row), loss


def test_stable_losses_give_the_exact_large_values():
    assert F.binary_cross_entropy_with_logits(Tensor([1000.0]), [0.0]).item() == 1000.0
    assert F.binary_cross_entropy_with_logits(Tensor([-1000.0]), [0.0]).item() == 0.0
    assert F.cross_entropy(Tensor([[1000.0, -1000.0]]), [1]).item() == 2000.0
    # probabilities of exactly 0 and 1: PyTorch's clamp of log at -100
    assert F.binary_cross_entropy(Tensor([0.0, 1.0]), [1.0, 0.0]).item() == pytest.approx(100.0)


@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss, F.sse_loss, F.binary_cross_entropy,
                                  F.binary_cross_entropy_with_logits, F.hinge_loss])
def test_mismatched_shapes_name_the_loss_and_both_shapes(loss):
    with pytest.raises(ValueError, match=rf"{loss.__name__}: input shape \(4, 1\) and target "
                                         r"shape \(4,\)"):
        loss(Tensor(np.full((4, 1), 0.5)), np.ones(4))
    with pytest.raises(ValueError, match=rf"{loss.__name__}: input shape \(2,\) and target "
                                         r"shape \(3,\)"):
        loss([Value(0.5), Value(0.5)], [1.0, 1.0, 1.0])


def test_cross_entropy_rejects_bad_targets():
    with pytest.raises(ValueError, match=r"cross_entropy: input shape \(5, 4\) and target "
                                         r"shape \(4,\)"):
        F.cross_entropy(Tensor(LOGITS), LABELS[:4])
    with pytest.raises(ValueError, match="out of range"):
        F.cross_entropy(Tensor(LOGITS), LABELS + 1)
    with pytest.raises(ValueError, match="integers"):
        F.cross_entropy(Tensor(LOGITS), LABELS + 0.5)


def test_domain_errors_are_explained():
    with pytest.raises(ValueError, match="probabilities in"):
        F.binary_cross_entropy(Tensor([1.5]), [1.0])
    with pytest.raises(ValueError, match="-1 or"):
        F.hinge_loss(Tensor([0.3]), [0.0])
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(Tensor([1.0]), [1.0], reduction="average")


def test_loss_modules_call_the_functions():
    cases = [(nn.MSELoss(), F.mse_loss, PRED, TARGET), (nn.L1Loss(), F.l1_loss, PRED, TARGET),
             (nn.SSELoss(), F.sse_loss, PRED, TARGET),
             (nn.BCELoss(), F.binary_cross_entropy, PROBS, BITS),
             (nn.BCEWithLogitsLoss(), F.binary_cross_entropy_with_logits, PRED, BITS),
             (nn.CrossEntropyLoss(), F.cross_entropy, LOGITS, LABELS),
             (nn.HingeLoss(reduction="sum"), lambda x, t: F.hinge_loss(x, t, "sum"), PRED, SIGNS)]
    for module, function, x, t in cases:
        assert module(Tensor(x), t).item() == function(Tensor(x), t).item()
    assert nn.MSELoss(reduction="none")(Tensor(PRED), TARGET).shape == (4, 3)


def test_losses_match_torch_when_installed():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    pairs = [(F.mse_loss, tf.mse_loss, PRED, TARGET), (F.l1_loss, tf.l1_loss, PRED, TARGET),
             (F.binary_cross_entropy, tf.binary_cross_entropy, PROBS, BITS),
             (F.binary_cross_entropy_with_logits, tf.binary_cross_entropy_with_logits, PRED, BITS),
             (F.cross_entropy, tf.cross_entropy, LOGITS, LABELS)]
    for ours, theirs, x, t in pairs:
        xt = torch.tensor(x, requires_grad=True)
        expected = theirs(xt, torch.tensor(t))
        expected.backward()
        mine = Tensor(x, requires_grad=True)
        out = ours(mine, t)
        out.backward()
        assert out.item() == pytest.approx(expected.item(), rel=1e-12)
        np.testing.assert_allclose(mine.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 5)),
                  elements=st.floats(-1000, 1000)), st.data())
def test_cross_entropy_gradient_is_softmax_minus_one_hot_for_any_logits(z, data):
    labels = np.array(data.draw(st.lists(st.integers(0, z.shape[1] - 1), min_size=len(z),
                                         max_size=len(z))))
    x = Tensor(z, requires_grad=True)
    out = F.cross_entropy(x, labels, reduction="sum")
    out.backward()
    softmax = np.exp(_log_softmax(z))
    assert np.isfinite(out.item())
    np.testing.assert_allclose(x.grad, softmax - np.eye(z.shape[1])[labels], atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1000, 1000)),
       st.data())
def test_bce_with_logits_gradient_is_sigmoid_minus_target_for_any_logits(z, data):
    t = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=len(z),
                                    max_size=len(z))))
    x = Tensor(z, requires_grad=True)
    out = F.binary_cross_entropy_with_logits(x, t, reduction="sum")
    out.backward()
    assert np.isfinite(out.item())
    np.testing.assert_allclose(x.grad, _sigmoid_stable(z) - t, atol=1e-12)
    expected = np.maximum(z, 0) - t * z + np.log1p(np.exp(-np.abs(z)))
    np.testing.assert_allclose(out.item(), expected.sum(), rtol=1e-12, atol=1e-12)


def _sigmoid_stable(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
