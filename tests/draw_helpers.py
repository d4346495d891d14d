"""What the drawing tests share: the tutorials' neuron, a chain of n nodes, and the
data nodes of a DOT source."""

from __future__ import annotations

import re

from autograd import Value


def neuron() -> tuple[Value, list[Value]]:
    """The tutorials' neuron: o = tanh(x1*w1 + x2*w2 + x3*w3 + b), after backward."""
    xs = [Value(v, label=f"x{i}") for i, v in enumerate([2.0, 0.0, -1.0], start=1)]
    ws = [Value(v, label=f"w{i}") for i, v in enumerate([-3.0, 1.0, 0.0], start=1)]
    b = Value(6.8813735870195432, label="b")
    n = sum((x * w for x, w in zip(xs, ws)), b)
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, [*ws, b]


def data_nodes(source: str) -> list[str]:
    return re.findall(r"^\s*(n\d+) \[", source, flags=re.MULTILINE)


def chain(n: int) -> Value:
    """A graph of exactly n nodes: x, then (n - 1) // 2 rounds of (* 0.5 constant)."""
    x = Value(0.5, label="x")
    for _ in range((n - 1) // 2):
        x = x * 0.999
    return x
