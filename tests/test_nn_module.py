"""nn.Module: parameter discovery, modes, state dicts and files, and name scopes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor, Value, current_scope


def _graph_nodes(root):
    seen, stack = [], [root]
    ids = set()
    while stack:
        node = stack.pop()
        if id(node) in ids:
            continue
        ids.add(id(node))
        seen.append(node)
        stack.extend(node.parents)
    return seen


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = Value(2.0)
        self.pair = (Tensor(np.ones(3), requires_grad=True), Value(1.0))
        self.table = {"a": Tensor(np.zeros((2, 2)), requires_grad=True)}
        self.frozen = Tensor(np.ones(5))  # requires_grad=False: not a parameter
        self.inner = nn.Linear(3, 2, rng=np.random.default_rng(0))

    def forward(self, x):
        return self.inner(x) * self.scale.data


def test_nested_module_parameter_counts():
    assert nn.MLP(3, [4, 4, 1]).num_parameters() == (3 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1
    assert len(nn.MLP(3, [4, 4, 1]).parameters()) == 41
    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert seq.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2
    assert len(seq.parameters()) == 4


def test_parameters_are_found_in_attributes_tuples_dicts_and_submodules():
    names = [name for name, _ in Block().named_parameters()]
    assert names == ["scale", "pair.0", "pair.1", "table.a", "inner.weight", "inner.bias"]


def test_dotted_names_follow_lists_and_sequential_indices():
    mlp = nn.MLP(2, [3, 1])
    names = [name for name, _ in mlp.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b"]
    seq = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_a_shared_parameter_or_module_is_reported_once():
    shared = nn.Linear(2, 2)

    class Twice(nn.Module):
        def __init__(self):
            self.first = shared  # no super().__init__(): still works
            self.again = [shared]
            self.w = shared.weight

    assert len(Twice().parameters()) == 2
    # as PyTorch: a module's own parameters come before its children's
    assert [n for n, _ in Twice().named_parameters()] == ["w", "first.bias"]


def test_intermediate_nodes_are_not_parameters():
    class Cache(nn.Module):
        def __init__(self):
            self.w = Tensor(np.ones(2), requires_grad=True)
            self.last = self.w * 2.0  # a computed node, not a leaf
            self.v = Value(1.0) + 1.0

    assert [n for n, _ in Cache().named_parameters()] == ["w"]


def test_attribute_typo_raises_attribute_error_with_a_suggestion():
    layer = nn.Linear(2, 3)
    with pytest.raises(AttributeError, match="did you mean 'weight'"):
        layer.wieght  # noqa: B018
    assert not hasattr(layer, "no_such_thing")


def test_zero_grad_resets_tensor_grads_to_none_and_value_grads_to_zero():
    model = Block()
    model(Tensor(np.ones((1, 3)))).sum().backward()
    (model.scale * model.pair[1]).backward()
    assert model.inner.weight.grad is not None and model.scale.grad != 0.0
    model.zero_grad()
    assert model.inner.weight.grad is None and model.inner.bias.grad is None
    assert model.scale.grad == 0.0 and model.pair[1].grad == 0.0


def test_train_and_eval_switch_every_submodule_and_dropout():
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5, rng=np.random.default_rng(0)))
    x = Tensor(np.ones((8, 4)))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    np.testing.assert_array_equal(model(x).data, model[0](x).data)
    model.train()
    dropped = model(x).data
    assert np.any(dropped == 0.0)
    kept = dropped != 0
    np.testing.assert_allclose(dropped[kept], 2.0 * model[0](x).data[kept])


def test_state_dict_holds_copies_and_packs_the_scalar_family_per_tensor():
    neuron = nn.Neuron(2)
    state = neuron.state_dict()
    assert list(state) == ["weight", "bias"]
    assert state["weight"].shape == (2,) and state["bias"].shape == ()
    assert state["weight"].tolist() == [w.data for w in neuron.w]
    state["bias"][...] = 123.0
    assert neuron.b.data != 123.0
    mlp = nn.MLP(3, [4, 2])
    shapes = {k: v.shape for k, v in mlp.state_dict().items()}
    assert shapes == {"layers.0.weight": (4, 3), "layers.0.bias": (4,),
                      "layers.1.weight": (2, 4), "layers.1.bias": (2,)}
    assert mlp.state_dict()["layers.1.weight"][1, 2] == mlp.layers[1].neurons[1].w[2].data


def test_save_then_load_round_trips(tmp_path):
    nn.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2, dtype=np.float32))
    path = tmp_path / "model.npz"
    model.save(path)
    other = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2, dtype=np.float32))
    assert other.load(path) is other
    for (name, a), (_, b) in zip(model.named_parameters(), other.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)
        assert a.dtype == b.dtype
    fresh = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2, dtype=np.float32))
    fresh.load_state_dict(nn.load(path))
    np.testing.assert_array_equal(fresh[2].weight.data, model[2].weight.data)


def test_class_load_rebuilds_a_scalar_mlp_from_its_file(tmp_path):
    model = nn.MLP(2, [3, 1], activation="relu")
    nn.save(model, tmp_path / "mlp")  # exactly this name: no .npz added
    assert [p.name for p in tmp_path.iterdir()] == ["mlp"]
    loaded = nn.MLP.load(tmp_path / "mlp")
    assert isinstance(loaded, nn.MLP)
    assert loaded([0.5, -1.0]).data == model([0.5, -1.0]).data
    assert isinstance(nn.Module.load(tmp_path / "mlp"), nn.MLP)


def test_mismatched_load_raises_and_changes_nothing():
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    before = {k: v.copy() for k, v in model.state_dict().items()}
    state = model.state_dict()
    state["0.weight"] = state["0.weight"] + 1.0  # valid, would be loaded first
    state["1.weight"] = np.zeros((2, 3))  # wrong shape
    with pytest.raises(ValueError, match=r"'1\.weight' has shape \(2, 3\).*\(1, 3\)"):
        model.load_state_dict(state)
    missing = model.state_dict()
    del missing["1.bias"]
    with pytest.raises(ValueError, match=r"missing keys \['1\.bias'\]"):
        model.load_state_dict(missing)
    extra = dict(model.state_dict(), stray=np.zeros(1))
    with pytest.raises(ValueError, match="unexpected keys"):
        model.load_state_dict(extra)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_an_npz_holding_an_object_array_is_refused(tmp_path):
    model = nn.Linear(1, 1)
    path = tmp_path / "evil.npz"
    np.savez(path, weight=np.array([{"code": 1}], dtype=object), bias=np.zeros(1))
    with pytest.raises(ValueError, match="object array"):
        nn.load(path)
    with pytest.raises(ValueError, match="object array"):
        model.load(path)


def test_scalar_mlp_nodes_carry_their_module_scope_path():
    model = nn.MLP(2, [4, 4, 1])
    out = model([1.0, -2.0])
    scopes = {node.scope for node in _graph_nodes(out)}
    assert out.scope == "mlp.layers.2.neurons.0"
    assert {"mlp.layers.0.neurons.3", "mlp.layers.1.neurons.0"} <= scopes
    assert current_scope() == ""


def test_tensor_modules_scope_by_attribute_path_and_root_class_name():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append(current_scope())
            return x

    class Net(nn.Module):
        def __init__(self):
            self.body = nn.Sequential(nn.Linear(2, 2), Probe())

        def forward(self, x):
            return self.body(x)

    out = Net()(Tensor(np.ones((1, 2))))
    assert seen == ["net.body.1"]
    assert out.scope == "net.body.0"


def test_no_scope_leaks_after_an_exception_in_forward():
    class Broken(nn.Module):
        def forward(self, x):
            raise RuntimeError("boom")

    model = nn.Sequential(nn.Identity(), Broken())
    with pytest.raises(RuntimeError):
        model(1.0)
    assert current_scope() == ""


def test_modules_appended_to_a_list_later_get_names_and_scopes():
    class Grow(nn.Module):
        def __init__(self):
            self.blocks = []

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    model = Grow()
    model.blocks.append(nn.Linear(2, 2))
    assert [n for n, _ in model.named_parameters()] == ["blocks.0.weight", "blocks.0.bias"]
    assert model(Tensor(np.ones((1, 2)))).scope == "grow.blocks.0"


def test_repr_shows_the_tree():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    assert "(0): Linear(in_features=2, out_features=3, bias=True)" in text
    assert "(1): ReLU()" in text


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_state_dict_round_trip_reproduces_any_mlp(nin, sizes):
    model, other = nn.MLP(nin, sizes), nn.MLP(nin, sizes)
    other.load_state_dict(model.state_dict())
    x = [0.1 * (i + 1) for i in range(nin)]
    out, again = model(x), other(x)
    out, again = ([out], [again]) if isinstance(out, Value) else (out, again)
    assert [v.data for v in out] == [v.data for v in again]
