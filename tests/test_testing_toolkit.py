"""autograd.testing: the strategies keep their promises, expressions respect the op
domains, assert_gradients_close diagnoses failures, profiles are selectable."""

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from planted import planted

from autograd import Tensor, Value
from autograd.graph import topological_order
from autograd.testing import (
    DOMAIN_MARGIN,
    KINK_MARGIN,
    TENSOR_OPS,
    VALUE_OPS,
    Expression,
    Step,
    arrays,
    assert_gradients_close,
    axes,
    broadcastable_shapes,
    expressions,
    load_profile,
    tensor_expressions,
    values,
)


@given(values())
def test_values_are_finite_floats_in_the_safe_range(x):
    assert isinstance(x, float) and np.isfinite(x) and -4.0 <= x <= 4.0


@given(values(positive=True), values(away_from_zero=True), values(away_from=[1.0], margin=0.1))
def test_values_respect_the_domain_options(p, nz, away):
    assert p >= 1e-2 and abs(nz) >= 1e-2 and abs(away - 1.0) >= 0.1 - 1e-12


@given(values(-1.0, 1.0, away_from=[1.0], margin=0.5))
def test_values_pushed_off_a_kink_stay_in_range(x):
    assert -1.0 <= x <= 0.5


def test_values_with_an_empty_domain_is_an_error():
    with pytest.raises(ValueError, match="empty domain"):
        values(-2.0, -1.0, positive=True).example()


@given(arrays((2, 3), positive=True))
def test_arrays_have_the_requested_shape_dtype_and_domain(x):
    assert x.shape == (2, 3) and x.dtype == np.float64 and np.all(x >= 1e-2)


@given(arrays(unique=True))
def test_unique_arrays_have_no_near_ties(x):
    flat = np.sort(x.reshape(-1))
    assert x.dtype == np.float64 and np.all(np.diff(flat) >= 2e-2 - 1e-12)


@given(st.integers(1, 4).flatmap(broadcastable_shapes))
def test_broadcastable_shapes_broadcast_together(shapes):
    np.broadcast_shapes(*shapes)
    assert all(isinstance(s, tuple) for s in shapes)


def test_broadcastable_shapes_include_the_interesting_cases():
    seen = set()

    @settings(max_examples=300, derandomize=True)
    @given(broadcastable_shapes(2))
    def collect(shapes):
        seen.add(shapes)

    collect()
    assert any(() in pair for pair in seen)                       # a scalar
    assert any(len(a) != len(b) for a, b in seen)                # different ranks
    assert any(1 in a and 1 not in b and len(a) == len(b) > 1 for a, b in seen)  # (3,1)+(1,4)


@given(st.integers(0, 3).flatmap(lambda n: st.tuples(st.just(n), axes(n))))
def test_axes_are_valid_for_the_rank(case):
    ndim, axis = case
    np.zeros((2,) * ndim).sum(axis=axis)


@given(expressions())
def test_expressions_come_with_inputs_and_a_readable_description(expr):
    out = expr.fn(*expr.leaves())
    assert isinstance(out, Value) and np.isfinite(out.data)
    assert len(expr.steps) >= 2 and all(isinstance(x, float) for x in expr.inputs)
    text = expr.describe()
    assert text.startswith("x0 = ") and f"t{len(expr.inputs) + len(expr.steps) - 1} =" in text
    assert text.splitlines()[-1].startswith("out = ")
    assert text in repr(expr).replace("\n  ", "\n")


def _assert_every_node_reaches_the_output(expr):
    """Every input and every step lies on a path to the output, so gradcheck sees its op."""
    nodes = expr.nodes(*expr.leaves())
    reachable = set(topological_order(nodes[-1]))
    names = [f"x{i}" for i in range(len(expr.inputs))]
    names += [f"t{len(names) + k}" for k in range(len(expr.steps))]
    dead = [name for name, node in zip(names, nodes) if node not in reachable]
    assert not dead, f"{dead} do not reach the output of\n{expr.describe()}"
    np.testing.assert_array_equal(expr.fn(*expr.leaves()).data, nodes[-1].data)


@given(expressions())
def test_every_step_and_input_of_an_expression_reaches_its_output(expr):
    _assert_every_node_reaches_the_output(expr)


@given(tensor_expressions())
def test_every_step_and_input_of_a_tensor_expression_reaches_its_output(expr):
    _assert_every_node_reaches_the_output(expr)


def test_the_output_adds_every_unused_node_and_the_description_shows_it():
    ops = {op.name: op for op in TENSOR_OPS}
    expr = Expression([0.5, 2.0], [Step(ops["neg"], (0,), None), Step(ops["exp"], (0,), None)])
    assert expr.sinks == [1, 2, 3]
    assert expr.describe().splitlines()[-1] == "out = t3 + x1 + t2"
    assert expr.fn(*expr.leaves()).data == pytest.approx(np.exp(0.5) + 2.0 - 0.5)

    texpr = Expression([np.ones((2, 3)), np.arange(3.0)],
                       [Step(ops["tanh"], (0,), None), Step(ops["transpose"], (2,), None)])
    assert texpr.describe().splitlines()[-1] == "out = t3 + x1.sum()"
    out = texpr.fn(*texpr.leaves())
    np.testing.assert_allclose(out.data, np.full((3, 2), np.tanh(1.0) + 3.0))


