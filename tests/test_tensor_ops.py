"""Tensor: every operation's gradient against central differences, on drawn shapes,
broadcasting pairs, axes and indices; and random tensor expression DAGs."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
from autograd import Tensor
from autograd.testing import (
    arrays,
    assert_gradients_close,
    axes,
    broadcastable_shapes,
    scaled,
    shapes,
    tensor_expressions,
)

UNARY = {
    "neg": (lambda t: -t, {}),
    "exp": (lambda t: t.exp(), {}),
    "log": (lambda t: t.log(), {"positive": True}),
    "tanh": (lambda t: t.tanh(), {}),
    "sigmoid": (lambda t: t.sigmoid(), {}),
    "relu": (lambda t: t.relu(), {"away_from_zero": True}),
    "leaky_relu": (lambda t: t.leaky_relu(0.1), {"away_from_zero": True}),
    "softplus": (lambda t: t.softplus(), {}),
    "abs": (lambda t: t.abs(), {"away_from_zero": True}),
    "sqrt": (lambda t: t.sqrt(), {"positive": True}),
    "sin": (lambda t: t.sin(), {}),
    "cos": (lambda t: t.cos(), {}),
    "power_by_number": (lambda t: t ** 3, {}),
    "fractional_power": (lambda t: t ** 0.5, {"positive": True}),
    "number_to_the_tensor": (lambda t: 2 ** t, {}),
    "number_minus_tensor": (lambda t: 1 - t, {}),
    "number_over_tensor": (lambda t: 2 / t, {"away_from_zero": True, "margin": 0.1}),
}

BINARY = {
    "add": (lambda a, b: a + b, {}),
    "sub": (lambda a, b: a - b, {}),
    "mul": (lambda a, b: a * b, {}),
    "div": (lambda a, b: a / b, {"away_from_zero": True, "margin": 0.1}),
    "pow": (lambda a, b: b ** a, {"positive": True, "margin": 0.1}),  # positive base b
    "maximum": (autograd.maximum, {}),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_tensor_gradient_matches_central_difference(name, data):
    fn, domain = UNARY[name]
    assert_gradients_close(fn, [data.draw(arrays(**domain), label="x")])


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_broadcast_binary_gradient_matches_central_difference(name, data):
    fn, domain = BINARY[name]
    shape_a, shape_b = data.draw(broadcastable_shapes(2), label="shapes")
    a = data.draw(arrays(shape_a), label="a")
    b = data.draw(arrays(shape_b, **domain), label="b")
    if name == "maximum":  # keep the two away from a tie, maximum's kink
        b = np.where(np.abs(a - b) < 1e-2, b + 0.5, b)
    assert_gradients_close(fn, [a, b])


@given(arrays(), st.floats(-3, 3))
def test_arithmetic_with_numbers_and_arrays_on_either_side_matches_central_difference(x, c):
    constant = np.linspace(1.0, 2.0, x.size).reshape(x.shape)
    assert_gradients_close(lambda t: c * t + t * c - (c - t) / 2 + constant * t - t / constant
                           + (t + constant) * (constant - t), [x])


@st.composite
def matmul_operands(draw):
    """Shapes of a @ b with NumPy's rules: 1-D on either side, 2-D, batched with broadcasting."""
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    batch = draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=3))
    left, right = draw(st.sampled_from([
        ((k,), (k,)), ((k,), (k, m)), ((n, k), (k,)), ((n, k), (k, m)),
        (batch + (n, k), batch + (k, m)), (batch + (n, k), (k, m)), ((n, k), batch + (k, m)),
        (batch + (n, k), (k,)), ((k,), batch + (k, m)),
    ]))
    return draw(arrays(left)), draw(arrays(right))


@given(matmul_operands())
def test_matmul_gradient_matches_central_difference(operands):
    assert_gradients_close(lambda a, b: a @ b, list(operands))


def test_matmul_covers_batched_broadcasting_against_numpy():
    a = Tensor(np.random.default_rng(0).normal(size=(2, 1, 3, 4)), requires_grad=True)
    b = Tensor(np.random.default_rng(1).normal(size=(5, 4, 2)), requires_grad=True)
    out = a @ b
    assert out.shape == (2, 5, 3, 2)
    np.testing.assert_allclose(out.data, a.data @ b.data)
    assert_gradients_close(lambda x, y: x @ y, [a.data, b.data])


@st.composite
def reduction_case(draw, unique=False):
    x = draw(arrays(shapes(min_dims=1), unique=unique))
    return x, draw(axes(x.ndim)), draw(st.booleans())


