"""The Tensor family: Linear, Sequential, activation modules, Dropout, Flatten."""

import time

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, gradcheck


def test_linear_computes_x_times_weight_transposed_plus_bias():
    layer = nn.Linear(3, 2, rng=np.random.default_rng(0))
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    x = np.random.default_rng(1).normal(size=(5, 3))
    np.testing.assert_allclose(layer(Tensor(x)).data, x @ layer.weight.data.T + layer.bias.data)
    assert layer(x[0]).shape == (2,)
    assert nn.Linear(3, 2, bias=False).bias is None
    assert len(nn.Linear(3, 2, bias=False).parameters()) == 1


def test_linear_gradients_match_central_differences():
    x = np.random.default_rng(2).normal(size=(4, 3))
    layer = nn.Linear(3, 2, rng=np.random.default_rng(3))

    def f(W, b):
        layer.weight, layer.bias = W, b
        return layer(Tensor(x)).tanh()

    assert gradcheck(f, [layer.weight.data.copy(), layer.bias.data.copy()])


def test_linear_float32_keeps_float32_end_to_end():
    layer = nn.Linear(3, 2, dtype=np.float32)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    out = layer(np.ones((2, 3)))
    assert out.dtype == np.float32
    out.sum().backward()
    assert layer.weight.grad.dtype == np.float32


def test_linear_rejects_the_wrong_number_of_features():
    with pytest.raises(ValueError, match=r"Linear\(in_features=3\): input of shape \(2, 4\)"):
        nn.Linear(3, 2)(Tensor(np.ones((2, 4))))
    with pytest.raises(ValueError, match="out_features must be a positive integer"):
        nn.Linear(3, 0)


def test_linear_state_dict_maps_one_to_one_onto_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(4).normal(size=(5, 3))
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy())


def test_sequential_indexes_iterates_and_appends():
    seq = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
    assert len(seq) == 2 and isinstance(seq[1], nn.Tanh)
    seq.append(nn.Linear(3, 1))
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear"]
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    assert seq(np.ones((4, 2))).shape == (4, 1)


def test_sequential_runs_a_layer_replaced_or_deleted_after_a_call():
    seq = nn.Sequential(nn.Identity(), nn.ReLU())
    x = np.array([[-1.0, 2.0]])
    assert seq(x).data.tolist() == [[0.0, 2.0]]
    setattr(seq, "1", nn.Tanh())
    assert np.allclose(seq(x).data, np.tanh(x))
    delattr(seq, "1")
    with pytest.raises(AttributeError):
        seq(x)


ACTIVATION_MODULES = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.Tanh(), np.tanh),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.Softplus(), lambda x: np.log1p(np.exp(x))),
    (nn.Softplus(beta=2.0), lambda x: np.log1p(np.exp(2 * x)) / 2),
    (nn.Softsign(), lambda x: x / (1 + np.abs(x))),
    (nn.Identity(), lambda x: x),
    (nn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
    (nn.LogSoftmax(), lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True))),
]


@pytest.mark.parametrize(("module", "formula"), ACTIVATION_MODULES,
                         ids=[type(m).__name__ for m, _ in ACTIVATION_MODULES])
def test_activation_modules_match_their_formulas_on_tensors_and_values(module, formula):
    x = np.array([[-2.0, -0.5, 0.3, 1.7]])
    np.testing.assert_allclose(module(Tensor(x)).data, formula(x), rtol=1e-12)
    out = module([Value(v) for v in x[0]])
    np.testing.assert_allclose([v.data for v in out], formula(x)[0], rtol=1e-12)
    assert gradcheck(lambda t: module(t), [x + 0.01])


def test_dropout_zeroes_and_rescales_in_training_and_is_identity_in_eval():
    drop = nn.Dropout(0.25, rng=np.random.default_rng(5))
    x = Tensor(np.ones((200, 50)))
    out = drop(x).data
    assert set(np.unique(out)) == {0.0, 1 / 0.75}
    assert abs((out == 0).mean() - 0.25) < 0.01
    assert abs(out.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation
    drop.eval()
    assert drop(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert np.all(nn.Dropout(1.0)(x).data == 0)
    with pytest.raises(ValueError, match="p must be in"):
        nn.Dropout(1.5)


def test_dropout_is_reproducible_with_a_seed_and_passes_gradient_through_the_mask():
    a = nn.Dropout(0.5, rng=np.random.default_rng(6))(Tensor(np.ones(20))).data
    b = nn.Dropout(0.5, rng=np.random.default_rng(6))(Tensor(np.ones(20))).data
    np.testing.assert_array_equal(a, b)
    x = Tensor(np.ones(20), requires_grad=True)
    out = nn.Dropout(0.5, rng=np.random.default_rng(6))(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, out.data)


def test_flatten_keeps_the_batch_axis():
    assert nn.Flatten()(np.zeros((3, 28, 28))).shape == (3, 784)


def test_tensor_mlp_fits_sine():
    rng = np.random.default_rng(0)
    x = np.linspace(-3, 3, 200).reshape(-1, 1)
    y = np.sin(x)
    model = nn.Sequential(nn.Linear(1, 32, rng=rng), nn.Tanh(), nn.Linear(32, 32, rng=rng),
                          nn.Tanh(), nn.Linear(32, 1, rng=rng))
    opt = nn.optim.Adam(model.parameters(), lr=0.01)
    start = time.perf_counter()
    for _ in range(1000):
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.01
    assert time.perf_counter() - start < 10
