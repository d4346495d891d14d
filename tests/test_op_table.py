"""Every op of the engine, through the op-info table: covered by a row, its first and
second derivatives against central differences, and its reference derivative.

Adding an op to the engine without a row here fails ``test_every_engine_op_has_a_row``;
adding a row gets all the checks below for free.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import Tensor, Value, gradgradcheck
from autograd.ops import ALL_OPS
from autograd.testing import (
    TENSOR_OPS,
    VALUE_OPS,
    arrays,
    assert_gradients_close,
    broadcastable_shapes,
    scaled,
    shapes,
    values,
)

# Second derivatives are central differences of first derivatives: a little looser.
SECOND = {"atol": 1e-4, "rtol": 1e-3}


def test_every_engine_op_has_a_row():
    covered = {name for row in TENSOR_OPS for name in row.covers}
    assert set(ALL_OPS) - covered == set()
    assert covered - set(ALL_OPS) == set(), "a row names an op the engine does not have"


def _ids(rows):
    return [row.name for row in rows]


def _pick_param(data, row, operands):
    options = row.params(*operands)
    assume(len(options) > 0)
    return data.draw(st.sampled_from(options), label="param")


@pytest.mark.parametrize("row", VALUE_OPS, ids=_ids(VALUE_OPS))
@given(data=st.data())
def test_value_op_first_and_second_derivatives(row, data):
    operands = [data.draw(values(**row.operand_domain(i)), label=f"x{i}")
                for i in range(row.arity)]
    param = _pick_param(data, row, operands)
    fn = lambda *xs: row.apply(*xs, param)
    assert_gradients_close(fn, operands)
    assert gradgradcheck(fn, operands, **SECOND)


@pytest.mark.parametrize("row", [r for r in VALUE_OPS if r.reference is not None],
                         ids=_ids([r for r in VALUE_OPS if r.reference is not None]))
@given(data=st.data())
def test_value_op_matches_its_reference_derivative(row, data):
    operands = [data.draw(values(**row.operand_domain(i)), label=f"x{i}")
                for i in range(row.arity)]
    param = _pick_param(data, row, operands)
    leaves = [Value(x) for x in operands]
    out = row.apply(*leaves, param)
    out.backward()
    value, partials = row.reference(*operands, param)
    assert out.data == pytest.approx(value, rel=1e-12, abs=1e-12)
    for leaf, partial in zip(leaves, partials):
        assert leaf.grad == pytest.approx(partial, rel=1e-9, abs=1e-12)


@st.composite
def tensor_operands(draw, row):
    """Operands for a Tensor row: in its domain, with shapes the op accepts."""
    if row.name in ("matmul",):
        n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
        batch = draw(st.sampled_from([(), (2,)]))
        left = draw(st.sampled_from([(k,), (*batch, n, k)]))
        right = draw(st.sampled_from([(k,), (k, m)] + ([(*batch, k, m)] if batch else [])))
        shapes_ = (left, right)
    elif row.name == "linear":  # x (..., in), W (out, in), b (out,)
        n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        batch = draw(st.sampled_from([(), (0,), (2,), (2, 3)]))
        shapes_ = ((*batch, n_in), (n_out, n_in), (n_out,))
    elif row.name in ("concatenate", "stack"):
        shape = draw(shapes(min_dims=1))
        other = list(shape)
        if row.name == "concatenate":
            other[0] = draw(st.integers(1, 3))
        shapes_ = (shape, tuple(other))
    elif row.name in ("pad", "unfold", "fold", "max_pool1d"):  # windows of (N, C, L)
        shapes_ = ((draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(2, 5))),)
        if row.name == "max_pool1d":
            return [draw(arrays(shapes_[0], unique=True), label="x0")]
    elif row.arity >= 2:
        shapes_ = draw(broadcastable_shapes(row.arity))
    else:
        shapes_ = (draw(shapes()),)
    return [draw(arrays(shape, **row.operand_domain(i)), label=f"x{i}")
            for i, shape in enumerate(shapes_)]


@pytest.mark.parametrize("row", TENSOR_OPS, ids=_ids(TENSOR_OPS))
@given(data=st.data())
@scaled(0.6)
def test_tensor_op_first_and_second_derivatives(row, data):
    operands = data.draw(tensor_operands(row), label="operands")
    param = _pick_param(data, row, operands)
    with autograd.no_grad():
        out = row.apply(*[Tensor(x) for x in operands], param)
    assume(np.all(np.isfinite(out.data)) and np.max(np.abs(out.data), initial=0) < 1e3)
    weights = np.linspace(-1.0, 1.5, out.data.size).reshape(out.shape)
    fn = lambda *xs: (row.apply(*xs, param) * weights).sum()
    assert_gradients_close(fn, operands)
    assert gradgradcheck(fn, operands, **SECOND)


# --- third derivatives against closed forms --------------------------------------------

def _tanh3(x):
    t = math.tanh(x)
    return (1 - t * t) * (6 * t * t - 2)


THIRD = {
    "exp": (lambda v: v.exp(), math.exp),
    "sin": (lambda v: v.sin(), lambda x: -math.cos(x)),
    "x**4": (lambda v: v ** 4, lambda x: 24 * x),
    "log": (lambda v: v.log(), lambda x: 2 / x ** 3),
    "tanh": (lambda v: v.tanh(), _tanh3),
    "x*exp(x)": (lambda v: v * v.exp(), lambda x: (x + 3) * math.exp(x)),
}


@pytest.mark.parametrize("name", sorted(THIRD))
@given(x=values(positive=True))
def test_third_derivatives_match_closed_forms(name, x):
    fn, third = THIRD[name]
    for leaf in (Value(x), Tensor(x, requires_grad=True)):
        (d1,) = autograd.grad(fn(leaf), [leaf], create_graph=True)
        (d2,) = autograd.grad(d1, [leaf], create_graph=True)
        (d3,) = autograd.grad(d2, [leaf])
        assert float(d3) == pytest.approx(third(x), rel=1e-9, abs=1e-9)
