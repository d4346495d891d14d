"""A hypothesis state machine grows a random Value graph, runs backward from random
nodes, and checks every .grad against a tiny plain-float reference: forward-mode dual
numbers, written here independently of the engine.

It also checks the accumulation rule: leaves add up the gradients of every backward
call; an intermediate node holds the gradient of the latest backward that reached it.
"""


import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import autograd
from autograd import Value
from autograd.testing import VALUE_OPS, scaled, values

# The op-info table's Value rows with their independent reference derivatives:
# row.reference(*floats, param) -> (value, partials).
ROWS = {row.name: row for row in VALUE_OPS if row.reference is not None}
BINARY = sorted(name for name, row in ROWS.items() if row.arity == 2)
UNARY = sorted(name for name, row in ROWS.items() if row.arity == 1)
BOUND = 100.0
index = st.integers(0, 10 ** 6)  # taken modulo the number of nodes


class ValueGraphMachine(RuleBasedStateMachine):
    """The model: for node k, its op and parents, its reference value and expected .grad."""

    def __init__(self):
        super().__init__()
        self.nodes, self.ops, self.parents, self.values, self.expected = [], [], [], [], []
        self.backward_calls = 0

    def _add(self, node, op, parents, value):
        """Record ``node``; ``op`` is (row, param), None for a leaf."""
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

    def _try(self, name, operands, choice):
        """Apply row ``name`` to node indices ``operands`` if it is differentiable and tame
        there (a param picked by ``choice``); True when it was applied."""
        row = ROWS[name]
        data = [self.values[k] for k in operands]
        params = row.params(*data)
        if not params:
            return False
        param = params[choice % len(params)]
        value, _ = row.reference(*data, param)
        if not abs(value) <= BOUND:
            return False
        node = row.apply(*(self.nodes[k] for k in operands), param)
        self._add(node, (row, param), tuple(operands), value)
        return True

    @rule(name=st.sampled_from(BINARY), i=index, j=index, choice=index)
    def combine_two_nodes(self, name, i, j, choice):
        i, j = self._pick(i), self._pick(j)
        if not self._try(name, (i, j), choice):  # squash the first operand instead
            self._try("tanh", (i,), 0)

    @rule(name=st.sampled_from(UNARY), i=index, choice=index)
    def apply_an_op_to_a_node(self, name, i, choice):
        i = self._pick(i)
        if not self._try(name, (i,), choice):
            self._try("tanh", (i,), 0)

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
            elif self.ops[k] is not None:
                row, param = self.ops[k]
                operands = self.parents[k]
                _, partials = row.reference(*(self.values[p] for p in operands), param)
                tangent[k] = sum(d * tangent[p] for d, p in zip(partials, operands))
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
                f"node {k} ({self.ops[k][0].name if self.ops[k] else 'leaf'}) after "
                f"{self.backward_calls} backward calls")


ValueGraphMachine.TestCase.settings = scaled(1)
test_value_graph_matches_the_dual_number_reference = ValueGraphMachine.TestCase
