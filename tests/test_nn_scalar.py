"""The scalar family (Neuron, Layer, MLP on Values) and the activations by name."""

import math
import time

import numpy as np
import pytest

import nn
from autograd import Tensor, Value
from nn import functional as F  # noqa: N812 - the PyTorch idiom

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: max(x, 0.0),
    "tanh": math.tanh,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "softplus": lambda x: math.log1p(math.exp(x)),
    "softsign": lambda x: x / (1 + abs(x)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_neuron_computes_activation_of_weighted_sum_plus_bias(name):
    neuron = nn.Neuron(3, activation=name, rng=np.random.default_rng(0))
    x = [0.5, -1.5, 2.0]
    z = sum(w.data * xi for w, xi in zip(neuron.w, x)) + neuron.b.data
    out = neuron(x)
    assert isinstance(out, Value)
    assert out.data == pytest.approx(ACTIVATIONS[name](z), rel=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_named_activations_agree_on_values_and_tensors(name):
    xs = np.array([-2.0, -0.3, 0.4, 3.0])
    fn = F.get_activation(name)
    tensor_out = fn(Tensor(xs)).data
    value_out = [v.data for v in fn([Value(x) for x in xs])]
    np.testing.assert_allclose(tensor_out, [ACTIVATIONS[name](x) for x in xs], rtol=1e-12)
    np.testing.assert_allclose(value_out, tensor_out, rtol=1e-12)


def test_softsign_gradient_is_one_over_one_plus_abs_squared():
    x = Value(-1.5)
    F.softsign(x).backward()
    assert x.grad == pytest.approx(1 / (1 + 1.5) ** 2)


def test_neuron_gradients_flow_to_weights_and_bias():
    neuron = nn.Neuron(2, activation="linear", init="ones", bias_init="zeros")
    out = neuron([Value(3.0), 4.0])
    out.backward()
    assert out.data == 7.0
    assert [w.grad for w in neuron.w] == [3.0, 4.0] and neuron.b.grad == 1.0


def test_layer_returns_a_list_or_a_single_value_when_nout_is_1():
    assert isinstance(nn.Layer(2, 1)([1.0, 2.0]), Value)
    out = nn.Layer(2, 3)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(nn.MLP(2, [3, 1])([1.0, 2.0]), Value)
    assert len(nn.MLP(2, [3, 2])([1.0, 2.0])) == 2


def test_mlp_uses_hidden_activation_then_output_activation():
    mlp = nn.MLP(2, [3, 3, 2], activation="relu", output_activation="sigmoid")
    assert [layer.neurons[0].activation for layer in mlp.layers] == ["relu", "relu", "sigmoid"]
    assert all(0 < v.data < 1 for v in mlp([0.3, -0.7]))


def test_wrong_input_counts_and_sizes_are_value_errors():
    with pytest.raises(ValueError, match="expected 3 inputs, got 2"):
        nn.Neuron(3)([1.0, 2.0])
    with pytest.raises(ValueError, match="nin must be a positive integer"):
        nn.Neuron(0)
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        nn.MLP(2, [2], activation="gelu")


def test_scalar_mlp_learns_xor():
    X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    y = [0.0, 1.0, 1.0, 0.0]
    model = nn.MLP(2, [4, 4, 1], rng=np.random.default_rng(0))
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    start = time.perf_counter()
    for _ in range(300):
        loss = F.mse_loss([model(x) for x in X], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.data < 0.01
    assert [round(model(x).data) for x in X] == [0, 1, 1, 0]
    assert time.perf_counter() - start < 10
