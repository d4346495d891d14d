"""PyTorch as the oracle: every Tensor op and every Value op, forward and gradient.

Each row of a table names an op, our call, PyTorch's call and how its inputs are
drawn. Inputs include 0-d and zero-size tensors, broadcasting up to 5-D, negative
axes, keepdim, repeated indices, ties and the IEEE specials (0, -0, +-inf, nan);
everything runs in float64 and must agree to rtol 1e-9 (forward) and 1e-7 (the
gradient, for a random upstream gradient), nan where PyTorch gives nan. Where either
library raises, the other must raise too. A new op is one new row.

Deliberate differences are listed in ``DIFFERENCES`` (each row there says why), and
the rows affected draw their inputs around them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
from autograd import Tensor, Value

torch = pytest.importorskip("torch")
from oracle import (  # noqa: E402 - needs torch
    Row,
    arrays_of,
    assert_close,
    axes_for,
    compare,
    draw_dim,
    elements,
    indices,
    reduced_axes,
    shapes,
    torch_dims,
    torch_extremum,
    torch_prod,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*degrees of freedom:UserWarning")
F = torch.nn.functional
INF, NAN = math.inf, math.nan

#: Where we deliberately give another answer than PyTorch: the op, and why.
DIFFERENCES = {
    "max/min over an axis": "ties split the gradient evenly (as torch.amax/amin); "
                            "torch.max(dim) gives all of it to one index",
    "max/min over an axis, of a slice holding nan": "the nan entries share the gradient "
                                                    "(as torch's max() of a whole tensor); "
                                                    "torch.amax(dim) gives the slice nan",
    "prod with both a zero and an inf": "the zero-free part of the gradient is y / x, "
                                        "inf / inf = nan; PyTorch multiplies exclusive "
                                        "products there",
    "setitem of a value that requires grad at a repeated position": "a ValueError: "
        "PyTorch writes one of the values (which one is unspecified) yet sends the "
        "gradient to all of them",
    "var/std of nan without degrees of freedom": "gradient nan; PyTorch gives inf "
        "there (and nan for a finite entry): neither means anything",
    "dtype of int/bool inputs": "every Tensor made from data is floating (float64)",
}

# --- elementwise ------------------------------------------------------------------

UNARY = [
    Row("neg", lambda x: -x, lambda x: -x),
    Row("exp", Tensor.exp, torch.exp),
    Row("expm1", Tensor.expm1, torch.expm1),
    Row("log", Tensor.log, torch.log),
    Row("log1p", Tensor.log1p, torch.log1p),
    Row("sqrt", Tensor.sqrt, torch.sqrt),
    Row("tanh", Tensor.tanh, torch.tanh),
    Row("sigmoid", Tensor.sigmoid, torch.sigmoid),
    Row("softplus", Tensor.softplus, F.softplus),
    Row("logsigmoid", Tensor.logsigmoid, F.logsigmoid),
    Row("sin", Tensor.sin, torch.sin),
    Row("cos", Tensor.cos, torch.cos),
    Row("tan", Tensor.tan, torch.tan),
    Row("relu", Tensor.relu, torch.relu),
    Row("abs", Tensor.abs, torch.abs),
    Row("erf", Tensor.erf, torch.erf),
    Row("sign", Tensor.sign, torch.sign),
    Row("leaky_relu", lambda x: x.leaky_relu(0.2), lambda x: F.leaky_relu(x, 0.2)),
    Row("elu", Tensor.elu, F.elu),
    Row("elu alpha", lambda x: x.elu(0.5), lambda x: F.elu(x, 0.5)),
    Row("silu", Tensor.silu, F.silu),
    Row("gelu", Tensor.gelu, F.gelu),
    Row("gelu tanh", lambda x: x.gelu("tanh"), lambda x: F.gelu(x, approximate="tanh")),
    Row("clamp", lambda x: x.clamp(-1, 1), lambda x: x.clamp(-1, 1)),
    Row("clamp min", lambda x: x.clamp(min=0.5), lambda x: x.clamp(min=0.5)),
    Row("clip max", lambda x: x.clip(max=0), lambda x: x.clip(max=0)),
    Row("clamp empty range", lambda x: x.clamp(1, -1), lambda x: x.clamp(1, -1)),
    Row("pow 2", lambda x: x ** 2, lambda x: x ** 2),
    Row("pow 3", lambda x: x ** 3, lambda x: x ** 3),
    Row("pow 0", lambda x: x ** 0, lambda x: x ** 0),
    Row("pow -1", lambda x: x ** -1, lambda x: x ** -1),
    Row("pow 0.5", lambda x: x ** 0.5, lambda x: x ** 0.5),
    Row("pow -1.5", lambda x: x ** -1.5, lambda x: x ** -1.5),
    Row("radd", lambda x: 2 + x, lambda x: 2 + x),
    Row("rsub", lambda x: 1 - x, lambda x: 1 - x),
    Row("rmul", lambda x: -0.5 * x, lambda x: -0.5 * x),
    Row("rdiv", lambda x: 2 / x, lambda x: 2 / x),
    Row("rpow", lambda x: 2 ** x, lambda x: 2 ** x),
    Row("rpow 0", lambda x: 0 ** x, lambda x: torch.tensor(0.0, dtype=torch.float64) ** x),
    Row("clone", Tensor.clone, torch.clone),
]


@pytest.mark.parametrize("row", UNARY, ids=lambda r: r.name)
@given(data=st.data())
def test_unary_ops_match_torch(row, data):
    x = data.draw(arrays_of(shapes(max_dims=3), row.specials, row.finite_only))
    compare(row.ours, row.theirs, [x])


BINARY = [
    Row("add", lambda a, b: a + b, lambda a, b: a + b),
    Row("sub", lambda a, b: a - b, lambda a, b: a - b),
    Row("mul", lambda a, b: a * b, lambda a, b: a * b),
    Row("div", lambda a, b: a / b, lambda a, b: a / b),
    Row("pow", lambda a, b: a ** b, lambda a, b: a ** b),
    Row("maximum", autograd.maximum, torch.maximum),
    Row("minimum", autograd.minimum, torch.minimum),
    Row("where", lambda a, b: autograd.where(a > b, a, b), lambda a, b: torch.where(a > b, a, b)),
]


@pytest.mark.parametrize("row", BINARY, ids=lambda r: r.name)
@given(data=st.data())
def test_binary_ops_match_torch_with_broadcasting(row, data):
    pair = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=5, max_side=3))
    a, b = (data.draw(arrays_of(shape, row.specials)) for shape in pair.input_shapes)
    compare(row.ours, row.theirs, [a, b])


COMPARISONS = [
    ("<", lambda a, b: a < b), ("<=", lambda a, b: a <= b), (">", lambda a, b: a > b),
    (">=", lambda a, b: a >= b), ("==", lambda a, b: a == b), ("!=", lambda a, b: a != b),
]


@pytest.mark.parametrize("symbol, op", COMPARISONS, ids=[c[0] for c in COMPARISONS])
@given(data=st.data())
def test_comparisons_match_torch_and_give_bool_tensors_without_graph(symbol, op, data):
    pair = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=5, max_side=3))
    a, b = (data.draw(arrays_of(shape)) for shape in pair.input_shapes)
    compare(op, op, [a, b])
    out = op(Tensor(a, requires_grad=True), b)
    assert out.dtype == bool and not out.requires_grad and out.parents == ()
    np.testing.assert_array_equal(out.data, op(torch.tensor(a), torch.tensor(b)).numpy())


@given(data=st.data())
def test_matmul_matches_torch_for_1d_2d_and_batched_operands(data):
    n, k, m = (data.draw(st.integers(0, 3)) for _ in range(3))
    batch = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3))
    left = data.draw(st.sampled_from([(k,), (n, k), batch.input_shapes[0] + (n, k)]))
    right = data.draw(st.sampled_from([(k,), (k, m), batch.input_shapes[1] + (k, m)]))
    a, b = data.draw(arrays_of(left, finite_only=True)), data.draw(arrays_of(right,
                                                                              finite_only=True))
    compare(lambda x, y: x @ y, torch.matmul, [a, b])


# --- reductions ---------------------------------------------------------------------

def _norm(p: float) -> Row:
    return Row(f"norm p={p}", lambda x, axis, keep: x.norm(p, dim=axis, keepdim=keep),
               lambda x, axis, keep: torch.linalg.vector_norm(x, p, dim=axis, keepdim=keep))


def _torch_var(correction: int, root: bool) -> Callable:
    def var(x: Any, axis: Any, keep: bool) -> Any:
        function = torch.std if root else torch.var
        return function(x, dim=axis, keepdim=keep, correction=correction)
    return var


REDUCTIONS = [
    Row("sum", lambda x, axis, keep: x.sum(dim=axis, keepdim=keep),
        lambda x, axis, keep: x.sum(dim=axis, keepdim=keep)),
    Row("mean", lambda x, axis, keep: x.mean(axis, keep),
        lambda x, axis, keep: x.mean(dim=axis, keepdim=keep)),
    Row("max", lambda x, axis, keep: x.max(axis, keepdims=keep), lambda x, axis, keep:
        torch_extremum(torch.amax, torch.max, x, axis, keep)),
    Row("min", lambda x, axis, keep: x.min(dim=axis, keepdim=keep), lambda x, axis, keep:
        torch_extremum(torch.amin, torch.min, x, axis, keep)),
    Row("prod", lambda x, axis, keep: x.prod(axis, keep), None, finite_only=True),
    Row("logsumexp", lambda x, axis, keep: x.logsumexp(dim=axis, keepdim=keep),
        lambda x, axis, keep: torch.logsumexp(x, dim=torch_dims(axis, x.ndim), keepdim=keep)),
    Row("var", lambda x, axis, keep: x.var(axis, keep), _torch_var(1, False)),
    Row("var correction 0", lambda x, axis, keep: x.var(axis, keep, correction=0),
        _torch_var(0, False)),
    Row("std", lambda x, axis, keep: x.std(dim=axis, keepdim=keep), _torch_var(1, True)),
    _norm(2), _norm(1), _norm(INF), _norm(-INF), _norm(0), _norm(3), _norm(1.5), _norm(0.5),
]


@pytest.mark.parametrize("row", REDUCTIONS, ids=lambda r: r.name)
@given(data=st.data())
def test_reductions_match_torch_over_any_axes(row, data):
    x = data.draw(arrays_of(shapes(max_dims=4), row.specials, row.finite_only))
    if row.name == "prod" and np.any(x == 0) and np.any(np.isinf(x)):
        x = np.where(np.isinf(x), 2.0, x)  # see DIFFERENCES
    axis, keep = axes_for(data, x.ndim), data.draw(st.booleans())
    if row.name in ("max", "min") and axis is not None:
        x = np.where(np.isnan(x), 1.0, x)  # see DIFFERENCES
    reduced = math.prod(x.shape[a] for a in reduced_axes(axis, x.ndim)) if x.ndim else 1
    if row.name.startswith(("var", "std")) and reduced <= 1:
        x = np.where(np.isnan(x), 1.0, x)  # see DIFFERENCES
    theirs = row.theirs or torch_prod
    compare(lambda t: row.ours(t, axis, keep), lambda t: theirs(t, axis, keep), [x])


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(data=st.data())
def test_argmax_and_argmin_match_torch_and_have_no_gradient(name, data):
    x = data.draw(arrays_of(shapes(max_dims=3), specials=False))
    axis = data.draw(st.none() if x.ndim == 0 else st.one_of(st.none(),
                                                            st.integers(-x.ndim, x.ndim - 1)))
    keep = data.draw(st.booleans())
    compare(lambda t: getattr(t, name)(dim=axis, keepdim=keep),
            lambda t: getattr(t, name)(dim=axis, keepdim=keep), [x])
    if x.size:
        assert getattr(Tensor(x, requires_grad=True), name)(axis).dtype == np.int64


ALONG_AXIS = [
    Row("softmax", lambda x, a: x.softmax(dim=a), lambda x, a: torch.softmax(x, dim=a)),
    Row("log_softmax", lambda x, a: x.log_softmax(a), lambda x, a: F.log_softmax(x, dim=a)),
    Row("cumsum", lambda x, a: x.cumsum(a), lambda x, a: torch.cumsum(x, dim=a)),
    Row("flip", lambda x, a: x.flip(a), lambda x, a: torch.flip(x, dims=(a,))),
]


@pytest.mark.parametrize("row", ALONG_AXIS, ids=lambda r: r.name)
@given(data=st.data())
def test_ops_along_one_axis_match_torch(row, data):
    x = data.draw(arrays_of(shapes(max_dims=4), row.specials))
    axis = data.draw(st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1))
    compare(lambda t: row.ours(t, axis), lambda t: row.theirs(t, axis), [x])


# --- shape ops and indexing -----------------------------------------------------------

SHAPE_OPS = [
    ("reshape -1", lambda data, x: ((lambda t: t.reshape(-1)),) * 2),
    ("view", lambda data, x: ((lambda t: t.view(*x.shape[::-1], 1)),) * 2),
    ("flatten", lambda data, x: ((lambda t: t.flatten()),) * 2),
    ("flatten from 1", lambda data, x: ((lambda t: t.flatten(min(1, x.ndim - 1))),) * 2),
    ("squeeze", lambda data, x: ((lambda t: t.squeeze()),) * 2),
    ("squeeze dim", lambda data, x: (lambda d: ((lambda t: t.squeeze(d)),) * 2)(
        draw_dim(data, x.ndim))),
    ("unsqueeze", lambda data, x: (lambda d: ((lambda t: t.unsqueeze(d)),) * 2)(
        data.draw(st.integers(-x.ndim - 1, x.ndim)))),
    ("transpose", lambda data, x: (lambda a, b: ((lambda t: t.transpose(a, b)),) * 2)(
        draw_dim(data, x.ndim), draw_dim(data, x.ndim))),
    ("permute", lambda data, x: (lambda p: ((lambda t: t.permute(tuple(p))),) * 2)(
        data.draw(st.permutations(range(x.ndim))))),
    ("T", lambda data, x: (lambda t: t.T, lambda t: t.permute(tuple(reversed(range(t.ndim)))))),
    ("expand", lambda data, x: ((lambda t: t.expand(2, *(-1 if n != 1 else 3
                                                          for n in x.shape))),) * 2),
]


@pytest.mark.parametrize("name, make", SHAPE_OPS, ids=[s[0] for s in SHAPE_OPS])
@given(data=st.data())
def test_shape_ops_match_torch(name, make, data):
    x = data.draw(arrays_of(shapes(max_dims=4)))
    ours, theirs = make(data, x)
    compare(ours, theirs, [x])


@given(data=st.data())
def test_indexing_matches_torch_including_mixed_int_and_array_indices(data):
    x = data.draw(arrays_of(shapes(min_dims=1, max_dims=4)))
    index = indices(data, x.shape)

    def torch_index(t: Any) -> Any:
        return t[tuple(torch.tensor(p) if isinstance(p, (list, np.ndarray)) else p
                       for p in index)]
    compare(lambda t: t[index], torch_index, [x])


@given(data=st.data())
def test_bool_mask_indexing_matches_torch(data):
    x = data.draw(arrays_of(shapes(min_dims=1, max_dims=3)))
    compare(lambda t: t[t > 0], lambda t: t[t > 0], [x])


@given(data=st.data())
def test_setitem_matches_torch_for_the_values_and_both_gradients(data):
    x = data.draw(arrays_of(shapes(min_dims=1, max_dims=3, min_side=1), finite_only=True))
    index = indices(data, x.shape)
    if any(isinstance(p, list) and len({i % n for i in p}) != len(p)
           for p, n in zip(index, x.shape)):  # see DIFFERENCES
        index = tuple(p[:1] if isinstance(p, list) else p for p in index)
    target = torch.empty(x.shape)[tuple(torch.tensor(p) if isinstance(p, (list, np.ndarray))
                                        else p for p in index)].shape
    value = data.draw(arrays_of(tuple(target)[data.draw(st.integers(0, len(target))):],
                                finite_only=True))

    def ours(t: Any, v: Any) -> Any:
        out = t * 1.0
        out[index] = v
        return out

    def theirs(t: Any, v: Any) -> Any:
        out = t * 1.0
        out[tuple(torch.tensor(p) if isinstance(p, (list, np.ndarray)) else p
                  for p in index)] = v
        return out
    compare(ours, theirs, [x, value])


@pytest.mark.parametrize("join", ["concatenate", "stack"])
@given(data=st.data())
def test_concatenate_and_stack_match_torch(join, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    count = data.draw(st.integers(1, 3))
    axis = data.draw(st.integers(-len(shape) - (join == "stack"), len(shape) - 1))
    parts = [data.draw(arrays_of(shape)) for _ in range(count)]
    ours = autograd.concatenate if join == "concatenate" else autograd.stack
    theirs = torch.cat if join == "concatenate" else torch.stack
    compare(lambda *ts: ours(list(ts), dim=axis), lambda *ts: theirs(ts, dim=axis), parts)


# --- Value against PyTorch scalars ---------------------------------------------------

VALUE_UNARY = [(r.name, r.ours, r.theirs) for r in UNARY if r.name not in ("clone",)]
VALUE_METHODS = {"exp": Value.exp, "expm1": Value.expm1, "log": Value.log,
                 "log1p": Value.log1p, "sqrt": Value.sqrt, "tanh": Value.tanh,
                 "sigmoid": Value.sigmoid, "softplus": Value.softplus,
                 "logsigmoid": Value.logsigmoid, "sin": Value.sin, "cos": Value.cos,
                 "tan": Value.tan, "relu": Value.relu, "abs": Value.abs, "erf": Value.erf,
                 "sign": Value.sign, "elu": Value.elu, "silu": Value.silu, "gelu": Value.gelu}


def _value_op(name: str, tensor_op: Callable) -> Callable:
    """The Value form of a Tensor row: the same method name, or the same lambda."""
    return VALUE_METHODS.get(name, tensor_op)


@pytest.mark.parametrize("name, ours, theirs", VALUE_UNARY, ids=[v[0] for v in VALUE_UNARY])
@given(x=elements())
def test_value_unary_ops_match_torch_scalars(name, ours, theirs, x):
    if name == "rpow 0":
        ours = lambda v: Value(0.0) ** v  # noqa: E731
    _compare_value(_value_op(name, ours), theirs, [x])


VALUE_BINARY = [(r.name, r.ours, r.theirs) for r in BINARY
                if r.name not in ("maximum", "minimum", "where")]


@pytest.mark.parametrize("name, ours, theirs", VALUE_BINARY, ids=[v[0] for v in VALUE_BINARY])
@given(a=elements(), b=elements())
def test_value_binary_ops_match_torch_scalars(name, ours, theirs, a, b):
    _compare_value(ours, theirs, [a, b])


def _compare_value(ours_fn: Callable, torch_fn: Callable, xs: list[float]) -> None:
    values = [Value(x) for x in xs]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    expected = torch_fn(*tensors)
    out = ours_fn(*values)
    assert_close(out.data, expected.item(), 1e-9, "forward")
    out.backward()
    grads = torch.autograd.grad(expected, tensors, allow_unused=True)
    for v, g in zip(values, grads):
        assert_close(v.grad, 0.0 if g is None else g.item(), 1e-7, "gradient")
