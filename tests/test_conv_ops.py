"""The convolution and pooling ops (autograd.conv) against PyTorch, central differences
and second derivatives.

Shapes, strides, paddings, dilations and groups are drawn by hypothesis; PyTorch in
float64 is the oracle for forward values (1e-9) and every gradient (1e-7).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import Tensor, conv, gradcheck, gradgradcheck
from autograd.testing import scaled

torch = pytest.importorskip("torch")
F = torch.nn.functional

FORWARD, GRADIENT = dict(rtol=1e-9, atol=1e-9), dict(rtol=1e-7, atol=1e-7)


def distinct(shape, seed):
    """Entries spaced at least 0.1 / size apart, in random order: max pooling never ties,
    so central differences never straddle two slopes."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    return (rng.permutation(size) / max(size, 1) - 0.5).reshape(shape) * 4


@st.composite
def conv_cases(draw, dims=None, small=False):
    dims = draw(st.sampled_from([1, 2])) if dims is None else dims
    top = 2 if small else 3
    kernel = tuple(draw(st.integers(1, top)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    spatial = tuple(max(1, s - 2 * p + draw(st.integers(0, 2 if small else 4)))
                    for s, p in zip(span, padding))
    groups = draw(st.integers(1, 2))
    channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    batch = draw(st.integers(1, 2))
    return dict(dims=dims, x=(batch, channels, *spatial),
                w=(out_channels, channels // groups, *kernel), stride=stride,
                padding=padding, dilation=dilation, groups=groups,
                bias=draw(st.booleans()), seed=draw(st.integers(0, 2**31)))


def conv_fn(case):
    return conv.conv1d if case["dims"] == 1 else conv.conv2d


def torch_conv_fn(case):
    return F.conv1d if case["dims"] == 1 else F.conv2d


def conv_options(case):
    return {k: case[k] for k in ("stride", "padding", "dilation", "groups")}


def assert_matches_torch(ours_out, theirs_out, ours_inputs, theirs_inputs, seed):
    """Forward values, then the gradients of <out, g> for a random g, for every input."""
    np.testing.assert_allclose(ours_out.data, theirs_out.detach().numpy(), **FORWARD)
    g = np.random.default_rng(seed).standard_normal(ours_out.shape)
    ours_out.backward(g)
    theirs_out.backward(torch.tensor(g))
    for mine, theirs in zip(ours_inputs, theirs_inputs):
        np.testing.assert_allclose(mine.grad, theirs.grad.numpy(), **GRADIENT)


def leaves(*arrays):
    return ([Tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


# --- convolution -----------------------------------------------------------------------


@given(conv_cases())
def test_conv_matches_torch_forward_and_every_gradient(case):
    rng = np.random.default_rng(case["seed"])
    arrays = [rng.standard_normal(case["x"]), rng.standard_normal(case["w"])]
    if case["bias"]:
        arrays.append(rng.standard_normal(case["w"][0]))
    ours, theirs = leaves(*arrays)
    out = conv_fn(case)(*ours, **conv_options(case))
    expected = torch_conv_fn(case)(*theirs, **conv_options(case))
    assert_matches_torch(out, expected, ours, theirs, case["seed"])


@given(conv_cases(small=True))
@scaled(0.4)
def test_conv_gradients_match_central_differences(case):
    rng = np.random.default_rng(case["seed"])
    x, w = rng.standard_normal(case["x"]), rng.standard_normal(case["w"])
    b = rng.standard_normal(case["w"][0])
    assert gradcheck(lambda x, w, b: conv_fn(case)(x, w, b, **conv_options(case)), [x, w, b])


@given(conv_cases(small=True))
@scaled(0.1)
def test_conv_second_derivatives_match_central_differences(case):
    rng = np.random.default_rng(case["seed"])
    x, w = rng.standard_normal(case["x"]), rng.standard_normal(case["w"])
    assert gradgradcheck(lambda x, w: conv_fn(case)(x, w, **conv_options(case)), [x, w])


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("kernel, dilation", [(3, 1), (4, 1), (2, 3), ((2, 3), (2, 1))])
def test_conv_same_and_valid_padding_match_torch(kernel, dilation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 6))
    w = rng.standard_normal((4, 3, *np.broadcast_to(kernel, 2)))
    for padding in ("same", "valid"):
        ours, theirs = leaves(x, w)
        out = conv.conv2d(*ours, padding=padding, dilation=dilation)
        expected = F.conv2d(*theirs, padding=padding, dilation=dilation)
        assert_matches_torch(out, expected, ours, theirs, 1)
    assert conv.conv2d(x, w, padding="same", dilation=dilation).shape[2:] == (7, 6)


def test_conv_takes_an_unbatched_input_as_torch():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 5, 5)), rng.standard_normal((2, 3, 3, 3))
    out = conv.conv2d(x, w, padding=1)
    assert out.shape == (2, 5, 5)
    np.testing.assert_allclose(out.data, conv.conv2d(x[None], w, padding=1).data[0])
    np.testing.assert_allclose(out.data, F.conv2d(torch.tensor(x), torch.tensor(w),
                                                  padding=1).numpy(), **FORWARD)


def test_conv_keeps_float32_end_to_end():
    x = Tensor(np.ones((1, 2, 5, 5)), dtype=np.float32)
    w = Tensor(np.ones((3, 2, 3, 3)), requires_grad=True, dtype=np.float32)
    out = conv.conv2d(x, w, padding=1)
    assert out.dtype == np.float32
    out.sum().backward()
    assert w.grad.dtype == np.float32


def test_conv_hessian_vector_product_through_create_graph():
    """d/dw <grad_x(sum(conv(x, w)^2)), v>: a second derivative mixing input and weight."""
    rng = np.random.default_rng(2)
    x = Tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 2, 2, 2)), requires_grad=True)
    v = rng.standard_normal(x.shape)
    (gx,) = autograd.grad((conv.conv2d(x, w, stride=2) ** 2).sum(), [x], create_graph=True)
    (hv,) = autograd.grad((gx * v).sum(), [w])
    tx = torch.tensor(x.data, requires_grad=True)
    tw = torch.tensor(w.data, requires_grad=True)
    (tgx,) = torch.autograd.grad((F.conv2d(tx, tw, stride=2) ** 2).sum(), [tx], create_graph=True)
    (thv,) = torch.autograd.grad((tgx * torch.tensor(v)).sum(), [tw])
    np.testing.assert_allclose(hv, thv.numpy(), **GRADIENT)


