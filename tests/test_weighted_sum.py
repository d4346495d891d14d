"""autograd.weighted_sum (a neuron's w . x + b as one node) and the scalar family built on
it: against PyTorch in float64 on Values and on broadcasting Tensors (IEEE specials,
0-d and zero-size operands, operands used twice), against the chain of * and + it
replaces (the same numbers, to the last bit), its graph, drawing and explanation,
depth without recursion, and its argument errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracle import assert_close, compare, elements

import autograd
import nn
from autograd import Tensor, Value, no_grad, weighted_sum

torch = pytest.importorskip("torch")


def _chain(weights, inputs, bias):
    """w1*x1 + ... + wn*xn (+ b) with * and +, added in weighted_sum's order."""
    total = bias
    for w, x in zip(weights, inputs):
        total = w * x if total is None else total + w * x
    return total


def _torch_broadcast_first(weights, inputs, bias):
    """The chain on operands broadcast to the result's shape first, so each product's
    gradient is reduced to its operand's shape after the multiplication, as ours is.
    (The chain on the operands as given reduces the partial sums' gradients first: with
    an inf operand, sum(g) * inf and sum(g * inf) can differ, and an empty result's
    gradient becomes 0 * inf = nan instead of 0.)"""
    parts = weights + inputs + ([] if bias is None else [bias])
    spread = torch.broadcast_tensors(*parts)
    n = len(weights)
    return _chain(spread[:n], spread[n:2 * n], None if bias is None else spread[-1])


@st.composite
def operand_picks(draw):
    """Indices into a pool of leaves for n weights, n inputs and maybe a bias: a leaf
    may be used several times, so its gradient sums over its uses."""
    pool = draw(st.integers(1, 6))
    n = draw(st.integers(1, 5))
    index = st.integers(0, pool - 1)
    weights = draw(st.lists(index, min_size=n, max_size=n))
    inputs = draw(st.lists(index, min_size=n, max_size=n))
    bias = draw(st.none() | index)
    return pool, weights, inputs, bias


@given(picks=operand_picks(), data=st.data())
def test_on_values_it_matches_torch(picks, data):
    pool, w_at, x_at, b_at = picks
    numbers = data.draw(st.lists(elements(), min_size=pool, max_size=pool), label="leaves")
    ours = [Value(v) for v in numbers]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in numbers]

    def pick(leaves):
        return ([leaves[i] for i in w_at], [leaves[i] for i in x_at],
                None if b_at is None else leaves[b_at])

    out = weighted_sum(*pick(ours))
    expected = _chain(*pick(theirs))
    assert_close(out.data, expected.detach().numpy(), 1e-12, "forward")
    out.backward()
    expected.backward()
    for i, (mine, torch_leaf) in enumerate(zip(ours, theirs)):
        torch_grad = 0.0 if torch_leaf.grad is None else torch_leaf.grad.numpy()
        assert_close(mine.grad, torch_grad, 1e-12, f"grad of leaf {i}")


@given(n=st.integers(1, 3), with_bias=st.booleans(), data=st.data())
def test_on_tensors_it_broadcasts_as_torch(n, with_bias, data):
    count = 2 * n + with_bias
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=count, max_dims=3,
                                                         min_side=0, max_side=3),
                       label="shapes").input_shapes
    arrays = [data.draw(hnp.arrays(np.float64, shape, elements=elements()), label=f"x{i}")
              for i, shape in enumerate(shapes)]

    def split(operands):
        parts = list(operands)
        return parts[0:2 * n:2], parts[1:2 * n:2], parts[-1] if with_bias else None

    compare(lambda *t: weighted_sum(*split(t)), lambda *t: _torch_broadcast_first(*split(t)),
            arrays)


@given(seed=st.integers(0, 2**32 - 1), nin=st.integers(1, 6),
       activation=st.sampled_from(["linear", "relu", "tanh", "sigmoid", "softplus"]))
def test_a_neuron_gives_the_numbers_of_the_chain_it_replaces(seed, nin, activation):
    neuron = nn.Neuron(nin, activation=activation, rng=np.random.default_rng(seed))
    x = np.random.default_rng(seed + 1).normal(size=nin).tolist()
    out = neuron(x)
    act = nn.functional.get_activation(activation)
    chained = act(_chain(neuron.w, [Value(v) for v in x], neuron.b))
    assert out.data == chained.data  # same additions in the same order: bit for bit
    grads = []
    for y in (out, chained):
        neuron.zero_grad()
        y.backward()
        grads.append([p.grad for p in neuron.parameters()])
    assert grads[0] == grads[1]


