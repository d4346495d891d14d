"""What a PyTorch user writes without thinking: each line works as it does there.

The hand-written training loop with ``with no_grad(): p -= lr * p.grad``; the version
counter; comparisons in ``if``; ``float(loss)`` and ``f"{loss:.3f}"``; PyTorch's shape
ops; quiet IEEE results; the new ops differentiable twice. The deliberate differences
from PyTorch listed in the README are pinned here too.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd
from autograd import Tensor, no_grad


def _regression_problem() -> tuple[Tensor, Tensor]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3))
    y = x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3
    return Tensor(x), Tensor(y)


def test_a_hand_written_training_loop_updates_the_same_parameter_objects():
    x, y = _regression_problem()
    w = Tensor(np.zeros((3, 1)), requires_grad=True)
    b = Tensor(np.zeros(1), requires_grad=True)
    params, ids = [w, b], [id(w), id(b)]
    first = None
    for _ in range(200):
        loss = ((x @ w + b - y) ** 2).mean()
        first = float(loss) if first is None else first
        for p in params:
            p.grad = None
        loss.backward()
        with no_grad():
            for p in params:
                p -= 0.1 * p.grad
    assert [id(w), id(b)] == ids and all(p.requires_grad and p.is_leaf for p in params)
    assert float(loss) < 1e-6 < first
    np.testing.assert_allclose(w.data.ravel(), [1.5, -2.0, 0.5], atol=1e-3)
    if loss < 1.0:  # a comparison in an if, as in PyTorch
        message = f"{loss:.3f}"
    assert message == "0.000"


def test_changing_a_leaf_that_requires_grad_outside_no_grad_is_an_error():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w -= 1.0
    with pytest.raises(RuntimeError, match="no_grad"):
        w[0] = 5.0
    with pytest.raises(RuntimeError, match="no_grad"):
        w.zero_()
    np.testing.assert_array_equal(w.data, [1.0, 2.0])  # nothing half-applied


def test_the_version_counter_catches_a_change_after_use():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with no_grad():
        w += 1.0
    with pytest.raises(RuntimeError, match="changed in place"):
        loss.backward()
    assert w.grad is None


def test_the_version_counter_catches_a_changed_output_and_a_recorded_change():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    z = y * 2  # uses y
    y += 1.0   # recorded: y is now the node of +=, z's input changed
    with pytest.raises(RuntimeError, match="changed in place"):
        z.sum().backward()
    y.sum().backward()  # the in-place op itself is part of the graph
    np.testing.assert_allclose(x.grad, np.exp([1.0, 2.0]))


def test_in_place_on_a_non_leaf_is_recorded_as_an_op_with_the_right_gradient():
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = x * 3.0
    h *= h          # h = (3x)^2
    h[1] = 0.0      # entry 1 passes no gradient back
    h.sum().backward()
    np.testing.assert_allclose(x.grad, [18.0, 0.0, 54.0])


def test_in_place_keeps_identity_dtype_and_rejects_shape_changes():
    t = Tensor(np.zeros(3), dtype=np.float32)
    same = t
    t += np.ones(3)  # a float64 array: the result is stored as float32
    t *= 2
    assert t is same and t.dtype == np.float32
    np.testing.assert_array_equal(t.data, [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match=r"\+="):
        t += np.ones((2, 3))
    t.zero_()
    assert not t.data.any()


def test_setitem_with_pytorchs_index_order_and_masks():
    t = Tensor(np.zeros((3, 4, 5)))
    t[0, :, [0, 1]] = np.arange(8.0).reshape(4, 2)  # PyTorch's order: shape (4, 2)
    np.testing.assert_array_equal(t.data[0, :, :2], np.arange(8.0).reshape(4, 2))
    t[t > 3] = -1.0
    assert (t == -1.0).sum().item() == 4


def test_pytorch_shape_ops():
    x = Tensor(np.zeros((2, 3)))
    assert x.transpose(0, 1).shape == (3, 2)
    assert Tensor(np.zeros((2, 3, 4))).transpose(0, 2).shape == (4, 3, 2)
    assert x.unsqueeze(0).shape == (1, 2, 3) and x.unsqueeze(-1).shape == (2, 3, 1)
    assert x.unsqueeze(1).squeeze().shape == (2, 3) and x.squeeze(0).shape == (2, 3)
    assert Tensor(np.zeros((2, 3, 4))).flatten(1).shape == (2, 12)
    assert x.view(3, 2).shape == (3, 2) and x.view(-1).shape == (6,)
    assert Tensor(np.zeros((3, 1))).expand(2, -1, 4).shape == (2, 3, 4)
    assert x.sum(dim=1).shape == (2,) and x.softmax(dim=1).shape == (2, 3)
    assert x.mean(dim=0, keepdim=True).shape == (1, 3)


def test_conversions_of_one_element_tensors():
    loss = Tensor([1.0, 2.0]).sum()
    assert float(loss) == 3.0 and int(loss) == 3 and bool(loss) and loss.item() == 3.0
    assert np.asarray(loss).shape == () and type(loss.data) is np.ndarray
    assert not bool(Tensor([0.0])) and f"{loss:.3f}" == "3.000"
    assert Tensor([[1.0, 2.0]]).tolist() == [[1.0, 2.0]] and loss.tolist() == 3.0
    with pytest.raises(ValueError):
        bool(Tensor([1.0, 2.0]))
    assert [10, 20, 30][Tensor([1.0, 2.0]).argmax()] == 20  # an int64 tensor indexes


def test_tensor_equality_is_elementwise_and_hashing_is_identity():
    a, b = Tensor([1.0, 2.0]), Tensor([1.0, 3.0])
    np.testing.assert_array_equal((a == b).data, [True, False])
    assert len({a, b, a}) == 2 and {a: 1}[a] == 1
    assert a in {b, a} and a != "text" and (a == None) is False  # noqa: E711
    with pytest.raises(ValueError):  # as PyTorch: `in` on a list compares elementwise
        a in [b, a]  # noqa: B015


def test_comparison_masks_work_in_where_sum_and_indexing():
    x = Tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    mask = x > 0
    assert mask.dtype == bool and not mask.requires_grad
    assert (x > 0).sum().item() == 2 and (x > 0).sum().dtype == np.int64
    out = autograd.where(mask, x, 0.0).sum() + x[x < 0].sum()
    out.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 1.0, 1.0])


def test_no_runtime_warnings_from_ieee_specials_forward_or_backward():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = Tensor([math.inf, -math.inf, 0.0, math.nan, -1.0], requires_grad=True)
        outs = [x.sin(), x.cos(), x.tan(), x * 0.0, x - x, x / x, x.log(), x.sqrt(),
                x ** -1.0, x.exp() * x, x.softmax(), x.log_softmax(), x.logsumexp(),
                x.prod(), x.norm(), x.std(), Tensor(np.zeros((2, 0))).mean(1)]
        total = sum(o.sum() for o in outs if o.requires_grad)
        total.backward()
        autograd.grad((x * x).sum(), [x], create_graph=True)[0].sum()


# --- the README's deliberate differences from PyTorch, pinned ---------------------

def test_difference_every_tensor_made_from_data_is_floating():
    assert Tensor([1, 2]).dtype == np.float64 and Tensor([True]).dtype == np.float64


def test_difference_max_over_an_axis_splits_ties():
    x = Tensor([[1.0, 1.0, 0.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.5, 0.5, 0.0]])


def test_difference_in_place_changes_give_the_tensor_a_new_array():
    x = Tensor([1.0, 2.0])
    view, array = x[0:1], x.numpy()
    x += 1.0
    np.testing.assert_array_equal(view.data, [1.0])  # PyTorch's view would say 2
    np.testing.assert_array_equal(array, [1.0, 2.0])
    x[0] += 10.0  # still works: Python writes it back with x[0] = ...
    np.testing.assert_array_equal(x.data, [12.0, 3.0])


def test_difference_any_op_using_a_changed_tensor_refuses_backward():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    z = y + 1.0  # add saves nothing; PyTorch would allow the backward below
    y += 1.0
    with pytest.raises(RuntimeError, match="changed in place"):
        z.sum().backward()


def test_difference_clamp_takes_number_bounds():
    with pytest.raises(TypeError, match="clamp"):
        Tensor([1.0]).clamp(min=Tensor([0.0]))


@pytest.mark.parametrize("f", [
    lambda x: x.clamp(-0.5, 0.5), lambda x: x.prod(), lambda x: x.prod(0) * x[0],
    lambda x: x.norm(), lambda x: x.norm(3.0), lambda x: x.var(), lambda x: x.std(),
    lambda x: x.logsigmoid(), lambda x: x.gelu("tanh"), lambda x: x.cumsum(0).tan(),
    lambda x: x.log1p().expm1() * x.unsqueeze(0).flatten(), lambda x: x.expand(2, 3).sum(0),
])
def test_the_new_ops_are_differentiable_twice(f):
    x = Tensor([0.3, -0.7, 1.1], requires_grad=True)
    assert autograd.gradgradcheck(f, [x])


def test_difference_setitem_of_a_grad_value_at_a_repeated_position_is_an_error():
    t = Tensor(np.zeros(3))
    with pytest.raises(ValueError, match="more than once"):
        t[[0, 0]] = Tensor([1.0, 2.0], requires_grad=True)
    t[[0, 0]] = np.array([1.0, 2.0])  # a constant value: the last write wins
    assert t.data[0] == 2.0


def test_difference_prod_second_derivative_at_two_zeros_is_zero():
    x = Tensor([0.0, 0.0, 3.0], requires_grad=True)
    (first,) = autograd.grad(x.prod(), [x], create_graph=True)
    np.testing.assert_array_equal(first.data, [0.0, 0.0, 0.0])  # PyTorch's first derivative
    (second,) = autograd.grad(first[0], [x])
    np.testing.assert_array_equal(second, [0.0, 0.0, 0.0])  # exact: [0, 3, 0]
    x = Tensor([0.0, 2.0, 3.0], requires_grad=True)  # one zero: exact to any order
    (first,) = autograd.grad(x.prod(), [x], create_graph=True)
    (second,) = autograd.grad(first[0], [x])
    np.testing.assert_array_equal(second, [0.0, 3.0, 2.0])
