"""Value: every operation's gradient against central differences, forward values,
comparisons, input checking and the domain rule."""

import math
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.backends import scalar_math
from autograd.ops import elementwise as ew
from autograd.testing import assert_gradients_close, values

# name -> (function of Values, strategy for each argument)
UNARY = {
    "neg": (lambda a: -a, values()),
    "exp": (lambda a: a.exp(), values()),
    "log": (lambda a: a.log(), values(positive=True)),
    "tanh": (lambda a: a.tanh(), values()),
    "sigmoid": (lambda a: a.sigmoid(), values()),
    "relu": (lambda a: a.relu(), values(away_from_zero=True)),
    "leaky_relu": (lambda a: a.leaky_relu(), values(away_from_zero=True)),
    "leaky_relu_slope_0.2": (lambda a: a.leaky_relu(0.2), values(away_from_zero=True)),
    "softplus": (lambda a: a.softplus(), values()),
    "sin": (lambda a: a.sin(), values()),
    "cos": (lambda a: a.cos(), values()),
    "sqrt": (lambda a: a.sqrt(), values(positive=True)),
    "abs": (lambda a: a.abs(), values(away_from_zero=True)),
    "builtin_abs": (lambda a: abs(a), values(away_from_zero=True)),
    "square": (lambda a: a ** 2, values()),
    "cube": (lambda a: a ** 3, values()),
    "reciprocal_power": (lambda a: a ** -1, values(away_from_zero=True, margin=0.1)),
    "fractional_power": (lambda a: a ** 1.5, values(positive=True)),
    "number_plus_value": (lambda a: 2 + a, values()),
    "one_minus_value": (lambda a: 1 - a, values()),
    "number_times_value": (lambda a: 2 * a, values()),
    "number_over_value": (lambda a: 3 / a, values(away_from_zero=True, margin=0.1)),
    "number_to_the_value": (lambda a: 2 ** a, values()),
    "value_plus_number": (lambda a: a + 2.5, values()),
    "value_minus_number": (lambda a: a - 2.5, values()),
    "value_times_number": (lambda a: a * -1.5, values()),
    "value_over_number": (lambda a: a / 4, values()),
}

