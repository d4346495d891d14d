"""Property-based testing helpers: hypothesis strategies and a gradient assertion.

>>> from hypothesis import given
>>> from autograd.testing import assert_gradients_close, expressions, values
>>> @given(values(), values(away_from_zero=True))
... def test_division(a, b):
...     assert_gradients_close(lambda x, y: x / y, [a, b])
>>> @given(expressions())
... def test_random_expressions(expr):
...     assert_gradients_close(expr.fn, expr.inputs)

Needs hypothesis (``pip install autograd-nn[testing]``).
"""

from .assertions import assert_gradients_close
from .domains import DOMAIN_MARGIN, KINK_MARGIN
from .expressions import Expression, Step, expressions, tensor_expressions
from .ops import ELEMENTWISE_OPS, TENSOR_OPS, VALUE_OPS, Op
from .profiles import load_profile, register_profiles, scaled
from .strategies import MARGIN, SAFE_RANGE, arrays, axes, broadcastable_shapes, shapes, values

__all__ = [
    "DOMAIN_MARGIN", "ELEMENTWISE_OPS", "Expression", "KINK_MARGIN", "MARGIN", "Op",
    "SAFE_RANGE", "Step", "TENSOR_OPS", "VALUE_OPS", "arrays", "assert_gradients_close", "axes",
    "broadcastable_shapes", "expressions", "load_profile", "register_profiles", "scaled",
    "shapes", "tensor_expressions", "values",
]
