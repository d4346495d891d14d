"""Tensor semantics: requires_grad, dtypes, error messages and the domain rule."""

import numpy as np
import pytest
from hypothesis import given

import autograd
from autograd import Tensor
from autograd.testing import arrays, broadcastable_shapes


def test_requires_grad_defaults_to_false_and_a_plain_tensor_has_no_graph():
    t = Tensor([1.0, 2.0])
    assert t.requires_grad is False and t.grad is None
    assert (t * 2).requires_grad is False and (t * 2).parents == ()


def test_result_requires_grad_when_any_input_does():
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0])
    assert (a + b).requires_grad and (b * a).requires_grad and (b @ a).requires_grad
    assert not (b + b).requires_grad


def test_backward_leaves_inputs_that_do_not_require_grad_without_grad():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0])
    (a * b).sum().backward()
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])
    assert b.grad is None


def test_backward_from_a_tensor_without_graph_is_a_clear_error():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        Tensor([1.0]).sum().backward()


@pytest.mark.parametrize("data", [[1, 2, 3], 1.5, np.arange(3), [[True, False]], 7])
def test_python_and_integer_inputs_become_float64(data):
    assert Tensor(data).dtype == np.float64


def test_float32_is_kept_end_to_end_in_data_and_grads():
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(4, 3)), dtype=np.float32, requires_grad=True)
    W = Tensor(rng.normal(size=(3, 2)).astype(np.float32), requires_grad=True)
    b = Tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    hidden = ((x @ W + b).tanh() * 2 + 1).relu().sigmoid().softplus() ** 2
    out = (hidden.log_softmax() + hidden.softmax().exp() / 3 - hidden.max(axis=0)).mean()
    assert out.dtype == np.float32
    out.backward()
    for t in (x, W, b):
        assert t.grad.dtype == np.float32 and t.grad.shape == t.shape


@given(arrays())
def test_tensor_exposes_array_attributes(x):
    t = Tensor(x)
    assert t.shape == x.shape and t.ndim == x.ndim and t.dtype == np.float64
    np.testing.assert_array_equal(np.asarray(t), x)
    np.testing.assert_array_equal(t.numpy(), x)
    if x.ndim:
        assert len(t) == len(x)


def test_item_and_len_reject_the_wrong_shapes():
    assert Tensor([[2.5]]).item() == 2.5
    with pytest.raises(ValueError, match=r"\(2,\)"):
        Tensor([1.0, 2.0]).item()
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))


@given(broadcastable_shapes(2))
def test_broadcast_gradients_have_the_shape_of_each_input(shape_pair):
    a = Tensor(np.ones(shape_pair[0]), requires_grad=True)
    b = Tensor(np.ones(shape_pair[1]), requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    size = np.broadcast_shapes(*shape_pair)
    assert a.grad.sum() == pytest.approx(np.prod(size))


def test_backward_without_grad_on_a_non_scalar_raises_naming_the_shape():
    t = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"one-element.*\(2, 3\)"):
        t.backward()


def test_backward_with_a_grad_of_the_wrong_shape_raises_naming_both_shapes():
    t = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        t.backward(np.ones(3))


def test_backward_with_an_explicit_grad_weights_the_outputs():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 40.0])


def test_matmul_shape_error_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"^matmul: shapes \(3, 4\) and \(5, 2\) are not aligned$"):
        Tensor(np.ones((3, 4))) @ Tensor(np.ones((5, 2)))


def test_broadcast_shape_error_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add.*\(2, 3\).*\(4,\)"):
        Tensor(np.ones((2, 3))) + Tensor(np.ones(4))