@pytest.mark.parametrize("op", ["sum", "mean", "logsumexp"])
@given(case=reduction_case())
def test_reduction_gradient_matches_central_difference(op, case):
    x, axis, keepdims = case
    assert_gradients_close(lambda t: getattr(t, op)(axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("op", ["max", "min"])
@given(case=reduction_case(unique=True))
def test_max_and_min_gradient_matches_central_difference_away_from_ties(op, case):
    x, axis, keepdims = case
    assert_gradients_close(lambda t: getattr(t, op)(axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "logsumexp"])
@given(case=reduction_case(unique=True))
def test_reduction_forward_matches_numpy(op, case):
    x, axis, keepdims = case
    reference = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min,
                 "logsumexp": lambda a, **kw: np.log(np.exp(a).sum(**kw))}[op]
    np.testing.assert_allclose(getattr(Tensor(x), op)(axis=axis, keepdims=keepdims).data,
                               reference(x, axis=axis, keepdims=keepdims), rtol=1e-12,
                               atol=1e-12)


def test_max_splits_the_gradient_among_ties_as_pytorch():
    x = Tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5])


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@given(x=arrays(shapes(min_dims=1)), data=st.data())
def test_softmax_family_gradient_matches_central_difference(op, x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    assert_gradients_close(lambda t: getattr(t, op)(axis=axis), [x])


@given(arrays(shapes(min_dims=1)))
def test_softmax_is_stable_and_sums_to_one_for_large_logits(x):
    s = Tensor(x * 1000).softmax()
    assert np.all(np.isfinite(s.data))
    np.testing.assert_allclose(s.data.sum(axis=-1), 1.0)
    shifted = x * 1000 - (x * 1000).max(axis=-1, keepdims=True)
    expected = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(Tensor(x * 1000).log_softmax().data, expected, atol=1e-9)


@given(x=arrays(), data=st.data())
def test_reshape_gradient_matches_central_difference(x, data):
    new_shape = data.draw(st.sampled_from([(-1,), (x.size, 1), (1, -1, 1)]), label="shape")
    assert_gradients_close(lambda t: t.reshape(new_shape) * np.arange(x.size).reshape(new_shape),
                           [x])


@given(x=arrays(), data=st.data())
def test_permute_gradient_matches_central_difference(x, data):
    perm = data.draw(st.permutations(range(x.ndim)), label="axes")
    negative = data.draw(st.booleans(), label="negative axes")
    perm = [a - x.ndim for a in perm] if negative else perm
    weights = np.arange(x.size, dtype=float).reshape(np.transpose(x, perm).shape)
    assert_gradients_close(lambda t: t.permute(*perm) * weights, [x])
    weights_t = np.arange(x.size, dtype=float).reshape(x.T.shape)
    assert_gradients_close(lambda t: t.T * weights_t, [x])


@given(x=arrays(), data=st.data())
def test_transpose_swaps_two_axes_as_pytorch(x, data):
    if x.ndim == 0:
        return
    first, second = (data.draw(st.integers(-x.ndim, x.ndim - 1), label=f"dim{k}")
                     for k in range(2))
    swapped = np.swapaxes(x, first, second)
    assert Tensor(x).transpose(first, second).shape == swapped.shape
    weights = np.arange(x.size, dtype=float).reshape(swapped.shape)
    assert_gradients_close(lambda t: t.transpose(first, second) * weights, [x])


@st.composite
def basic_index(draw, shape):
    """An index of slices and integers (basic indexing) for an array of ``shape``."""
    index = []
    for side in shape[:draw(st.integers(0, len(shape)))]:
        if draw(st.booleans()):
            index.append(draw(st.integers(-side, side - 1)))
        else:
            start = draw(st.none() | st.integers(-side, side))
            stop = draw(st.none() | st.integers(-side, side))
            step = draw(st.sampled_from([None, 1, 2, -1]))
            index.append(slice(start, stop, step))
    return tuple(index)


@given(x=arrays(shapes(min_dims=1)), data=st.data())
def test_basic_slicing_gradient_matches_central_difference(x, data):
    index = data.draw(basic_index(x.shape), label="index")
    assert_gradients_close(lambda t: t[index] * 2.0, [x])


@given(x=arrays(shapes(min_dims=1)), data=st.data())
def test_integer_array_indexing_with_repeats_gradient_matches_central_difference(x, data):
    n = x.shape[0]
    rows = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6), label="rows")
    assert_gradients_close(lambda t: t[rows] * 3.0, [x])
    assert_gradients_close(lambda t: t[np.array(rows)].sum(), [x])


def test_repeated_integer_index_sums_the_gradient():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


@st.composite
def joinable(draw, same_shape):
    shape = draw(shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    count = draw(st.integers(1, 3))
    parts = []
    for _ in range(count):
        part = list(shape)
        if not same_shape:
            part[axis] = draw(st.integers(1, 3))
        parts.append(draw(arrays(tuple(part))))
    return parts, axis


@given(joinable(same_shape=False))
def test_concatenate_gradient_matches_central_difference(case):
    parts, axis = case
    assert_gradients_close(lambda *ts: autograd.concatenate(list(ts), axis=axis).sin(), parts)


@given(joinable(same_shape=True), st.data())
def test_stack_gradient_matches_central_difference(case, data):
    parts, _ = case
    axis = data.draw(st.integers(-parts[0].ndim - 1, parts[0].ndim), label="axis")
    assert_gradients_close(lambda *ts: autograd.stack(list(ts), axis=axis).cos(), parts)


@given(broadcastable_shapes(3), st.data())
def test_where_gradient_matches_central_difference(shapes3, data):
    cond = data.draw(hnp.arrays(bool, shapes3[0]), label="condition")
    a, b = data.draw(arrays(shapes3[1]), label="a"), data.draw(arrays(shapes3[2]), label="b")
    assert_gradients_close(lambda x, y: autograd.where(cond, x, y) * 1.5, [a, b])


@given(tensor_expressions())
@scaled(2)
def test_random_tensor_expression_gradient_matches_central_difference(expr):
    assert_gradients_close(expr.fn, expr.inputs)