@given(expressions(max_ops=10))
def test_expression_steps_are_drawn_only_inside_their_domains(expr):
    nodes = expr.nodes(*expr.leaves())
    for k, step in enumerate(expr.steps):
        operands = [nodes[a].data for a in step.args]
        assert step.param in step.op.params(*operands)
        if step.op.name in ("log", "sqrt"):
            assert operands[0] > DOMAIN_MARGIN
        if step.op.name in ("relu", "abs", "leaky_relu"):
            assert abs(operands[0]) > KINK_MARGIN
        if step.op.name in ("div",):
            assert abs(operands[1]) > DOMAIN_MARGIN
        if step.op.name == "pow":
            assert operands[0] > DOMAIN_MARGIN
        assert abs(nodes[len(expr.inputs) + k].data) <= 100


def test_expressions_share_sub_expressions_and_reuse_inputs():
    shared = []

    @settings(max_examples=200, derandomize=True)
    @given(expressions())
    def collect(expr):
        used = [a for step in expr.steps for a in step.args]
        shared.append(len(used) != len(set(used)))

    collect()
    assert sum(shared) > 20


def test_every_op_of_the_tables_is_drawn():
    # Rare by construction: aligned shapes (gram, stack, matmul), near-ties (maximum),
    # a strict sub-shape (sum_to), 3-d (N, C, L) inputs with a long last axis (windows),
    # two or more spread entries in every reduced slice (var, std), three operands of
    # matching shapes (linear).
    rare = {"gram", "stack", "matmul", "maximum", "sum_to", "unfold", "fold", "max_pool1d",
            "var", "std", "linear"}
    wanted = {op.name for op in VALUE_OPS} | ({op.name for op in TENSOR_OPS} - rare)
    names = set()

    # Rounds of 300 fixed-seed examples until every op has been drawn: each op must
    # come up within 1,500 examples, however many rows the tables have.
    for round_seed in range(5):
        @seed(round_seed)
        @settings(max_examples=300, database=None)
        @given(expressions(), tensor_expressions())
        def collect(expr, texpr):
            names.update(expr.op_names + texpr.op_names)

        collect()
        if wanted <= names:
            break
    assert wanted - names == set()


@given(tensor_expressions())
def test_tensor_expressions_build_tensors_from_arrays(expr):
    out = expr.fn(*expr.leaves())
    assert isinstance(out, Tensor) and out.requires_grad == bool(out.parents)
    assert all(isinstance(x, np.ndarray) for x in expr.inputs)


def test_assert_gradients_close_passes_a_correct_gradient():
    assert_gradients_close(lambda x, y: (x * y).tanh(), [0.3, -1.2])


_wrong_cube = planted("BadCube", lambda t: t ** 3, lambda t, g: g * 2 * t ** 2)


def test_assertion_names_the_input_the_worst_element_and_both_values():
    x = np.array([[0.5, 1.0], [2.0, 1.5]])
    with pytest.raises(AssertionError) as info:
        assert_gradients_close(lambda a, b: a * 2 + _wrong_cube(b), [x, x])
    message = str(info.value)
    assert "input 1, shape (2, 2): worst mismatch at element (1, 0) (value 2.0)" in message
    assert "analytical (backward)        8\n" in message
    assert "numerical (central diff.)    12\n" in message
    assert "input 0" not in message


def test_assertion_hints_at_a_kink_of_relu_abs_or_max():
    # At 1e-9 central differences average relu's two slopes: 0.5 against backward's 1.
    with pytest.raises(AssertionError, match="hint: relu is evaluated near its kink"):
        assert_gradients_close(lambda v: v.relu(), [1e-9])
    with pytest.raises(AssertionError, match="hint: max is evaluated near its kink"):
        assert_gradients_close(lambda t: _wrong_cube(t.max()), [np.array([1.0, 1.0 + 1e-9])])


def test_assertion_hints_when_the_inputs_are_not_float64():
    x = np.array([1.0, 2.0], dtype=np.float32)
    with pytest.raises(AssertionError, match="input 0 is float32"):
        assert_gradients_close(lambda t: _wrong_cube(t).sum(), [x])


def test_assertion_hints_when_the_function_computes_in_float32():
    down = lambda t: Tensor(t.data.astype(np.float32), requires_grad=True) * 1.0
    with pytest.raises(AssertionError, match="fn computes in float32"):
        assert_gradients_close(down, [np.array([1.0, 2.0])])


def test_profiles_are_registered_and_selected_by_the_environment(monkeypatch):
    current = settings.default
    running_profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")  # before the test edits it
    try:
        for name in ("ci", "dev", "thorough"):
            monkeypatch.setenv("HYPOTHESIS_PROFILE", name)
            assert load_profile() == name
            assert settings.default.deadline is None
        assert settings.default.max_examples >= 1000
        monkeypatch.setenv("HYPOTHESIS_PROFILE", "nonsense")
        with pytest.raises(ValueError, match="ci"):
            load_profile()
        monkeypatch.delenv("HYPOTHESIS_PROFILE")
        assert load_profile() == "ci"
    finally:
        settings.load_profile(running_profile)
    assert settings.default.max_examples == current.max_examples


def test_importing_autograd_does_not_import_hypothesis():
    code = "import sys, autograd; print('hypothesis' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
