"""Deep graphs: a chain of 1,000,000 scalar operations, forward and backward.

``x = x.relu()`` a million times over (from x = 0.5, so every node passes gradient):
each node has one parent, so the graph is a million levels deep. autograd's topological
sort is iterative and must get through; micrograd's is recursive and stops at Python's
recursion limit (kept at its default here, as a user would have it).
"""

from __future__ import annotations

import time
from typing import Any

from common import OURS, Row, peak_memory, try_import

DEPTH = 1_000_000


def chain(value: type, depth: int) -> tuple[Any, Any]:
    x = value(0.5)
    y = x
    for _ in range(depth):
        y = y.relu()
    return x, y


def forward_backward(value: type, depth: int) -> Any:
    x, y = chain(value, depth)
    y.backward()
    return x


def run(repeats: int = 3) -> list[Row]:
    from autograd import Value

    workload = f"Value chain of {DEPTH:,} relu: forward+backward"
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        forward_backward(Value, DEPTH)
        times.append(time.perf_counter() - start)
    times.sort()
    _, peak = peak_memory(lambda: forward_backward(Value, DEPTH))
    median = times[len(times) // 2]
    rows = [Row(workload, OURS, "float64", median,
                f"peak {peak / 2**20:,.0f} MiB (tracemalloc); {DEPTH / median:,.0f} nodes/s")]
    micrograd = try_import("micrograd.engine")
    if micrograd is None:
        rows.append(Row(workload, "micrograd 0.1.0", "float64", None,
                        "missing: pip install -e '.[bench]' (needs micrograd==0.1.0)"))
        return rows
    depth = 10_000  # enough to show the limit without building a million closures
    try:
        forward_backward(micrograd.Value, depth)
        note = f"completed at depth {depth:,}"
    except RecursionError:
        note = (f"fails already at depth {depth:,}: RecursionError in backward "
                "(recursive topological sort)")
    rows.append(Row(workload, "micrograd 0.1.0", "float64", None, note))
    return rows


if __name__ == "__main__":
    from common import markdown_table
    print(markdown_table(run()))