def test_a_neuron_is_two_nodes_with_the_textbook_picture():
    neuron = nn.Neuron(3, activation="tanh", rng=np.random.default_rng(0))
    x = [Value(1.0, label="x0"), Value(-2.0, label="x1"), Value(0.5, label="x2")]
    out = neuron(x)
    (total,) = out.parents
    assert out.op == "tanh" and total.op == "w·x+b"
    assert total.parents == (neuron.w[0], x[0], neuron.w[1], x[1], neuron.w[2], x[2],
                             neuron.b)
    text = autograd.explain_backward(out)
    assert " = w0*x0 + w1*x1 + w2*x2 + b: " in text
    assert "/dw1 = x1 = -2, " in text and "/dx1 = w1 = " in text
    source = autograd.draw_graph(out).source
    assert '[label="w·x+b"]' in source
    assert 'headlabel="7"' in source  # operands are numbered: the order is w1, x1, ...


def test_an_mlp_records_a_tenth_of_the_nodes_of_the_chain():
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=np.random.default_rng(0))
    out = model([0.5, -1.0])
    nodes = autograd.graph.topological_order(out)
    ops = [node for node in nodes if node.parents]
    assert len(ops) == 16 * 2 + 16 * 2 + 1  # a sum and a relu per hidden neuron
    inputs = [node for node in nodes if not node.parents and node.data in (0.5, -1.0)]
    assert len(inputs) == 2  # a Layer turns numbers into Values once, for all neurons


def test_a_third_parent_slot_serves_custom_functions_too():
    class Product3(autograd.Function):
        @staticmethod
        def forward(ctx, a, b, c):
            ctx.save_for_backward(a, b, c)
            return a * b * c

        @staticmethod
        def backward(ctx, g):
            a, b, c = ctx.saved_tensors
            return g * b * c, g * a * c, g * a * b

    assert autograd.gradgradcheck(Product3.apply, [2.0, -3.0, 0.5])
    leaves = [Value(2.0), Value(-3.0), Value(0.5)]
    out = Product3.apply(*leaves)
    out.backward()
    assert [v.grad for v in leaves] == [-1.5, 1.0, -6.0]


def test_inside_no_grad_it_is_a_leaf():
    w, x, b = Value(2.0), Value(3.0), Value(1.0)
    with no_grad():
        out = weighted_sum([w, w], [x, x], b)
    assert out.data == 13.0 and out.parents == () and out.is_leaf


def test_a_deep_chain_backpropagates_without_recursion():
    depth = 30_000
    b, start = Value(0.5), Value(1.0)
    y = start
    for _ in range(depth):
        y = weighted_sum([y], [1.0], b)
    y.backward()
    assert start.grad == 1.0 and b.grad == depth and math.isclose(y.data, 1 + depth / 2)


def test_numbers_become_constants_and_bad_arguments_are_errors():
    w = [Value(2.0), Value(-1.0)]
    assert weighted_sum(w, [3, 4.0], 0.5).data == 2.5
    with pytest.raises(TypeError, match=r"weighted_sum: inputs must be a list or tuple, got int"):
        weighted_sum(w, 3)
    with pytest.raises(TypeError, match=r"weighted_sum: weights must be a list or tuple"):
        weighted_sum(np.ones(2), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"weighted_sum: .* got 2 weights and 1 inputs"):
        weighted_sum(w, [1.0])
    with pytest.raises(ValueError, match=r"got 0 weights and 0 inputs"):
        weighted_sum([], [])
    with pytest.raises(TypeError, match=r"weighted_sum: expected a number or a Value, got str"):
        weighted_sum(w, ["a", 1.0])
    with pytest.raises(TypeError, match=r"weighted_sum"):
        weighted_sum([Value(1.0)], [Tensor(1.0)])
    with pytest.raises(TypeError, match=r"Layer: inputs must be numbers or Values, got str"):
        nn.Layer(2, 3)(["a", 1.0])
