import numpy as np

from autograd import Tensor, Value


def test_value_chain_rule_on_the_readme_example():
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a.tanh()
    c.backward()
    assert np.isclose(a.grad, -3.0 + (1 - np.tanh(2.0) ** 2))
    assert b.grad == 2.0


def test_tensor_matmul_relu_sum_gradient():
    W = Tensor(np.arange(12.0).reshape(3, 4) - 5, requires_grad=True)
    x = Tensor([[1.0, 2.0, 3.0]])
    (x @ W).relu().sum().backward()
    expected = np.tile(x.data.T, (1, 4)) * ((x.data @ W.data) > 0)
    np.testing.assert_allclose(W.grad, expected)