@pytest.mark.parametrize(("op", "pattern"), [
    (lambda t: t.reshape(4, 4), r"reshape.*\(2, 3\)"),
    (lambda t: t.sum(axis=2), r"sum: axis 2"),
    (lambda t: t.permute(0, 0), r"permute.*\(2, 3\)"),
    (lambda t: autograd.concatenate([t, Tensor(np.ones(3))]), r"concatenate.*\(2, 3\).*\(3,\)"),
    (lambda t: autograd.stack([t, Tensor(np.ones(3))]), r"stack.*\(2, 3\).*\(3,\)"),
])
def test_shape_errors_name_the_op_and_the_shapes(op, pattern):
    with pytest.raises(ValueError, match=pattern):
        op(Tensor(np.ones((2, 3))))


def test_index_error_names_the_tensor_shape():
    with pytest.raises(IndexError, match=r"getitem.*\(2, 3\)"):
        Tensor(np.ones((2, 3)))[5]


@pytest.mark.parametrize("bad", [["a"], "text", [{"x": 1}], None])
def test_non_numeric_tensor_data_is_a_type_error(bad):
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(bad)


def test_a_non_float_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="floating"):
        Tensor([1, 2], dtype=np.int64)


def test_combining_a_tensor_with_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="Tensor"):
        Tensor([1.0]) + autograd.Value(1.0)


def test_outside_its_domain_an_op_returns_the_ieee_value_without_warnings():
    with np.errstate(all="raise"):
        x = Tensor([-1.0, 0.0, 1000.0, -1000.0])
        logs, exps, roots = x.log().data, x.exp().data, x.sqrt().data
    assert np.isnan(logs[0]) and logs[1] == -np.inf
    assert exps[2] == np.inf and exps[3] == 0.0
    assert np.isnan(roots[0])


def test_sigmoid_and_softplus_are_finite_at_large_inputs_even_with_errors_raised():
    with np.errstate(all="raise"):
        x = Tensor([1000.0, -1000.0, 0.0], requires_grad=True)
        s, p = x.sigmoid(), x.softplus()
        (s + p).sum().backward()
    np.testing.assert_allclose(s.data, [1.0, 0.0, 0.5])
    np.testing.assert_allclose(p.data, [1000.0, 0.0, np.log(2.0)])
    assert np.all(np.isfinite(x.grad))


def test_repr_names_the_data_and_the_graph():
    assert "requires_grad=True" in repr(Tensor([1.0], requires_grad=True))
    assert "grad_fn=" in repr(Tensor([1.0], requires_grad=True) * 2)
    assert "float32" in repr(Tensor([1.0], dtype=np.float32))


def test_detach_cuts_the_graph():
    x = Tensor([1.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.parents == ()


@pytest.mark.parametrize("loss", [
    lambda a, b: ((a + b) * 2.0).sum(),                        # one array for both inputs
    lambda a, b: ((a.T + b.T) * 2.0).sum(),                    # views of one array
    lambda a, b: ((a.reshape(4) + b.reshape(4)) * 2.0).sum(),  # through reshapes
    lambda a, b: (autograd.stack([a, b]) * 2.0).sum(),         # slices of one array
    lambda a, b: a.sum() + b.sum(),                            # read-only broadcast views
], ids=["add", "transposed-add", "reshaped-add", "stack", "sums"])
def test_no_two_leaves_share_gradient_memory(loss):
    a = Tensor(np.ones((2, 2)), requires_grad=True)
    b = Tensor(np.ones((2, 2)), requires_grad=True)
    loss(a, b).backward()
    assert a.grad.flags.writeable and b.grad.flags.writeable
    assert not np.shares_memory(a.grad, b.grad)
    expected_b = b.grad.copy()
    a.grad += 100.0  # an in-place change to one leaf's grad leaves the other alone
    np.testing.assert_array_equal(b.grad, expected_b)


def test_a_leaf_grad_never_shares_memory_with_the_callers_seed():
    t = Tensor(np.zeros(3), requires_grad=True)
    seed = np.array([1.0, 2.0, 3.0])
    (t + 0.0).backward(seed)
    seed[0] = 99.0
    np.testing.assert_array_equal(t.grad, [1.0, 2.0, 3.0])
