"""The floor: the least a pure-Python scalar autograd engine can do per node.

A node has five slots — its number, its gradient, its two parents and an op code —
and nothing else: no label, no name scope, no backward closure, no ``no_grad``
switch, no checks of the input. Backward sorts the graph once (an explicit stack, so
any depth works) and then, for each node in reverse order, adds the node's gradient
times the local derivative straight into each parent's ``grad`` slot: no dict of
gradients, no call per rule. Intermediate gradients start at 0 when a node is made,
so, as in micrograd, call ``backward`` once per graph.

Only the ops a ReLU MLP with a hinge loss needs are here (add, multiply, relu, tanh),
and the MLP keeps its parameters in one flat list made at construction. This is not
a library: it is the yardstick ``benchmarks/bench_value.py`` measures the real engine
against (issue 15: "<= 1.3x the floor's time").
"""

from __future__ import annotations

import math
import random
from typing import Any

LEAF, ADD, MUL, RELU, TANH = range(5)


class Scalar:
    """A number, its gradient, the (up to) two numbers it was made from, and how."""

    __slots__ = ("data", "grad", "left", "right", "op")

    def __init__(self, data: float, left: Scalar | None = None,
                 right: Scalar | None = None, op: int = LEAF) -> None:
        self.data = data
        self.grad = 0.0
        self.left = left
        self.right = right
        self.op = op

    def __add__(self, other: Any) -> Scalar:
        if other.__class__ is not Scalar:
            other = Scalar(float(other))
        return Scalar(self.data + other.data, self, other, ADD)

    __radd__ = __add__

    def __mul__(self, other: Any) -> Scalar:
        if other.__class__ is not Scalar:
            other = Scalar(float(other))
        return Scalar(self.data * other.data, self, other, MUL)

    __rmul__ = __mul__

    def relu(self) -> Scalar:
        return Scalar(self.data if self.data > 0.0 else 0.0, self, None, RELU)

    def tanh(self) -> Scalar:
        return Scalar(math.tanh(self.data), self, None, TANH)

    def backward(self) -> None:
        """d self / d node into every node's ``grad`` (leaves accumulate)."""
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            op = node.op
            if op == LEAF:
                continue
            g = node.grad
            left = node.left
            if op == ADD:
                left.grad += g
                node.right.grad += g
            elif op == MUL:
                right = node.right
                left.grad += g * right.data
                right.grad += g * left.data
            elif op == RELU:
                if node.data > 0.0:
                    left.grad += g
            else:  # TANH: d tanh(x) / dx = 1 - tanh(x)^2
                left.grad += g * (1.0 - node.data * node.data)


def topological_order(root: Scalar) -> list[Scalar]:
    """Every node ``root`` depends on, each after its parents (iterative depth-first)."""
    order: list[Scalar] = []
    visited: set[Scalar] = set()
    stack: list[tuple[Scalar, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            left, right = node.left, node.right
            if left is not None and left not in visited:
                stack.append((left, False))
            if right is not None and right not in visited:
                stack.append((right, False))
    return order


class FloorMLP:
    """micrograd's MLP for Scalars (or another ``value`` class with + * relu): ReLU hidden
    layers, a linear output layer, one node per multiply and add."""

    def __init__(self, nin: int, nouts: list[int], seed: int = 1, value: type = Scalar) -> None:
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.layers = [[([value(rng.uniform(-1, 1)) for _ in range(sizes[i])], value(0.0))
                        for _ in range(sizes[i + 1])]
                       for i in range(len(nouts))]
        self._parameters = [p for layer in self.layers for w, b in layer for p in (*w, b)]

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            outs = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            x = outs if i == last else [out.relu() for out in outs]
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Any]:
        return self._parameters

    def zero_grad(self) -> None:
        for p in self._parameters:
            p.grad = 0.0
