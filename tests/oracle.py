"""The machinery of tests/test_torch_oracle.py: input strategies and the comparison.

``compare(ours, theirs, arrays)`` runs our call and PyTorch's on the same float64
inputs: the same result (or both raise) to rtol 1e-9, the same gradients for a random
upstream gradient to rtol 1e-7, nan where PyTorch gives nan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor

INF, NAN = math.inf, math.nan

SPECIALS = (0.0, -0.0, 1.0, -1.0, 2.0, 0.5, INF, -INF, NAN)
# Magnitudes below 1e-100 are drawn as 0: |x|^p would underflow in both libraries, but
# not always at the same step.
ORDINARY = st.floats(-3, 3, allow_nan=False).map(lambda v: v if abs(v) > 1e-100 else 0.0)


def elements(specials: bool = True, finite_only: bool = False) -> st.SearchStrategy[float]:
    """Ordinary floats, ties (small integers) and, if asked, 0, +-inf and nan."""
    pool = [v for v in SPECIALS if not finite_only or math.isfinite(v)]
    return st.one_of(ORDINARY, st.sampled_from(pool if specials else [0.5, 1.0, -1.0, 2.0]))


def shapes(min_dims: int = 0, max_dims: int = 4, min_side: int = 0) -> Any:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=3)


def arrays_of(shape: Any, specials: bool = True, finite_only: bool = False) -> Any:
    return hnp.arrays(np.float64, shape, elements=elements(specials, finite_only))


def assert_close(ours: Any, theirs: Any, rtol: float, what: str) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != torch {theirs.shape}"
    if ours.dtype == bool or theirs.dtype == bool or ours.dtype.kind in "iu":
        np.testing.assert_array_equal(ours, theirs, err_msg=what)
        return
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-300, equal_nan=True,
                               err_msg=what)


def compare(ours_fn: Callable, torch_fn: Callable, arrays: list[np.ndarray],
            differentiable: bool = True, seed: int = 0) -> None:
    """Run both on ``arrays``; the same result (or both raise), the same gradients."""
    ours_in = [Tensor(a, requires_grad=differentiable) for a in arrays]
    theirs_in = [torch.tensor(a, dtype=torch.float64, requires_grad=differentiable)
                 for a in arrays]
    try:
        expected = torch_fn(*theirs_in)
    except (RuntimeError, IndexError, ValueError, TypeError) as error:
        with pytest.raises((ValueError, IndexError, TypeError, RuntimeError)):
            ours_fn(*ours_in)
        return error
    out = ours_fn(*ours_in)
    assert_close(out.data, expected.detach().numpy(), 1e-9, "forward")
    if not differentiable or not expected.requires_grad:
        assert not out.requires_grad
        return None
    upstream = np.random.default_rng(seed).uniform(-2, 2, size=out.shape)
    out.backward(upstream)
    grads = torch.autograd.grad(expected, theirs_in, torch.tensor(upstream),
                                allow_unused=True)
    for i, (mine, theirs) in enumerate(zip(ours_in, grads)):
        theirs = np.zeros(mine.shape) if theirs is None else theirs.numpy()
        mine = np.zeros(mine.shape) if mine.grad is None else mine.grad
        assert_close(mine, theirs, 1e-7, f"gradient of input {i}")
    return None


@dataclass(frozen=True)
class Row:
    name: str
    ours: Callable
    theirs: Callable
    specials: bool = True     # draw 0, +-inf, nan
    finite_only: bool = False  # draw 0 but no inf/nan



# --- axes and indices, and PyTorch calls that take them differently -------------

def draw_dim(data: Any, ndim: int) -> int:
    return data.draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


def indices(data: Any, shape: tuple[int, ...]) -> Any:
    """A basic, advanced (repeats included), bool or mixed index for ``shape``."""
    parts = []
    for n in shape[:data.draw(st.integers(1, len(shape)))]:
        kinds = ["slice", "mask"] + (["int", "array"] if n else [])
        kind = data.draw(st.sampled_from(kinds))
        if kind == "slice":
            start = data.draw(st.integers(-n - 1, n + 1))
            step = data.draw(st.sampled_from([1, 2]))
            parts.append(slice(start, None, step))
        elif kind == "int":
            parts.append(data.draw(st.integers(-n, n - 1)))
        elif kind == "mask":
            parts.append(np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                                  dtype=bool))
        else:
            parts.append(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4)))
    masks = [p for p in parts if isinstance(p, np.ndarray)]
    if len(masks) > 1 or (masks and any(isinstance(p, list) for p in parts)):
        parts = [slice(None) if isinstance(p, np.ndarray) else p for p in parts]
    arrays = [p for p in parts if isinstance(p, list)]
    if len(arrays) > 1:  # advanced indices broadcast together: give them one length
        length = min(len(p) for p in arrays)
        parts = [p[:length] if isinstance(p, list) else p for p in parts]
    return tuple(parts)


def torch_dims(axis: Any, ndim: int) -> Any:
    return tuple(range(ndim)) if axis is None else axis


def torch_extremum(along: Callable, whole: Callable, x: Any, axis: Any, keep: bool) -> Any:
    """torch.max() over everything (its gradient goes to the nan entries, as ours);
    torch.amax over axes (ties split, as ours; nan: see DIFFERENCES)."""
    if axis is None and x.numel():
        out = whole(x)
        return out.reshape((1,) * x.ndim) if keep else out
    return along(x, dim=torch_dims(axis, x.ndim), keepdim=keep)


def torch_prod(x: Any, axis: Any, keep: bool) -> Any:
    """torch.prod takes one dim: reduce the axes one after the other, keeping them."""
    ndim = x.ndim
    axes = range(ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = {a % max(ndim, 1) for a in axes} if ndim else set()
    for a in axes:
        x = torch.prod(x, dim=a, keepdim=True)
    if not ndim:
        return torch.prod(x)
    return x if keep else x.reshape([n for i, n in enumerate(x.shape) if i not in axes])


def reduced_axes(axis: Any, ndim: int) -> set[int]:
    if axis is None:
        return set(range(ndim))
    return {a % max(ndim, 1) for a in ((axis,) if isinstance(axis, int) else axis)}


def axes_for(data: Any, ndim: int) -> Any:
    """None, one axis (maybe negative) or a tuple of distinct axes."""
    if ndim == 0:
        return data.draw(st.sampled_from([None, 0, -1]))
    one = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
        lambda axes: tuple(a - ndim if i % 2 else a for i, a in enumerate(axes)))
    return data.draw(st.one_of(st.none(), one, several))
