"""gradcheck: passes correct gradients, and catches a wrong backward rule with a message
that shows, per input, the analytical and the numerical gradient."""

import numpy as np
import pytest
from hypothesis import given
from planted import planted

from autograd import GradcheckError, Tensor, Value, gradcheck
from autograd.gradcheck import analytical_jacobians, numerical_jacobians
from autograd.testing import arrays, values

#: x ** 2 with a wrong backward rule: 3x instead of 2x.
wrong_square = planted("BadSquare", lambda x: x ** 2, lambda x, g: g * 3 * x)
#: e^x whose backward forgets the chain rule's incoming gradient... and the e^x.
wrong_value_exp = planted("BadExp", lambda x: x.exp(), lambda x, g: Value(1.0))


@given(values(), values())
def test_gradcheck_passes_correct_value_functions(a, b):
    assert gradcheck(lambda x, y: (x * y).tanh() + x.sigmoid() * y, [a, b]) is True


@given(arrays((3, 2)))
def test_gradcheck_passes_correct_tensor_functions(w):
    X = np.arange(6.0).reshape(2, 3) / 6
    assert gradcheck(lambda W: (X @ W).sigmoid().sum(), [w])


def test_gradcheck_accepts_values_tensors_and_lists_as_inputs():
    assert gradcheck(lambda x: x * 2, [Value(1.0)])
    assert gradcheck(lambda x: x * 2, [Tensor([1.0, 2.0])])
    assert gradcheck(lambda x: x * 2, [[1.0, 2.0]])


def test_gradcheck_of_the_identity_and_of_a_constant():
    assert gradcheck(lambda x: x, [1.0])
    assert gradcheck(lambda x: x, [np.ones(3)])
    assert gradcheck(lambda x: Tensor([2.0]), [np.ones(3)])
    assert gradcheck(lambda x: Value(2.0), [1.0])


@given(arrays((3,), 0.5, 2.0))
def test_gradcheck_raises_on_a_wrong_tensor_rule(x):
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: wrong_square(t).sum(), [x])
    message = str(info.value)
    assert "input 0" in message and "analytical" in message and "numerical" in message
    assert "worst mismatch" in message


def test_gradcheck_message_shows_both_gradients_of_each_failing_input():
    x = np.array([1.0, 2.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: wrong_square(a).sum() + (b * 2).sum(), [x, x])
    message = str(info.value)
    assert "input 0" in message and "input 1" not in message
    assert "analytical 6 vs numerical 4" in message  # worst entry: 3*2 against 2*2


def test_gradcheck_raises_on_a_wrong_value_rule():
    with pytest.raises(GradcheckError, match="analytical 1 vs numerical 2.71828"):
        gradcheck(wrong_value_exp, [1.0])


def test_gradcheck_returns_false_instead_of_raising_when_asked():
    assert gradcheck(lambda t: wrong_square(t).sum(), [np.ones(2)], raise_exception=False) is False


def test_gradcheck_tolerance_follows_atol_and_rtol():
    slightly_wrong = planted("Almost", lambda x: 2 * x, lambda x, g: g * 2.01)
    assert not gradcheck(slightly_wrong, [1.0], raise_exception=False)
    assert gradcheck(slightly_wrong, [1.0], rtol=1e-2)


def test_gradcheck_checks_every_entry_of_a_non_scalar_output():
    wrong_in_one_entry = planted("BadEntry", lambda t: t * 1.0,
                                 lambda t, g: g * np.array([1.0, 1.0, 0.0]))

    with pytest.raises(GradcheckError, match=r"output entry 2, input entry \(2,\)"):
        gradcheck(wrong_in_one_entry, [np.ones(3)])


def test_gradcheck_rejects_bad_inputs_and_outputs():
    with pytest.raises(TypeError, match="inputs\\[0\\]"):
        gradcheck(lambda x: x, [object()])
    with pytest.raises(TypeError, match="Value or a Tensor"):
        gradcheck(lambda x: 3.0, [1.0])


def test_jacobians_have_one_row_per_output_and_one_column_per_input_entry():
    points = [np.array([1.0, 2.0, 3.0])]
    fn = lambda t: t[[0, 2]] * 2
    analytical, numerical = analytical_jacobians(fn, points), numerical_jacobians(fn, points, 1e-6)
    expected = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    np.testing.assert_allclose(analytical[0], expected)
    np.testing.assert_allclose(numerical[0], expected, atol=1e-8)