# --- pooling ---------------------------------------------------------------------------


@st.composite
def pool_cases(draw, small=False):
    dims = draw(st.sampled_from([1, 2]))
    kernel = tuple(draw(st.integers(1, 2 if small else 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    spatial = tuple(max(1, s - 2 * p + draw(st.integers(0, 2 if small else 4)))
                    for s, p in zip(span, padding))
    x = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *spatial)
    return dict(dims=dims, x=x, kernel=kernel, stride=stride, padding=padding,
                dilation=dilation, seed=draw(st.integers(0, 2**31)))


def max_pool(case, x):
    pool = conv.max_pool1d if case["dims"] == 1 else conv.max_pool2d
    return pool(x, case["kernel"], case["stride"], case["padding"], case["dilation"])


def avg_pool(case, x, count_include_pad=True):
    pool = conv.avg_pool1d if case["dims"] == 1 else conv.avg_pool2d
    return pool(x, case["kernel"], case["stride"], case["padding"], count_include_pad)


@given(pool_cases())
def test_max_pool_matches_torch(case):
    ours, theirs = leaves(distinct(case["x"], case["seed"]))
    # A window of padding only (-inf) has no maximum among the inputs: PyTorch 2.13's
    # backward aborts the process there (a deliberate difference, pinned below).
    out = max_pool(case, *ours)
    assume(np.isfinite(out.data).all())
    pool = F.max_pool1d if case["dims"] == 1 else F.max_pool2d
    expected = pool(*theirs, case["kernel"], case["stride"], case["padding"], case["dilation"])
    assert_matches_torch(out, expected, ours, theirs, case["seed"])


def test_max_pool_window_of_padding_only_is_minus_inf_and_passes_no_gradient():
    # [1, 2] padded is [-inf, 1, 2, -inf]; two taps 3 apart make one window, (pad, pad).
    # PyTorch's forward gives -inf too; its backward aborts the process there.
    x = Tensor(np.array([[[1.0, 2.0]]]), requires_grad=True)
    y = conv.max_pool1d(x, (2,), (1,), (1,), (3,))
    assert y.data.tolist() == [[[-np.inf]]]
    y.backward(np.ones(y.shape))
    assert x.grad.tolist() == [[[0.0, 0.0]]]
    expected = F.max_pool1d(torch.tensor([[[1.0, 2.0]]]), 2, 1, 1, 3)
    assert expected.tolist() == [[[-np.inf]]]


@given(pool_cases(), st.booleans())
def test_avg_pool_matches_torch(case, count_include_pad):
    ours, theirs = leaves(np.random.default_rng(case["seed"]).standard_normal(case["x"]))
    pool = F.avg_pool1d if case["dims"] == 1 else F.avg_pool2d
    expected = pool(*theirs, case["kernel"], case["stride"], case["padding"],
                    count_include_pad=count_include_pad)
    assert_matches_torch(avg_pool(case, *ours, count_include_pad), expected, ours, theirs,
                         case["seed"])


@given(pool_cases(small=True))
@scaled(0.4)
def test_pool_gradients_match_central_differences(case):
    x = distinct(case["x"], case["seed"])
    assume(np.isfinite(max_pool(case, x).data).all())  # no window of padding only (-inf)
    assert gradcheck(lambda x: max_pool(case, x), [x])
    assert gradcheck(lambda x: avg_pool(case, x, count_include_pad=False), [x])


@given(pool_cases(small=True))
@scaled(0.1)
def test_pool_second_derivatives_match_central_differences(case):
    x = distinct(case["x"], case["seed"])
    assume(np.isfinite(max_pool(case, x).data).all())
    assert gradgradcheck(lambda x: max_pool(case, x) ** 2, [x])
    assert gradgradcheck(lambda x: avg_pool(case, x) ** 2, [x])


def test_max_pool_sends_a_tied_window_gradient_to_its_first_maximum_as_torch():
    x = np.array([[[[1.0, 3.0, 3.0], [3.0, 0.0, 3.0], [2.0, 3.0, 1.0]]]])
    ours, theirs = leaves(x)
    out = conv.max_pool2d(*ours, 2, stride=1)
    assert_matches_torch(out, F.max_pool2d(*theirs, 2, stride=1), ours, theirs, 3)
    x = Tensor(x, requires_grad=True)
    conv.max_pool2d(x, 2, stride=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[[[0, 2, 0], [1, 0, 1], [0, 0, 0]]]])


def test_max_pool_propagates_nan_and_its_gradient_as_torch():
    """A window holding nans outputs nan; PyTorch sends its gradient to the last nan."""
    x = np.array([[[[np.nan, 1.0, 3.0], [np.nan, 2.0, np.nan], [0.0, 5.0, 1.0]]]])
    ours, theirs = leaves(x)
    out = conv.max_pool2d(*ours, 2, stride=1)
    expected = F.max_pool2d(*theirs, 2, stride=1)
    np.testing.assert_array_equal(np.isnan(out.data), np.isnan(expected.detach().numpy()))
    out.backward(np.ones(out.shape))
    expected.backward(torch.ones(expected.shape, dtype=torch.float64))
    np.testing.assert_array_equal(ours[0].grad, theirs[0].grad.numpy())


def test_max_pool_padding_is_minus_infinity_and_never_wins():
    x = -np.ones((1, 1, 3, 3)) * 5
    ours, theirs = leaves(x)
    out = conv.max_pool2d(*ours, 3, stride=1, padding=1)
    assert (out.data == -5).all()
    assert_matches_torch(out, F.max_pool2d(*theirs, 3, stride=1, padding=1), ours, theirs, 4)


# --- the building blocks: pad, unfold, fold ---------------------------------------------


@given(conv_cases(small=True))
@scaled(0.5)
def test_fold_is_the_transpose_of_unfold(case):
    """<unfold(x), p> = <x, fold(p)> for every x and p: the two are adjoint."""
    rng = np.random.default_rng(case["seed"])
    kernel, stride, dilation = case["w"][2:], case["stride"], case["dilation"]
    spatial = tuple(n + 2 * p for n, p in zip(case["x"][2:], case["padding"]))
    x = rng.standard_normal((*case["x"][:2], *spatial))
    windows = conv.unfold(x, kernel, stride, dilation)
    p = rng.standard_normal(windows.shape)
    folded = conv.fold(p, spatial, stride, dilation)
    assert folded.shape == x.shape
    np.testing.assert_allclose((windows.data * p).sum(), (x * folded.data).sum(), rtol=1e-12)


@pytest.mark.parametrize("stride, dilation", [(1, 1), (2, 1), (1, 2)])
def test_unfold_and_fold_second_derivatives_match_central_differences(stride, dilation):
    x = np.random.default_rng(5).standard_normal((1, 2, 4, 4))
    assert gradgradcheck(lambda x: conv.unfold(x, 2, stride, dilation) ** 2, [x])
    p = np.random.default_rng(6).standard_normal(conv.unfold(x, 2, stride, dilation).shape)
    assert gradgradcheck(lambda p: conv.fold(p, (4, 4), stride, dilation) ** 2, [p])


def test_unfold_lays_windows_out_as_documented():
    x = np.arange(3 * 2 * 6, dtype=float).reshape(3, 2, 6)
    windows = conv.unfold(x, 2, stride=2, dilation=2).data  # (C 2, kernel 2, N 3, out 2)
    assert windows.shape == (2, 2, 3, 2)
    for n in range(3):
        for c in range(2):
            for k in range(2):
                for o in range(2):
                    assert windows[c, k, n, o] == x[n, c, o * 2 + k * 2]


def test_pad_fills_with_the_value_and_its_gradient_is_the_interior():
    x = Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    out = conv.pad(x, [(1, 0), (0, 2)], value=-3.0)
    assert out.shape == (1, 1, 3, 4)
    np.testing.assert_array_equal(out.data[0, 0], [[-3] * 4, [1, 1, -3, -3], [1, 1, -3, -3]])
    assert gradgradcheck(lambda x: conv.pad(x, [(1, 0), (0, 2)]) ** 3, [x])


def test_the_ops_are_registered_in_the_op_table():
    from autograd.ops import ALL_OPS
    assert {"pad", "unfold", "fold", "window_max"} <= set(ALL_OPS)


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda: conv.conv2d(np.ones((2, 4, 5, 5)), np.ones((3, 3, 3, 3))), ValueError,
     r"conv2d: given groups=1 and weight of shape \(3, 3, 3, 3\), expected input of shape "
     r"\(2, 4, 5, 5\) to have 3 channels, but it has 4"),
    (lambda: conv.conv2d(np.ones((1, 3, 2, 2)), np.ones((3, 3, 3, 3))), ValueError,
     r"conv2d: input of shape \(1, 3, 2, 2\) padded to \(2, 2\).*kernel cannot be larger"),
    (lambda: conv.conv2d(np.ones((5, 5)), np.ones((3, 3, 3, 3))), ValueError,
     r"conv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \(5, 5\)"),
    (lambda: conv.conv2d(np.ones((1, 4, 5, 5)), np.ones((3, 2, 3, 3)), groups=2), ValueError,
     "out_channels divisible by groups=2"),
    (lambda: conv.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 3, 3, 3)), stride=0), ValueError,
     "conv2d: stride must be positive"),
    (lambda: conv.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 3, 3, 3)), padding=-1), ValueError,
     "conv2d: padding must be non-negative"),
    (lambda: conv.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 3, 3, 3)), stride=1.5), TypeError,
     "conv2d: stride must be an int or a tuple of 2 ints"),
    (lambda: conv.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 3, 3, 3)), stride=True), TypeError,
     "conv2d: stride must be an int"),
    (lambda: conv.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 3, 3, 3)), padding="same",
                         stride=2), ValueError, "padding='same' needs stride 1"),
    (lambda: conv.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 3, 3, 3)), np.ones(2)), ValueError,
     r"conv2d: bias must have shape \(3,\), got \(2,\)"),
    (lambda: conv.conv1d(np.ones((1, 3, 5)), np.ones((3, 3, 3, 3))), ValueError,
     "conv1d: weight must be 3-D"),
    (lambda: conv.max_pool2d(np.ones((1, 1, 4, 4)), 3, padding=2), ValueError,
     "max_pool2d: padding .* must be at most half of the kernel"),
    (lambda: conv.max_pool2d(np.ones((1, 1, 2, 2)), 3), ValueError,
     "max_pool2d: input of shape .* is smaller than the kernel"),
    (lambda: conv.avg_pool2d(np.ones((1, 1, 4, 4)), 0), ValueError,
     "avg_pool2d: kernel_size must be positive"),
    (lambda: conv.avg_pool2d(np.ones((1, 1, 4, 4)), 2, count_include_pad=1), TypeError,
     "count_include_pad must be True or False"),
    (lambda: conv.fold(np.ones((1, 1, 2, 2, 3, 3)), (5, 5)), ValueError,
     "fold: windows of shape .* do not tile an image of size"),
])
def test_bad_input_is_a_clear_error_naming_the_function(call, error, message):
    with pytest.raises(error, match=message):
        call()
