"""autograd.Function: custom ops for Value and Tensor, checked with gradcheck, and
differentiable again when backward is written with the library's ops."""

import numpy as np
import pytest
from hypothesis import given

from autograd import Function, Tensor, Value, grad, gradcheck, gradgradcheck
from autograd.testing import arrays, values


class SmoothAbs(Function):
    """sqrt(x^2 + 1): forward on raw data, backward with library ops."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x * x + 1.0).sqrt()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x / (x * x + 1.0).sqrt()


class ScaledProduct(Function):
    """a * b * scale, with a non-node argument."""

    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        assert ctx.needs_input_grad[2] is False
        return g * b * ctx.scale, g * a * ctx.scale, None


class WrongSquare(Function):
    """x^2 with a planted bug: backward says 3x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3.0 * x


@given(values())
def test_value_function_passes_gradcheck_and_gradgradcheck(x):
    assert gradcheck(SmoothAbs.apply, [x])
    assert gradgradcheck(SmoothAbs.apply, [x], atol=1e-4)


@given(arrays((2, 3)), arrays((2, 3)))
def test_tensor_function_with_a_constant_argument(a, b):
    assert gradcheck(lambda x, y: ScaledProduct.apply(x, y, 0.5).sum(), [a, b])
    assert gradgradcheck(lambda x: SmoothAbs.apply(x).sum(), [a], atol=1e-4)


def test_gradcheck_catches_a_wrong_backward():
    assert not gradcheck(WrongSquare.apply, [0.7], raise_exception=False)
    assert not gradcheck(lambda t: WrongSquare.apply(t).sum(), [np.ones(3)],
                         raise_exception=False)


def test_gradients_of_gradients_flow_through_a_function():
    x = Tensor([0.5, -2.0], requires_grad=True)
    (g,) = grad(SmoothAbs.apply(x).sum(), [x], create_graph=True)
    (h,) = grad(g.sum(), [x])
    np.testing.assert_allclose(h, (x.data ** 2 + 1) ** -1.5)


def test_forward_runs_without_recording_and_the_result_is_one_node():
    x = Tensor([1.0], requires_grad=True)
    y = SmoothAbs.apply(x)
    assert y.op == "SmoothAbs" and y.parents == (x,)
    assert SmoothAbs.apply(Tensor([1.0])).requires_grad is False


def test_a_backward_with_the_wrong_count_or_shape_is_a_clear_error():
    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class WrongShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum()

    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="TooMany.backward returned 2 gradient"):
        TooMany.apply(x).sum().backward()
    with pytest.raises(ValueError, match=r"WrongShape.backward: .* shape \(\), but the "
                                         r"argument has shape \(2,\)"):
        WrongShape.apply(x).sum().backward()

    class NotANode(Function):
        @staticmethod
        def forward(ctx, x):
            return 3.0

    with pytest.raises(TypeError, match="NotANode.forward must return a Value or Tensor"):
        NotANode.apply(Value(1.0))
