"""nn.interop: to_torch / from_torch round trips, and state dicts into plain torch."""

import numpy as np
import pytest

import nn
from autograd import Tensor

torch = pytest.importorskip("torch")


def _model(dtype=None):
    rng = np.random.default_rng(0)
    return nn.Sequential(nn.Linear(4, 8, rng=rng, dtype=dtype), nn.Tanh(),
                         nn.Linear(8, 8, rng=rng, dtype=dtype), nn.LeakyReLU(0.2),
                         nn.Dropout(0.3), nn.Linear(8, 3, bias=False, rng=rng, dtype=dtype),
                         nn.Softplus(beta=2.0), nn.Sequential(nn.Identity(), nn.Softmax(-1)))


X = np.random.default_rng(1).normal(size=(5, 4))


def test_to_torch_gives_the_same_outputs_and_from_torch_comes_back():
    model = _model().eval()
    module = nn.interop.to_torch(model)
    assert isinstance(module, torch.nn.Sequential) and not module.training
    with torch.no_grad():
        theirs = module(torch.tensor(X)).numpy()
    with nn.module.mode(False):
        ours = model(Tensor(X)).data
    np.testing.assert_allclose(theirs, ours, rtol=1e-12, atol=1e-12)
    back = nn.interop.from_torch(module)
    assert repr(back) == repr(model)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key], value)


def test_float32_models_stay_float32_both_ways():
    module = nn.interop.to_torch(_model(np.float32))
    assert module[0].weight.dtype == torch.float32
    assert nn.interop.from_torch(module)[0].weight.dtype == np.float32


def test_the_scalar_mlp_goes_to_a_torch_sequential():
    mlp = nn.MLP(4, [5, 2], activation="relu", rng=np.random.default_rng(2))
    module = nn.interop.to_torch(mlp)
    assert [type(m).__name__ for m in module] == ["Linear", "ReLU", "Linear"]
    with torch.no_grad():
        theirs = module(torch.tensor(X)).numpy()
    ours = np.array([[v.data for v in mlp(row)] for row in X.tolist()])
    np.testing.assert_allclose(theirs, ours, rtol=1e-12)


def test_a_saved_state_dict_loads_into_torch_with_the_documented_one_liner(tmp_path):
    model = _model()
    model.save(tmp_path / "model.npz")
    module = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.LeakyReLU(0.2),
        torch.nn.Dropout(0.3), torch.nn.Linear(8, 3, bias=False), torch.nn.Softplus(beta=2.0),
        torch.nn.Sequential(torch.nn.Identity(), torch.nn.Softmax(-1))).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in nn.load(tmp_path / "model.npz")
                            .items()})
    np.testing.assert_array_equal(module[2].weight.detach().numpy(), model[2].weight.data)


def test_unsupported_layers_are_clear_type_errors():
    class Custom(nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match="no PyTorch counterpart for Custom"):
        nn.interop.to_torch(nn.Sequential(Custom()))
    with pytest.raises(TypeError, match="no nn counterpart for torch GRU"):
        nn.interop.from_torch(torch.nn.Sequential(torch.nn.GRU(2, 2)))
    with pytest.raises(TypeError, match="expected a torch.nn.Module"):
        nn.interop.from_torch(_model())
