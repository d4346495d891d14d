"""PyTorch as the oracle at the edges the first version got wrong (0-d and empty
tensors, nan, inf, zeros in products and powers): the same answers, forward and gradient,
in float64. The tables of every op are in ``test_torch_oracle.py``."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Tensor

torch = pytest.importorskip("torch")
from oracle import compare  # noqa: E402 - needs torch

pytestmark = pytest.mark.filterwarnings("ignore:.*degrees of freedom:UserWarning")
INF, NAN = math.inf, math.nan


# --- the behaviours the issue listed --------------------------------------------------

EDGE_CASES = [
    ("x ** 0 at 0", lambda t: t ** 0, [np.array([0.0, 2.0])]),
    ("0 ** x for x < 0", lambda t: torch.tensor(0.0, dtype=torch.float64) ** t
     if isinstance(t, torch.Tensor) else Tensor(0.0) ** t, [np.array([-1.0, 0.0, 2.0])]),
    ("relu with inf upstream", None, None),
    ("maximum(nan, 1)", lambda t: (torch.maximum if isinstance(t, torch.Tensor)
                                   else autograd.maximum)(t, t * 0 + 1), [np.array([NAN])]),
    ("max with one nan", lambda t: t.max(), [np.array([1.0, NAN, 3.0])]),
    ("logsumexp([inf])", lambda t: t.logsumexp(0), [np.array([INF])]),
    ("sum(0) of 0-d", lambda t: t.sum(0), [np.array(2.0)]),
    ("sum(-1) of 0-d", lambda t: t.sum(-1), [np.array(2.0)]),
    ("mean(0) of 0-d", lambda t: t.mean(0), [np.array(2.0)]),
    ("softmax of 0-d", lambda t: t.softmax(0) if isinstance(t, torch.Tensor) else t.softmax(),
     [np.array(2.0)]),
    ("softmax of empty", lambda t: t.softmax(-1), [np.zeros((2, 0))]),
    ("log_softmax of empty", lambda t: t.log_softmax(0), [np.zeros((0, 3))]),
    ("logsumexp of empty", lambda t: t.logsumexp(1), [np.zeros((2, 0))]),
    ("max(axis=0) of (2, 0)", lambda t: t.amax(0) if isinstance(t, torch.Tensor)
     else t.max(0), [np.zeros((2, 0))]),
    ("max(axis=1) of (2, 0)", lambda t: t.amax(1) if isinstance(t, torch.Tensor)
     else t.max(1), [np.zeros((2, 0))]),
    ("mean over an empty axis", lambda t: t.mean(1), [np.zeros((2, 0))]),
    ("std of one element", lambda t: t.std(), [np.array([3.0])]),
    ("std of equal entries", lambda t: t.std(), [np.array([3.0, 3.0, 3.0])]),
    ("norm of zeros", lambda t: t.norm(), [np.zeros(3)]),
    ("prod with one zero", lambda t: t.prod(), [np.array([2.0, 0.0, 3.0])]),
    ("prod with two zeros", lambda t: t.prod(), [np.array([0.0, 0.0, 3.0])]),
    ("clamp at the bounds", lambda t: t.clamp(-1.0, 1.0), [np.array([-1.0, 1.0, 0.0, NAN])]),
]


@pytest.mark.parametrize("name, op, arrays", [e for e in EDGE_CASES if e[1]],
                         ids=[e[0] for e in EDGE_CASES if e[1]])
def test_the_edge_cases_of_the_issue_give_pytorchs_answer(name, op, arrays):
    compare(op, op, arrays)


def test_relu_with_inf_or_nan_upstream_passes_nothing_through_an_inactive_unit():
    x = Tensor([-1.0, 2.0], requires_grad=True)
    x.relu().backward(np.array([INF, NAN]))
    t = torch.tensor([-1.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.relu(t).backward(torch.tensor([INF, NAN], dtype=torch.float64))
    np.testing.assert_array_equal(x.grad, t.grad.numpy())
