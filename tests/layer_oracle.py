"""Run one of our layers beside the PyTorch layer it mirrors and compare everything.

Shared by the layer tests (test_nn_conv.py, test_nn_norm.py): float64, forward values
to 1e-9, the input's gradient and every parameter's gradient to 1e-7.
"""

from __future__ import annotations

import numpy as np
import torch

from autograd import Tensor

FORWARD, GRADIENT = dict(rtol=1e-9, atol=1e-9), dict(rtol=1e-7, atol=1e-7)


def load_into_torch(ours, theirs):
    """Load our state dict into the PyTorch layer unchanged (a plain load); return it."""
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    return theirs


def compare_step(ours, theirs, x, seed=0):
    """One forward and backward of both on ``x``, with the same random output gradient:
    the outputs, x's gradients and every parameter's gradient must agree. The parameter
    gradients are reset afterwards, so steps can follow."""
    X, TX = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = ours(X), theirs(TX)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **FORWARD)
    g = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(g)
    expected.backward(torch.tensor(g))
    np.testing.assert_allclose(X.grad, TX.grad.numpy(), **GRADIENT)
    torch_params = dict(theirs.named_parameters())
    assert set(torch_params) == {name for name, _ in ours.named_parameters()}
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad, torch_params[name].grad.numpy(), **GRADIENT)
        p.grad = torch_params[name].grad = None