BINARY = {
    "add": (lambda a, b: a + b, values(), values()),
    "sub": (lambda a, b: a - b, values(), values()),
    "mul": (lambda a, b: a * b, values(), values()),
    "div": (lambda a, b: a / b, values(), values(away_from_zero=True, margin=0.1)),
    "pow": (lambda a, b: a ** b, values(positive=True, margin=0.1), values()),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_value_gradient_matches_central_difference(name, data):
    fn, strategy = UNARY[name]
    assert_gradients_close(fn, [data.draw(strategy, label="x")])


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_value_gradient_matches_central_difference(name, data):
    fn, left, right = BINARY[name]
    a, b = data.draw(left, label="a"), data.draw(right, label="b")
    assert_gradients_close(fn, [a, b])


@given(values(), values())
def test_value_combined_with_numbers_on_either_side_matches_central_difference(a, b):
    assert_gradients_close(lambda x, y: 2 * x - 1 / (1 + y * y) + x ** 2 * 0.5 - (3 - y), [a, b])


# Value writes + and * out by hand for speed; they must compute ew.ADD's and ew.MUL's
# formulas. symbol -> (the shared table's op, the Python operator)
HAND_WRITTEN = {"+": (ew.ADD, operator.add), "*": (ew.MUL, operator.mul)}


@pytest.mark.parametrize("symbol", sorted(HAND_WRITTEN))
@pytest.mark.parametrize("operands", ["value op value", "value op number", "number op value"])
@given(a=values(), b=values(), seed=values())
def test_hand_written_add_and_mul_agree_exactly_with_the_elementwise_table(symbol, operands,
                                                                           a, b, seed):
    op, apply = HAND_WRITTEN[symbol]
    left_kind, _, right_kind = operands.split()
    left = Value(a) if left_kind == "value" else a
    right = Value(b) if right_kind == "value" else b
    out = apply(left, right)  # a number on the left goes through __radd__ / __rmul__
    out.backward(seed)
    expected = op.forward(scalar_math, a, b)
    assert out.data == expected
    if isinstance(left, Value):
        assert left.grad == op.vjp[0](scalar_math, seed, a, b, expected)
    if isinstance(right, Value):
        assert right.grad == op.vjp[1](scalar_math, seed, a, b, expected)


@pytest.mark.parametrize(("name", "expected"), [
    ("exp", math.exp(0.5)), ("log", math.log(0.5)), ("tanh", math.tanh(0.5)),
    ("sigmoid", 1 / (1 + math.exp(-0.5))), ("relu", 0.5), ("leaky_relu", 0.5),
    ("softplus", math.log1p(math.exp(0.5))), ("sin", math.sin(0.5)), ("cos", math.cos(0.5)),
    ("sqrt", math.sqrt(0.5)), ("abs", 0.5),
])
def test_unary_value_forward_matches_math_module(name, expected):
    assert getattr(Value(0.5), name)().data == pytest.approx(expected, rel=1e-15)


def test_operators_compute_the_arithmetic_with_numbers_on_either_side():
    a = Value(3.0)
    results = [a + 1, 1 + a, a - 1, 1 - a, a * 2, 2 * a, a / 2, 6 / a, a ** 2, 2 ** a, -a]
    assert [r.data for r in results] == [4.0, 4.0, 2.0, -2.0, 6.0, 6.0, 1.5, 2.0, 9.0, 8.0, -3.0]


def test_leaky_relu_uses_its_slope_below_zero():
    assert Value(-2.0).leaky_relu().data == pytest.approx(-0.02)
    assert Value(-2.0).leaky_relu(0.3).data == pytest.approx(-0.6)


def test_readme_example_gradients():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a.tanh()
    c.backward()
    assert a.grad == pytest.approx(-3.0 + 1 - math.tanh(2.0) ** 2)
    assert b.grad == 2.0


def test_leaf_records_no_op_and_no_parents_while_results_record_both():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    assert (a.op, a.parents, a.grad, a.label) == ("", (), 0.0, "")
    assert c.op == "*" and c.parents == (a, b)


def test_parents_keep_the_order_of_the_operands():
    a, b = Value(1.0), Value(2.0)
    assert (b - a).parents == (b, a)
    assert (1 - a).parents[1] is a


@given(values(), values())
def test_comparisons_compare_data_and_return_bool(x, y):
    a, b = Value(x), Value(y)
    for result, expected in [(a < b, x < y), (a <= b, x <= y), (a > b, x > y), (a >= b, x >= y),
                             (a < y, x < y), (a >= 0, x >= 0)]:
        assert type(result) is bool and result == expected


@pytest.mark.parametrize("bad", ["x", None, [1.0], True, 1j])
def test_value_of_a_non_number_is_a_type_error_naming_the_value(bad):
    with pytest.raises(TypeError, match="Value"):
        Value(bad)


@pytest.mark.parametrize("op", [
    lambda a: a + "s", lambda a: "s" + a, lambda a: a * [1], lambda a: a ** "2",
    lambda a: a < "s", lambda a: a / None,
])
def test_combining_a_value_with_a_non_number_is_a_type_error(op):
    with pytest.raises(TypeError, match="expected a number or a Value"):
        op(Value(1.0))


def test_type_error_names_the_op_and_the_offending_value():
    with pytest.raises(TypeError, match=r"\+.*'s'"):
        Value(1) + "s"


@pytest.mark.parametrize(("compute", "check"), [
    (lambda: Value(-1.0).log(), math.isnan),
    (lambda: Value(0.0).log(), lambda y: y == -math.inf),
    (lambda: Value(-1.0).sqrt(), math.isnan),
    (lambda: Value(1000.0).exp(), lambda y: y == math.inf),
    (lambda: Value(-8.0) ** (1 / 3), math.isnan),
    (lambda: Value(-8.0) ** Value(0.5), math.isnan),
    (lambda: Value(1.0) / 0, lambda y: y == math.inf),
    (lambda: Value(0.0) ** -1, lambda y: y == math.inf),
    (lambda: Value(-2.0) ** 3, lambda y: y == -8.0),
])
def test_outside_its_domain_an_op_returns_the_ieee_value_instead_of_raising(compute, check):
    assert check(compute().data)


@pytest.mark.parametrize("x", [1000.0, -1000.0])
@pytest.mark.parametrize("op", ["sigmoid", "softplus", "tanh"])
def test_saturating_ops_stay_finite_with_finite_gradients_at_large_inputs(op, x):
    a = Value(x)
    y = getattr(a, op)()
    y.backward()
    assert math.isfinite(y.data) and math.isfinite(a.grad)


def test_sigmoid_and_softplus_saturate_to_their_limits():
    assert Value(1000.0).sigmoid().data == 1.0 and Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).softplus().data == 1000.0 and Value(-1000.0).softplus().data == 0.0


def test_abs_and_relu_have_zero_gradient_at_the_kink_as_pytorch():
    for op in ("abs", "relu"):
        a = Value(0.0)
        getattr(a, op)().backward()
        assert a.grad == 0.0


def test_backward_accepts_a_seed_gradient():
    a = Value(3.0)
    (a * a).backward(2.0)
    assert a.grad == 12.0


def test_repr_shows_data_grad_and_label():
    assert repr(Value(1.5, label="w")) == "Value(data=1.5, grad=0, label='w')"
