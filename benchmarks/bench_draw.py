"""How long draw_graph takes to build the DOT source, and Graphviz to lay it out.

Building the source is our code (one text line per node and edge); laying out and
rendering is Graphviz's ``dot``, which is why ``max_nodes`` (500 by default) bounds
what is drawn. Graphs are chains of scalar ``* 0.999`` and ``tanh`` steps with a
labelled constant now and then, after backward so every grad is drawn.

    .venv/bin/python benchmarks/bench_draw.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import median_time  # noqa: E402

from autograd import Tensor, Value, draw_graph, name_scope  # noqa: E402


def value_graph(n: int) -> Value:
    """A Value graph of exactly ``n`` nodes, in name scopes of 1,000 nodes each."""
    x = Value(0.5, label="x")
    count = 1
    while count < n:
        with name_scope(f"model.blocks.{count // 1000}"):
            if count + 2 <= n:
                x = x * Value(0.999, label=f"c{count}")
                count += 2
            else:
                x = x.tanh()
                count += 1
    x.backward()
    return x


def tensor_graph(n: int) -> Tensor:
    """A Tensor graph of about ``n`` nodes: (2, 3) tensors, small enough to show values."""
    w = Tensor(np.full((2, 3), 0.5), requires_grad=True, label="w")
    x = w
    for _ in range(n // 2):
        x = (x * 0.999).tanh()
    loss = x.sum()
    loss.backward()
    return loss


def build(root: object, **options: object) -> str:
    # force: these sizes are over draw_graph's 5,000-node guard, and only the source is built
    return draw_graph(root, force=True, **options).source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    repeats = 3 if parser.parse_args().quick else 7
    rows: list[tuple[str, float, str]] = []
    for n in (1_000, 10_000, 100_000):
        root = value_graph(n)
        seconds = median_time(lambda r=root: build(r, max_nodes=None), repeats)
        size = len(build(root, max_nodes=None)) / 1e6
        rows.append((f"Value graph, {n:,} nodes, all drawn", seconds, f"{size:.1f} MB of DOT"))
    seconds = median_time(lambda: build(root, max_nodes=None, color_by="grad"), repeats)
    rows.append(("Value graph, 100,000 nodes, color_by='grad'", seconds, ""))
    seconds = median_time(lambda: build(root), repeats)
    rows.append(("Value graph, 100,000 nodes, max_nodes=500", seconds, "BFS + 500 nodes"))
    troot = tensor_graph(10_000)
    seconds = median_time(lambda: build(troot, max_nodes=None), repeats)
    rows.append(("Tensor graph, 10,001 (2, 3) tensors, all drawn", seconds, "values shown"))
    small = value_graph(500)
    start = time.perf_counter()
    draw_graph(small).pipe(format="svg")
    rows.append(("dot layout + SVG of a 500-node graph", time.perf_counter() - start,
                 "Graphviz, 1 run"))

    width = max(len(r[0]) for r in rows)
    print(f"{'workload':<{width}}  {'seconds':>8}  note")
    print(f"{'-' * width}  {'-' * 8}  ----")
    for name, secs, note in rows:
        print(f"{name:<{width}}  {secs:>8.3f}  {note}")


if __name__ == "__main__":
    main()
