"""Value engine against micrograd: one training step of micrograd's own demo.

The workload is micrograd's README demo: MLP(2, [16, 16, 1]) on 100 two-moons points,
SVM hinge loss ``mean(relu(1 - y * score)) + alpha * sum(p * p)``, then zero_grad,
backward and an SGD update — a graph of about 65,000 scalar nodes. micrograd runs its
own ``micrograd.nn.MLP``; autograd runs a line-for-line mirror of it (below), so both
engines build the same graph. micrograd is also timed with the cyclic garbage collector
paused around its step, which is most of its forward time.
"""

from __future__ import annotations

import math
import random
import sys
from typing import Any

from common import (
    OURS,
    Row,
    collector_disabled,
    median_time,
    missing,
    retained_memory,
    try_import,
)

POINTS = 100
ALPHA = 1e-4
LEARNING_RATE = 0.1


def two_moons(n: int, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with a little noise; labels -1 and +1."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * (i // 2) / (n // 2)
        if i % 2 == 0:
            point, label = [math.cos(t), math.sin(t)], -1.0
        else:
            point, label = [1 - math.cos(t), 0.5 - math.sin(t)], 1.0
        X.append([c + rng.gauss(0, 0.1) for c in point])
        y.append(label)
    return X, y


class MirrorMLP:
    """micrograd.nn.MLP, line for line, for any Value class (the same graph, op by op)."""

    def __init__(self, value: type, nin: int, nouts: list[int], seed: int = 1) -> None:
        rng = random.Random(seed)
        sizes = [nin] + nouts
        self.layers = []
        for i in range(len(nouts)):
            neurons = [([value(rng.uniform(-1, 1)) for _ in range(sizes[i])], value(0.0))
                       for _ in range(sizes[i + 1])]
            self.layers.append((neurons, i != len(nouts) - 1))

    def __call__(self, x: list[Any]) -> Any:
        for neurons, nonlinear in self.layers:
            out = []
            for w, b in neurons:
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                out.append(act.relu() if nonlinear else act)
            x = out
        return x[0]

    def parameters(self) -> list[Any]:
        return [p for neurons, _ in self.layers for w, b in neurons for p in [*w, b]]


def hinge_loss(value: type, model: Any, X: list[list[float]], y: list[float]) -> Any:
    """micrograd demo's loss: SVM max-margin loss plus L2 regularization."""
    inputs = [list(map(value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def backward_and_update(loss: Any, params: list[Any]) -> None:
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= LEARNING_RATE * p.grad


def count_nodes(root: Any, parents: str) -> int:
    """Nodes reachable from ``root`` (iterative, so micrograd's deep graphs are fine)."""
    seen, stack = {id(root)}, [root]
    while stack:
        for parent in getattr(stack.pop(), parents):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def _time_engine(value: type, model: Any, X: list, y: list, repeats: int,
                 collector_off: bool = False) -> dict[str, float]:
    params = model.parameters()
    built: dict[str, Any] = {}

    def forward() -> None:
        built["loss"] = hinge_loss(value, model, X, y)

    def backward() -> None:
        backward_and_update(built["loss"], params)

    def step() -> None:
        forward()
        backward()

    def timed(fn: Any) -> float:
        if not collector_off:
            return median_time(fn, repeats)
        with collector_disabled():
            return median_time(fn, repeats)

    forward()
    return {"forward": timed(forward),
            "backward": _timed_backward(forward, backward, repeats, collector_off),
            "forward+backward": timed(step)}


def _timed_backward(forward: Any, backward: Any, repeats: int, collector_off: bool) -> float:
    """Backward alone: each repeat needs a fresh graph, built outside the timed part."""
    import gc
    import statistics
    import time
    times = []
    for _ in range(repeats + 1):
        forward()
        gc.collect()
        was_enabled = gc.isenabled()
        if collector_off:
            gc.disable()
        try:
            start = time.perf_counter()
            backward()
            times.append(time.perf_counter() - start)
        finally:
            if was_enabled:
                gc.enable()
    return statistics.median(times[1:])


def run(repeats: int = 5) -> list[Row]:
    from autograd import Value

    X, y = two_moons(POINTS)
    rows: list[Row] = []
    model = MirrorMLP(Value, 2, [16, 16, 1])
    nodes = count_nodes(hinge_loss(Value, model, X, y), "parents")
    ours = _time_engine(Value, model, X, y, repeats)
    _, held = retained_memory(lambda: hinge_loss(Value, model, X, y))
    workload = f"Value MLP step ({nodes:,} nodes)"
    rate = nodes / ours["forward+backward"]
    for part, seconds in ours.items():
        note = ""
        if part == "forward+backward":
            note = f"{rate:,.0f} nodes/s; {held / nodes:.0f} B/node"
        rows.append(Row(f"{workload}: {part}", OURS, "float64", seconds, note))

    # Not a peer: autograd itself with the collector paused, to show how much of its
    # time is Python's garbage collector (the library never pauses it in a forward).
    ours_paused = _time_engine(Value, model, X, y, repeats, collector_off=True)
    for part, seconds in ours_paused.items():
        rows.append(Row(f"{workload}: {part}", "autograd, gc paused", "float64", seconds,
                        "for reference" if part == "forward+backward" else ""))

    micrograd = try_import("micrograd.engine")
    if micrograd is None:
        for part in ours:
            rows.append(missing(f"{workload}: {part}", "micrograd 0.1.0", "float64",
                                "micrograd==0.1.0"))
        return rows
    from micrograd.nn import MLP

    random.seed(1)
    peer = MLP(2, [16, 16, 1])
    peer_nodes = count_nodes(hinge_loss(micrograd.Value, peer, X, y), "_prev")
    _, peer_held = retained_memory(lambda: hinge_loss(micrograd.Value, peer, X, y))
    limit = sys.getrecursionlimit()  # micrograd's topological sort is recursive
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        shipped = _time_engine(micrograd.Value, peer, X, y, repeats)
        paused = _time_engine(micrograd.Value, peer, X, y, repeats, collector_off=True)
    finally:
        sys.setrecursionlimit(limit)
    for part in ours:
        note = ""
        if part == "forward+backward":
            note = (f"{peer_nodes:,} nodes; {peer_nodes / shipped[part]:,.0f} nodes/s; "
                    f"{peer_held / peer_nodes:.0f} B/node")
        rows.append(Row(f"{workload}: {part}", "micrograd 0.1.0", "float64",
                        shipped[part], note))
    for part in ours:
        note = ""
        if part == "forward+backward":
            note = f"{peer_nodes / paused[part]:,.0f} nodes/s"
        rows.append(Row(f"{workload}: {part}", "micrograd 0.1.0, gc paused", "float64",
                        paused[part], note))
    parts = list(ours)  # group the table by part: every engine's forward, then backward...
    rows.sort(key=lambda row: parts.index(row.workload.rsplit(": ", 1)[1]))
    return rows


if __name__ == "__main__":
    from common import markdown_table
    print(markdown_table(run()))
