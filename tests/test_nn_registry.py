"""Module registries: parameters, buffers and children registered by assignment;
ModuleList; forward hooks; a tree walk that changes nothing; summary()."""

import numpy as np
import pytest

import nn
from autograd import Tensor, Value


class BatchStats(nn.Module):
    """The pattern the normalisation layers use: parameters and running-stat buffers."""

    def __init__(self, n):
        super().__init__()
        self.weight = Tensor(np.ones(n), requires_grad=True)
        self.bias = Tensor(np.zeros(n), requires_grad=True)
        self.register_buffer("running_mean", Tensor(np.zeros(n)))
        self.register_buffer("num_batches_tracked", Tensor(np.array(0.0)))

    def forward(self, x):
        return x * self.weight + self.bias


def test_assignment_fills_the_registries():
    layer = BatchStats(3)
    assert list(layer._parameters) == ["weight", "bias"]
    assert list(layer._buffers) == ["running_mean", "num_batches_tracked"]
    model = nn.Sequential(nn.Linear(3, 3), layer)
    assert list(model._modules) == ["0", "1"]
    assert [n for n, _ in model.named_buffers()] == ["1.running_mean", "1.num_batches_tracked"]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias",
                                        "1.running_mean", "1.num_batches_tracked"]
    layer.weight = None  # a registered parameter set to None stays registered, and is skipped
    assert "weight" in layer._parameters and [n for n, _ in layer.named_parameters()] == ["bias"]
    layer.bias = 3.0  # replaced by a plain value: no longer a parameter
    assert "bias" not in layer._parameters and layer.parameters() == []
    del layer.running_mean
    assert [n for n, _ in layer.named_buffers()] == ["num_batches_tracked"]


def test_buffers_load_and_a_failed_load_changes_no_buffer():
    model = nn.Sequential(BatchStats(2))
    state = model.state_dict()
    state["0.running_mean"] = np.array([1.0, 2.0])
    model.load_state_dict(state)
    np.testing.assert_array_equal(model[0].running_mean.data, [1.0, 2.0])
    state["0.running_mean"] = np.array([5.0, 5.0])
    state["0.weight"] = np.zeros(7)
    with pytest.raises(ValueError, match="0.weight"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model[0].running_mean.data, [1.0, 2.0])


def test_register_buffer_and_parameter_check_their_arguments():
    module = nn.Module()
    with pytest.raises(TypeError, match="must be a Tensor or None"):
        module.register_buffer("stats", np.zeros(2))
    with pytest.raises(ValueError, match="without '.'"):
        module.register_buffer("a.b", Tensor(np.zeros(2)))
    with pytest.raises(TypeError, match="leaf"):
        module.register_parameter("w", Tensor(np.zeros(2)))
    module.register_parameter("w", Tensor(np.zeros(2), requires_grad=True))
    assert [n for n, _ in module.named_parameters()] == ["w"]


def test_module_list_registers_indexes_and_names_its_items():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    model = Stack()
    model.blocks.append(nn.Linear(2, 2))
    model.blocks.extend([nn.Tanh()])
    assert len(model.blocks) == 4 and isinstance(model.blocks[-1], nn.Tanh)
    assert isinstance(model.blocks[1:3], nn.ModuleList) and len(model.blocks[1:3]) == 2
    assert [n for n, _ in model.named_parameters()][:2] == ["blocks.0.weight", "blocks.0.bias"]
    assert len(model.parameters()) == 6
    out = model(Tensor(np.ones((1, 2))))
    assert out.scope == "stack.blocks.3"
    with pytest.raises(IndexError, match="out of range"):
        model.blocks[4]
    with pytest.raises(TypeError, match="not a Module"):
        model.blocks.append(3)
    del model.blocks[0]
    assert len(model.parameters()) == 4 and list(model.blocks._modules) == ["0", "1", "2"]


def test_named_modules_changes_nothing_and_parameters_reads_the_registry(monkeypatch):
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 1)))
    before = {id(m): dict(vars(m)) for m in model.modules()}
    list(model.named_modules())
    assert before == {id(m): dict(vars(m)) for m in model.modules()}
    model.note = "plain attributes are never walked"
    monkeypatch.setattr(nn.module, "_walk", None)  # parameters() must not need the walk
    assert len(model.parameters()) == 4


def test_forward_hooks_see_and_may_replace_the_output():
    layer = nn.Linear(2, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append(out.shape))
    layer(Tensor(np.ones((3, 2))))
    handle.remove()
    layer(Tensor(np.ones((3, 2))))
    assert seen == [(3, 2)]
    layer.register_forward_hook(lambda m, args, out: out * 0.0)
    assert np.all(layer(Tensor(np.ones((1, 2)))).data == 0.0)


def test_train_takes_a_bool_and_mode_overrides_only_this_thread():
    model = nn.Sequential(nn.Dropout(0.5))
    with pytest.raises(TypeError, match="mode must be True or False"):
        model.train(1)
    with nn.module.mode(False):
        assert model[0].training is False
    assert model[0].training is True


def test_summary_lists_layers_shapes_and_counts_like_keras():
    lines = []
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), BatchStats(8))
    model.summary(input_shape=(4,), print_fn=lines.append)
    text = "\n".join(lines)
    assert all(len(line) <= 80 for line in lines)
    assert "0 (Linear)" in text and "(None, 8)" in text and "40" in text
    assert "Total params: 65" in text and "Trainable params: 56" in text
    assert "Non-trainable params: 9" in text
    nn.summary(nn.MLP(3, [4, 1]), print_fn=lines.append)
    assert "layers.0 (Layer)" in "\n".join(lines)
    with pytest.raises(ValueError, match="input_shape"):
        nn.summary(model, input_shape=(0,))


def test_scalar_mlp_parameters_are_values_and_state_is_per_layer():
    mlp = nn.MLP(2, [3, 1])
    assert all(isinstance(p, Value) for p in mlp.parameters()) and len(mlp.parameters()) == 13
    assert {k: v.shape for k, v in mlp.state_dict().items()} == {
        "layers.0.weight": (3, 2), "layers.0.bias": (3,), "layers.1.weight": (1, 3),
        "layers.1.bias": (1,)}
