"""A hypothesis state machine grows a random Value graph, runs backward from random
nodes, and checks every .grad against a tiny plain-float reference: forward-mode dual
numbers, written here independently of the engine.

It also checks the accumulation rule: leaves add up the gradients of every backward
call; an intermediate node holds the gradient of the latest backward that reached it.
"""

import math

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import autograd
from autograd import Value
from autograd.testing import scaled, values


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


# name: (apply to Values, reference forward on floats, partial derivatives, domain)
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0), None),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0), None),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a), None),
    "div": (lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1 / b, -a / b ** 2),
            lambda a, b: abs(b) > 0.1),
    "pow": (lambda a, b: a ** b, lambda a, b: a ** b,
            lambda a, b: (b * a ** (b - 1), a ** b * math.log(a)),
            lambda a, b: a > 0.1 and abs(b) <= 3),
}
UNARY = {
    "neg": (lambda a: -a, lambda a: -a, lambda a: -1.0, None),
    "exp": (lambda a: a.exp(), math.exp, math.exp, lambda a: a < 3),
    "log": (lambda a: a.log(), math.log, lambda a: 1 / a, lambda a: a > 0.1),
    "sqrt": (lambda a: a.sqrt(), math.sqrt, lambda a: 0.5 / math.sqrt(a), lambda a: a > 0.1),
    "tanh": (lambda a: a.tanh(), math.tanh, lambda a: 1 / math.cosh(a) ** 2, None),
    "sigmoid": (lambda a: a.sigmoid(), _sigmoid, lambda a: _sigmoid(a) * _sigmoid(-a), None),
    "softplus": (lambda a: a.softplus(), lambda a: math.log1p(math.exp(a)), _sigmoid, None),
    "relu": (lambda a: a.relu(), lambda a: max(a, 0.0), lambda a: float(a > 0),
             lambda a: abs(a) > 0.01),
    "leaky_relu": (lambda a: a.leaky_relu(0.1), lambda a: a if a > 0 else 0.1 * a,
                   lambda a: 1.0 if a > 0 else 0.1, lambda a: abs(a) > 0.01),
    "abs": (lambda a: a.abs(), abs, lambda a: math.copysign(1.0, a), lambda a: abs(a) > 0.01),
    "sin": (lambda a: a.sin(), math.sin, math.cos, None),
    "cos": (lambda a: a.cos(), math.cos, lambda a: -math.sin(a), None),
    "square": (lambda a: a ** 2, lambda a: a * a, lambda a: 2 * a, None),
    "two_times": (lambda a: 2 * a, lambda a: 2 * a, lambda a: 2.0, None),
    "one_minus": (lambda a: 1 - a, lambda a: 1 - a, lambda a: -1.0, None),
    "two_to_the": (lambda a: 2 ** a, lambda a: 2 ** a, lambda a: 2 ** a * math.log(2), None),
    "three_over": (lambda a: 3 / a, lambda a: 3 / a, lambda a: -3 / a ** 2,
                   lambda a: abs(a) > 0.1),
}
BOUND = 100.0
index = st.integers(0, 10 ** 6)  # taken modulo the number of nodes


class ValueGraphMachine(RuleBasedStateMachine):
    """The model: for node k, its op and parents, its reference value and expected .grad."""

    def __init__(self):
        super().__init__()
        self.nodes, self.ops, self.parents, self.values, self.expected = [], [], [], [], []
        self.backward_calls = 0

    def _add(self, node, op, parents, value):
        assert node.data == pytest.approx(value, rel=1e-12, abs=1e-12), op
        self.nodes.append(node)
        self.ops.append(op)
        self.parents.append(parents)
        self.values.append(value)
        self.expected.append(0.0)

    def _pick(self, i):
        return i % len(self.nodes)

    @initialize(xs=st.lists(values(), min_size=1, max_size=3))
    def create_the_first_leaves(self, xs):
        for x in xs:
            self.create_leaf(x)

    @rule(x=values())
    def create_leaf(self, x):
        self._add(Value(x), None, (), x)

    @rule(name=st.sampled_from(sorted(BINARY)), i=index, j=index)
    def combine_two_nodes(self, name, i, j):
        i, j = self._pick(i), self._pick(j)
        apply, forward, _, domain = BINARY[name]
        a, b = self.values[i], self.values[j]
        if (domain is None or domain(a, b)) and abs(forward(a, b)) <= BOUND:
            self._add(apply(self.nodes[i], self.nodes[j]), name, (i, j), forward(a, b))
        else:  # not differentiable or too large there: squash the first operand instead
            self._apply_unary("tanh", i)

    @rule(name=st.sampled_from(sorted(UNARY)), i=index)
    def apply_an_op_to_a_node(self, name, i):
        i = self._pick(i)
        _, forward, _, domain = UNARY[name]
        a = self.values[i]
        ok = (domain is None or domain(a)) and abs(forward(a)) <= BOUND
        self._apply_unary(name if ok else "tanh", i)

    def _apply_unary(self, name, i):
        apply, forward, _, _ = UNARY[name]
        self._add(apply(self.nodes[i]), name, (i,), forward(self.values[i]))

    def _ancestors(self, root):
        seen, stack = {root}, [root]
        while stack:
            for p in self.parents[stack.pop()]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return seen

    def _derivative(self, root, wrt):
        """d root / d node ``wrt`` by forward mode: seed wrt's tangent with 1, push it up."""
        tangent = [0.0] * (root + 1)
        for k in range(wrt, root + 1):
            if k == wrt:
                tangent[k] = 1.0
            elif self.ops[k] in BINARY:
                i, j = self.parents[k]
                da, db = BINARY[self.ops[k]][2](self.values[i], self.values[j])
                tangent[k] = da * tangent[i] + db * tangent[j]
            elif self.ops[k] in UNARY:
                (i,) = self.parents[k]
                tangent[k] = UNARY[self.ops[k]][2](self.values[i]) * tangent[i]
        return tangent[root]

    @rule(i=index)
    def backward_from_a_node(self, i):
        root = self._pick(i)
        self.nodes[root].backward()
        self.backward_calls += 1
        for k in self._ancestors(root):
            d = self._derivative(root, k)
            if self.ops[k] is None:
                self.expected[k] += d  # leaves accumulate
            else:
                self.expected[k] = d  # intermediates: this backward only

    @rule(i=index)
    def grad_returns_the_reference_and_leaves_grad_untouched(self, i):
        root = self._pick(i)
        leaves = sorted(k for k in self._ancestors(root) if self.ops[k] is None)
        got = autograd.grad(self.nodes[root], [self.nodes[k] for k in leaves])
        for k, g in zip(leaves, got):
            assert g == pytest.approx(self._derivative(root, k), rel=1e-9, abs=1e-12)

    @invariant()
    def every_grad_matches_the_reference(self):
        for k, node in enumerate(self.nodes):
            assert node.grad == pytest.approx(self.expected[k], rel=1e-9, abs=1e-12), (
                f"node {k} ({self.ops[k] or 'leaf'}) after {self.backward_calls} backward calls")


ValueGraphMachine.TestCase.settings = scaled(1)
test_value_graph_matches_the_dual_number_reference = ValueGraphMachine.TestCase
