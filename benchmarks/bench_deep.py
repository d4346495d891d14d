"""A chain of 1,000,000 scalar operations, forward and backward: time and bytes per node.

``y = y.relu()`` a million times from y = 0.5 (so every node passes its gradient on):
each node has one parent and the graph is a million levels deep. Ours and the floor
(``floor_engine.py``) take turns; micrograd's recursive topological sort cannot get
through such a graph, which the row's note reports (tried at depth 10,000).

Memory is measured with tracemalloc, in a run of its own (tracing slows Python down):

- graph: the bytes still allocated after the forward pass, while the graph is alive,
  divided by the number of nodes — what a node costs (the goal);
- peak: the most allocated at once during forward + backward, per node — the graph
  plus backward's own bookkeeping (sorted order, visited set, gradients).
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from typing import Any

from common import MISSING, Goal, GoalRow, Sizes, interleaved, try_import
from floor_engine import Scalar

MICROGRAD_DEPTH = 10_000


def chain(value: type, depth: int) -> tuple[Any, Any]:
    x = value(0.5)
    y = x
    for _ in range(depth):
        y = y.relu()
    return x, y


def forward_backward(value: type, depth: int) -> Any:
    x, y = chain(value, depth)
    y.backward()
    if x.grad != 1.0:
        raise AssertionError(f"{value.__name__} chain: d y / d x = {x.grad}, expected 1")
    return x


def bytes_per_node(value: type, depth: int) -> tuple[float, float]:
    """(graph bytes, peak bytes during forward + backward) per node, by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        x, y = chain(value, depth)
        graph = tracemalloc.get_traced_memory()[0] - before
        y.backward()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return graph / depth, peak / depth


def micrograd_note() -> str:
    micrograd = try_import("micrograd.engine")
    if micrograd is None:
        return "micrograd " + MISSING
    limit = sys.getrecursionlimit()
    try:
        forward_backward(micrograd.Value, MICROGRAD_DEPTH)
    except RecursionError:
        return (f"micrograd fails at depth {MICROGRAD_DEPTH:,} (recursion limit {limit}): "
                "RecursionError in its recursive topological sort")
    return f"micrograd completes depth {MICROGRAD_DEPTH:,}"


def rows(sizes: Sizes) -> list[GoalRow]:
    from autograd import Value

    depth = sizes.chain
    steps = {"ours": lambda: forward_backward(Value, depth),
             "floor": lambda: forward_backward(Scalar, depth)}
    times = interleaved(steps, sizes.chain_rounds, warmup=0)
    ours_graph, ours_peak = bytes_per_node(Value, depth)
    floor_graph, floor_peak = bytes_per_node(Scalar, depth)
    note = (f"tracemalloc, graph alive after forward ÷ nodes (floor {floor_graph:.0f} B); "
            f"peak during forward+backward {ours_peak:.0f} B/node (floor {floor_peak:.0f}); "
            f"time ours ÷ floor {times['ours'] / times['floor']:.2f}×; {micrograd_note()}")
    return [GoalRow(f"Value chain of {depth:,} relu: forward + backward", times["ours"],
                    "floor: 5-slot engine", times["floor"], Goal(120, "≤ 120 B/node"),
                    note=note, measure=ours_graph, measure_text=f"{ours_graph:.0f} B/node",
                    key="chain")]
