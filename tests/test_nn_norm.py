"""BatchNorm1d/2d, LayerNorm, Embedding, GELU/SiLU/ELU and buffers, against PyTorch.

BatchNorm runs several training steps beside PyTorch's (outputs, gradients and the
running statistics after each step), then evaluates with the running statistics.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Tensor, gradcheck, gradgradcheck

torch = pytest.importorskip("torch")
from layer_oracle import FORWARD, GRADIENT, load_into_torch  # noqa: E402
from layer_oracle import compare_step as step  # noqa: E402


def assert_same_state(ours, theirs):
    theirs_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(theirs_state)
    for name, value in ours.state_dict().items():
        np.testing.assert_allclose(value, theirs_state[name].numpy(), **FORWARD)


@given(st.sampled_from(["1d-2", "1d-3", "2d"]), st.sampled_from([0.1, 0.3, None]),
       st.booleans(), st.booleans(), st.integers(0, 2**31))
def test_batch_norm_trains_and_evaluates_as_torch(kind, momentum, affine, track, seed):
    rng = np.random.default_rng(seed)
    channels = int(rng.integers(1, 4))
    shape = {"1d-2": (5, channels), "1d-3": (3, channels, 4), "2d": (2, channels, 3, 3)}[kind]
    layer = nn.BatchNorm2d if kind == "2d" else nn.BatchNorm1d
    torch_layer = torch.nn.BatchNorm2d if kind == "2d" else torch.nn.BatchNorm1d
    ours = layer(channels, momentum=momentum, affine=affine, track_running_stats=track)
    if affine:  # not the initial ones and zeros, so that their gradients matter
        ours.weight.data, ours.bias.data = rng.standard_normal((2, channels))
    theirs = load_into_torch(ours, torch_layer(channels, momentum=momentum, affine=affine,
                                               track_running_stats=track).double())
    for i in range(3):
        step(ours, theirs, rng.standard_normal(shape) * 3 + 2, seed + i)
        assert_same_state(ours, theirs)
    ours.eval()
    theirs.eval()
    step(ours, theirs, rng.standard_normal(shape), seed + 9)
    assert_same_state(ours, theirs)


def test_batch_norm_state_dict_holds_the_buffers_and_loads_back_from_torch():
    theirs = torch.nn.BatchNorm2d(3).double()
    theirs(torch.randn(4, 3, 2, 2, dtype=torch.float64) * 5)
    theirs(torch.randn(4, 3, 2, 2, dtype=torch.float64) * 5)
    ours = nn.BatchNorm2d(3)
    assert list(ours.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                       "num_batches_tracked"]
    assert {name for name, _ in ours.named_buffers()} == {"running_mean", "running_var",
                                                          "num_batches_tracked"}
    assert len(ours.parameters()) == 2  # buffers are not parameters
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert float(ours.num_batches_tracked.data) == 2
    ours.eval()
    theirs.eval()
    step(ours, theirs, np.random.default_rng(0).standard_normal((2, 3, 2, 2)), 1)
    assert nn.BatchNorm1d(3, track_running_stats=False).state_dict().keys() == {"weight", "bias"}


def test_batch_norm_gradients_and_second_derivatives_match_central_differences():
    x = np.random.default_rng(3).standard_normal((4, 2, 3))
    layer = nn.BatchNorm1d(2)

    def f(x, w, b):
        layer.weight, layer.bias = w, b
        return layer(x).tanh()

    w, b = np.array([1.5, -0.5]), np.array([0.2, 0.1])
    assert gradcheck(f, [x, w, b])
    assert gradgradcheck(f, [x, w, b])


def test_functional_batch_norm_updates_running_arrays_in_place_as_torch():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((6, 3)) * 2
    mean, var = np.zeros(3), np.ones(3)
    tmean, tvar = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    out = nn.functional.batch_norm(x, mean, var, training=True, momentum=0.2)
    expected = torch.nn.functional.batch_norm(torch.tensor(x), tmean, tvar, training=True,
                                              momentum=0.2)
    np.testing.assert_allclose(out.data, expected.numpy(), **FORWARD)
    np.testing.assert_allclose(mean, tmean.numpy(), **FORWARD)
    np.testing.assert_allclose(var, tvar.numpy(), **FORWARD)


def test_batch_norm_refuses_bad_input_and_leaves_its_statistics_alone():
    layer = nn.BatchNorm2d(3)
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3, .*\): expected a 4-D input, got "
                                         r"shape \(2, 3\)"):
        layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"expected an input with 3 channels \(axis 1\), got "
                                         r"shape \(2, 4, 1, 1\)"):
        layer(np.ones((2, 4, 1, 1)))
    with pytest.raises(ValueError, match="expected more than 1 value per channel when "
                                         r"training, got an input of shape \(1, 3, 1, 1\)"):
        layer(np.ones((1, 3, 1, 1)))
    assert float(layer.num_batches_tracked.data) == 0
    np.testing.assert_array_equal(layer.running_mean.data, 0)
    with pytest.raises(ValueError, match="BatchNorm1d: num_features must be a positive int"):
        nn.BatchNorm1d(0)
    with pytest.raises(TypeError, match="BatchNorm1d: affine must be True or False"):
        nn.BatchNorm1d(2, affine=1)
    with pytest.raises(ValueError, match=r"BatchNorm1d\(2, .*\): expected a 2-D or 3-D input"):
        nn.BatchNorm1d(2)(np.ones((2, 2, 2, 2)))


@given(st.integers(1, 3), st.booleans(), st.booleans(), st.integers(0, 2**31))
def test_layer_norm_matches_torch(trailing, affine, bias, seed):
    rng = np.random.default_rng(seed)
    shape = tuple(int(n) for n in rng.integers(1, 4, size=trailing + 1))
    normalized = shape[1:] if trailing else shape
    ours = nn.LayerNorm(normalized, elementwise_affine=affine, bias=bias)
    if affine:
        ours.weight.data = rng.standard_normal(normalized)
        if bias:
            ours.bias.data = rng.standard_normal(normalized)
    theirs = load_into_torch(ours, torch.nn.LayerNorm(normalized, elementwise_affine=affine,
                                                      bias=bias).double())
    step(ours, theirs, rng.standard_normal(shape) * 4 - 1, seed)


def test_layer_norm_checks_the_trailing_shape():
    with pytest.raises(ValueError, match=r"LayerNorm\(\(4,\), .*\): given normalized_shape="
                                         r"\(4,\), expected an input of shape \(\*, 4\), got "
                                         r"\(2, 3\)"):
        nn.LayerNorm(4)(np.ones((2, 3)))
    with pytest.raises(ValueError, match="LayerNorm: normalized_shape must hold positive"):
        nn.LayerNorm((2, 0))
    with pytest.raises(ValueError, match=r"layer_norm: weight must have shape \(3,\)"):
        nn.functional.layer_norm(np.ones((2, 3)), 3, weight=Tensor(np.ones(2)))
    assert gradgradcheck(lambda x: nn.functional.layer_norm(x, 3) ** 2,
                         [np.random.default_rng(5).standard_normal((2, 3))])


@given(st.integers(1, 6), st.integers(1, 4), st.sampled_from([None, 0, -1, 2]),
       st.integers(0, 2**31))
def test_embedding_matches_torch(num, dim, padding_idx, seed):
    if padding_idx is not None and not -num <= padding_idx < num:
        padding_idx = None
    rng = np.random.default_rng(seed)
    ours = nn.Embedding(num, dim, padding_idx=padding_idx, rng=rng)
    theirs = load_into_torch(ours, torch.nn.Embedding(num, dim, padding_idx=padding_idx).double())
    index = rng.integers(0, num, size=(3, 4))
    out, expected = ours(index), theirs(torch.tensor(index))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **FORWARD)
    g = rng.standard_normal(out.shape)
    out.backward(g)
    expected.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), **GRADIENT)
    if padding_idx is not None:
        np.testing.assert_array_equal(ours.weight.data[padding_idx], 0)


def test_embedding_refuses_indices_out_of_range_or_not_integers():
    layer = nn.Embedding(5, 2)
    with pytest.raises(IndexError, match=r"Embedding\(5, 2\): index 5 is out of range for 5 "
                                         r"embeddings"):
        layer(np.array([0, 5]))
    with pytest.raises(IndexError, match="index -1 is out of range"):
        layer([-1])
    with pytest.raises(TypeError, match=r"Embedding\(5, 2\): the index must be an integer "
                                        "array, got dtype float64"):
        layer(np.array([1.0]))
    with pytest.raises(TypeError, match="must hold integers, got a Tensor with non-integer"):
        layer(Tensor([1.5]))
    assert layer(Tensor([1.0, 3.0])).shape == (2, 2)  # a whole-valued Tensor is an index
    assert layer(3).shape == (2,)
    with pytest.raises(ValueError, match="Embedding: padding_idx must be within"):
        nn.Embedding(5, 2, padding_idx=5)


@pytest.mark.parametrize("ours, theirs", [
    (nn.GELU(), torch.nn.GELU()), (nn.GELU("tanh"), torch.nn.GELU("tanh")),
    (nn.SiLU(), torch.nn.SiLU()), (nn.ELU(), torch.nn.ELU()), (nn.ELU(0.5), torch.nn.ELU(0.5)),
])
def test_activation_modules_match_torch(ours, theirs):
    x = np.linspace(-4, 4, 17).reshape(1, 17)
    step(ours, theirs, x, 0)
    assert repr(ours) == repr(theirs)


def test_module_list_holds_modules_with_torch_names():
    layers = nn.ModuleList([nn.Linear(2, 3), nn.BatchNorm1d(3)])
    layers.append(nn.Linear(3, 1))
    assert len(layers) == 3 and isinstance(layers[-1], nn.Linear)
    expected = torch.nn.ModuleList([torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3),
                                    torch.nn.Linear(3, 1)])
    assert set(layers.state_dict()) == set(expected.state_dict())
    expected.load_state_dict({k: torch.tensor(v) for k, v in layers.state_dict().items()})
