"""nn.Conv1d/Conv2d and the pooling layers against PyTorch's, and their state dicts.

Each layer is built here, its state dict loaded into the PyTorch layer unchanged, and
both are run on the same float64 input: forward values (1e-9), the input's gradient
and every parameter's gradient (1e-7); options drawn by hypothesis.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Tensor, draw_graph, gradcheck

torch = pytest.importorskip("torch")
from layer_oracle import compare_step as compare  # noqa: E402
from layer_oracle import load_into_torch  # noqa: E402


@st.composite
def conv_layers(draw):
    dims = draw(st.sampled_from([1, 2]))
    groups = draw(st.integers(1, 3))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    padding = draw(st.one_of(st.tuples(*[st.integers(0, 2)] * dims), st.just("valid"),
                             st.just("same") if all(s == 1 for s in stride) else st.just(0)))
    bias = draw(st.booleans())
    pads = padding if isinstance(padding, tuple) else (0,) * dims
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    spatial = tuple(max(1, s - 2 * p + draw(st.integers(0, 4))) for s, p in zip(span, pads))
    options = dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
                   groups=groups, bias=bias)
    batch = draw(st.integers(1, 3))
    return dims, in_channels, out_channels, options, (batch, in_channels, *spatial), \
        draw(st.integers(0, 2**31))


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@given(conv_layers())
def test_conv_layers_match_torch_with_a_plain_state_dict_load(case):
    dims, c_in, c_out, options, shape, seed = case
    ours = (nn.Conv1d if dims == 1 else nn.Conv2d)(c_in, c_out, **options,
                                                  rng=np.random.default_rng(seed))
    theirs = (torch.nn.Conv1d if dims == 1 else torch.nn.Conv2d)(c_in, c_out, **options)
    load_into_torch(ours, theirs.double())
    compare(ours, theirs, np.random.default_rng(seed + 1).standard_normal(shape), seed)


def test_a_torch_state_dict_loads_back_into_our_layer():
    theirs = torch.nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2).double()
    ours = nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    compare(ours, theirs, np.random.default_rng(0).standard_normal((2, 4, 7, 5)))


def test_conv_weights_follow_torch_layout_and_default_initialisation():
    layer = nn.Conv2d(8, 64, 5, groups=2, rng=np.random.default_rng(0))
    assert layer.weight.shape == (64, 4, 5, 5) and layer.bias.shape == (64,)
    bound = 1 / math.sqrt(4 * 5 * 5)  # kaiming_uniform(a=sqrt(5)) on fan_in = 100
    for values in (layer.weight.data, layer.bias.data):
        assert np.abs(values).max() <= bound
    assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    assert nn.Conv1d(3, 2, 4, bias=False).bias is None
    assert repr(nn.Conv2d(1, 16, 3, padding=1)) == \
        "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert repr(torch.nn.Conv2d(1, 16, 3, padding=1)) == repr(nn.Conv2d(1, 16, 3, padding=1))


def test_conv_layer_gradients_match_central_differences():
    layer = nn.Conv2d(2, 3, 2, stride=(1, 2), padding=1, rng=np.random.default_rng(1))
    x = np.random.default_rng(2).standard_normal((1, 2, 3, 4))

    def f(x, w, b):
        layer.weight, layer.bias = w, b
        return layer(x).tanh()

    assert gradcheck(f, [x, layer.weight.data.copy(), layer.bias.data.copy()])


def test_conv_layer_float32_and_unbatched_input():
    layer = nn.Conv1d(2, 3, 3, dtype=np.float32)
    out = layer(np.ones((2, 9)))
    assert out.shape == (3, 7) and out.dtype == np.float32
    np.testing.assert_allclose(out.data, layer(np.ones((1, 2, 9))).data[0])


@given(st.sampled_from([1, 2]), st.integers(1, 3), st.sampled_from([None, 1, 2]),
       st.integers(0, 1), st.integers(1, 2), st.booleans(), st.integers(0, 2**31))
def test_pooling_layers_match_torch(dims, kernel, stride, padding, dilation, include_pad, seed):
    padding = min(padding, kernel // 2)
    shape = (2, 3, *(kernel * dilation + 3,) * dims)
    x = np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) / 7.0
    max_ours = (nn.MaxPool1d if dims == 1 else nn.MaxPool2d)(kernel, stride, padding, dilation)
    max_theirs = (torch.nn.MaxPool1d if dims == 1 else torch.nn.MaxPool2d)(
        kernel, stride, padding, dilation)
    compare(max_ours, max_theirs, x, seed)
    avg_ours = (nn.AvgPool1d if dims == 1 else nn.AvgPool2d)(kernel, stride, padding,
                                                            count_include_pad=include_pad)
    avg_theirs = (torch.nn.AvgPool1d if dims == 1 else torch.nn.AvgPool2d)(
        kernel, stride, padding, count_include_pad=include_pad)
    compare(avg_ours, avg_theirs, x, seed)


def test_pooling_stride_defaults_to_the_kernel():
    assert nn.MaxPool2d(3).stride == (3, 3) and nn.AvgPool2d((2, 3)).stride == (2, 3)
    assert nn.MaxPool2d(2)(np.ones((1, 1, 6, 6))).shape == (1, 1, 3, 3)


@pytest.mark.parametrize("make, message, error", [
    (lambda: nn.Conv2d(0, 4, 3), "Conv2d: in_channels must be positive", ValueError),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), "Conv2d: in_channels=3 must be divisible by "
     "groups=2", ValueError),
    (lambda: nn.Conv2d(4, 3, 3, groups=2), "out_channels=3 must be divisible", ValueError),
    (lambda: nn.Conv2d(3, 4, 0), "Conv2d: kernel_size must be positive", ValueError),
    (lambda: nn.Conv2d(3, 4, (3, 3, 3)), "kernel_size must be an int or a tuple of 2 ints",
     TypeError),
    (lambda: nn.Conv2d(3.0, 4, 3), "Conv2d: in_channels must be an int", TypeError),
    (lambda: nn.Conv2d(3, 4, 3, stride=2, padding="same"), "padding='same' needs stride 1",
     ValueError),
    (lambda: nn.Conv2d(3, 4, 3, padding="full"), "padding must be 'same', 'valid' or ints",
     ValueError),
    (lambda: nn.Conv1d(3, 4, 3, bias=1), "bias must be True or False", TypeError),
    (lambda: nn.MaxPool2d(2, padding=-1), "MaxPool2d: padding must be non-negative",
     ValueError),
    (lambda: nn.AvgPool2d(2, count_include_pad="yes"), "count_include_pad must be True",
     TypeError),
])
def test_bad_settings_name_the_layer(make, message, error):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


@pytest.mark.parametrize("layer, shape, message", [
    (nn.Conv2d(3, 16, 3), (2, 4, 8, 8),
     r"Conv2d\(3, 16, kernel_size=\(3, 3\), stride=\(1, 1\)\): given groups=1 and weight of "
     r"shape \(16, 3, 3, 3\), expected input of shape \(2, 4, 8, 8\) to have 3 channels, but "
     r"it has 4"),
    (nn.Conv2d(3, 16, 5, padding=1), (2, 3, 2, 2),
     r"Conv2d\(3, 16, .*\): input of shape \(2, 3, 2, 2\) padded to \(4, 4\) per channel is "
     r"smaller than the kernel \(5, 5\)"),
    (nn.Conv2d(3, 16, 3), (8, 8), r"Conv2d\(.*\): expected a 3-D \(unbatched\) or 4-D "
     r"\(batched\) input, got shape \(8, 8\)"),
    (nn.Conv1d(3, 16, 3), (1, 1, 3, 8), r"Conv1d\(.*\): expected a 2-D \(unbatched\) or 3-D"),
    (nn.MaxPool2d(4), (1, 1, 3, 3), r"MaxPool2d\(kernel_size=\(4, 4\).*\): input of shape "
     r"\(1, 1, 3, 3\)"),
    (nn.MaxPool2d(2, padding=2), (1, 1, 5, 5), r"MaxPool2d\(.*\): padding \(2, 2\) must be at "
     r"most half of the kernel"),
    (nn.AvgPool2d(2), (2, 2), r"AvgPool2d\(.*\): expected a 3-D \(unbatched\) or 4-D"),
])
def test_bad_inputs_name_the_layer_and_the_shapes(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(Tensor(np.ones(shape)))


def test_a_cnn_step_draws_with_module_boxes_and_shapes():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2 * 2 * 2, 3))
    loss = nn.functional.cross_entropy(model(np.ones((2, 1, 4, 4))), np.array([0, 2]))
    loss.backward()
    source = draw_graph(loss, params=model.parameters()).source
    for expected in ("cluster", "unfold", "window_max", "(2, 2, 4, 4)", "(2, 8)"):
        assert expected in source
