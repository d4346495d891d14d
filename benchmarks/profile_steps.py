"""Where the time of the two headline steps goes: the numbers behind PROFILE.md.

    .venv/bin/python benchmarks/profile_steps.py [--steps 15] [--top 18]

1. The scalar step of ``bench_value.py`` (ours, then the floor), cut into its phases by
   clock readings between the user's lines, the time the garbage collector spends in
   it (``gc.callbacks``), and a cProfile of the whole step.
2. The Tensor 784-256-128-10 step of ``bench_tensor.py`` (float32 and float64), cut the
   same way, with the page faults (``ru_minflt``) and the bytes allocated by NumPy at
   the peak of a step (tracemalloc), for ours, the NumPy floor and PyTorch.

Phase times are medians over ``--steps`` steps; cProfile's own overhead inflates every
Python call, so its table ranks functions, it does not time them.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from bench_tensor import (  # noqa: E402
    LEARNING_RATE,
    build_mlp,
    layer_sizes,
    make_problem,
    numpy_step,
    our_step,
    state_dict,
    torch_step,
)
from bench_value import ALPHA, count_nodes, demo_loss, our_loss, two_moons  # noqa: E402
from bench_value import LEARNING_RATE as SCALAR_LR  # noqa: E402
from floor_engine import FloorMLP, Scalar  # noqa: E402
from floor_engine import topological_order as floor_topological_order  # noqa: E402


class GcClock:
    """Time spent inside garbage collections, and how many, while installed."""

    def __init__(self) -> None:
        self.seconds, self.collections, self._start = 0.0, [0, 0, 0], 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def phases(step: Callable[[Callable[[str], None]], None], steps: int) -> dict[str, float]:
    """Median seconds of each phase; ``step(mark)`` calls ``mark(name)`` after each one."""
    found: dict[str, list[float]] = {}
    for _ in range(steps + 1):
        gc.collect()
        marks = [("start", time.perf_counter())]
        step(lambda name, marks=marks: marks.append((name, time.perf_counter())))
        for (_, before), (name, after) in zip(marks, marks[1:]):
            found.setdefault(name, []).append(after - before)
    return {name: statistics.median(times[1:]) for name, times in found.items()}


def print_phases(title: str, times: dict[str, float], nodes: int | None = None) -> None:
    total = sum(times.values())
    print(f"\n{title}: {total * 1e3:.2f} ms per step")
    for name, seconds in times.items():
        per_node = f"  {seconds / nodes * 1e9:6.0f} ns/node" if nodes else ""
        print(f"  {name:<44} {seconds * 1e3:8.3f} ms  {seconds / total:5.1%}{per_node}")


def our_scalar(steps: int) -> tuple[dict[str, float], Any, Any]:
    import nn
    from autograd.graph import topological_order  # internal: only to time the sort alone

    X, y = two_moons(100)
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=np.random.default_rng(1))

    def bare_forward() -> list:
        """model(x)'s numbers from a plain loop over the same Values, one node per * and +
        (the floor's graph, not model(x)'s weighted-sum nodes)."""
        scores = []
        for x in X:
            for i, layer in enumerate(model.layers):
                outs = []
                for neuron in layer.neurons:
                    total = neuron.b
                    for wi, xi in zip(neuron.w, x):
                        total = total + wi * xi
                    outs.append(total.relu() if i < len(model.layers) - 1 else total)
                x = outs
            scores.append(x[0])
        return scores

    def step(mark: Callable[[str], None], extra_sort: bool = True) -> None:
        if extra_sort:
            bare_forward()
            mark("chain of * and + on bare Values (extra)")
        scores = [model(x) for x in X]
        mark("forward: model(x) for 100 points")
        data_loss = nn.functional.hinge_loss(scores, y)
        mark("hinge_loss")
        params = model.parameters()
        mark("parameters() (1 of 3 calls)")
        loss = data_loss + ALPHA * sum(p * p for p in params)
        mark("regulariser: ALPHA * sum(p * p)")
        model.zero_grad()
        mark("model.zero_grad() (walks parameters())")
        if extra_sort:
            topological_order(loss)
            mark("topological sort alone (extra, not in step)")
        loss.backward()
        mark("loss.backward() (sort + rules + accumulation)")
        for p in model.parameters():
            p.data -= SCALAR_LR * p.grad
        mark("update loop (walks parameters())")

    def whole() -> None:
        step(lambda name: None, extra_sort=False)

    return phases(step, steps), whole, our_loss(model, X, y)


def floor_scalar(steps: int) -> dict[str, float]:
    X, y = two_moons(100)
    model = FloorMLP(2, [16, 16, 1])

    def step(mark: Callable[[str], None]) -> None:
        loss = demo_loss(Scalar, model, X, y, wrap_inputs=False)
        mark("forward + loss")
        model.zero_grad()
        mark("zero_grad")
        floor_topological_order(loss)
        mark("topological sort alone (extra)")
        loss.backward()
        mark("backward (sort + in-place accumulation)")
        for p in model.parameters():
            p.data -= SCALAR_LR * p.grad
        mark("update loop")

    return phases(step, steps)


def paused_step(step: Callable[[], Any]) -> None:
    gc.disable()
    try:
        step()
    finally:
        gc.enable()


def cprofile(whole: Callable[[], None], top: int, repeats: int = 3) -> None:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(repeats):
        whole()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    print(text[text.index("ncalls"):] if "ncalls" in text else text)


def scalar_report(steps: int, top: int) -> None:
    print("== scalar step: MLP(2, [16, 16, 1]), 100 points, hinge loss ==")
    times, whole, loss = our_scalar(steps)
    nodes = count_nodes(loss, lambda n: n.parents)
    del loss
    sort_alone = times.pop("topological sort alone (extra, not in step)")
    bare = times.pop("chain of * and + on bare Values (extra)")
    print_phases(f"ours ({nodes:,} nodes)", times, nodes)
    print(f"  (the topological sort alone: {sort_alone * 1e3:.3f} ms, "
          f"{sort_alone / nodes * 1e9:.0f} ns/node — part of backward)")
    print(f"  (the forward as a chain of * and + on bare Values, the floor's graph: "
          f"{bare * 1e3:.3f} ms)")
    floor = floor_scalar(steps)
    floor_sort = floor.pop("topological sort alone (extra)")
    print_phases("floor", floor, nodes)
    print(f"  (the floor's topological sort alone: {floor_sort * 1e3:.3f} ms)")
    on, off, in_collector = [], [], []
    with GcClock() as clock:
        for _ in range(steps):  # the two ways take turns, step by step
            gc.collect()
            clock.seconds = 0.0
            start = time.perf_counter()
            whole()
            on.append(time.perf_counter() - start)
            in_collector.append(clock.seconds)
            gc.collect()
            start = time.perf_counter()
            paused_step(whole)
            off.append(time.perf_counter() - start)
    print(f"ours, side by side: collector on {statistics.median(on) * 1e3:.2f} ms per step, "
          f"of which {statistics.median(in_collector) * 1e3:.2f} ms inside collections "
          f"(gc.callbacks); collector paused {statistics.median(off) * 1e3:.2f} ms")
    print("\ncProfile of 3 of our steps, by own time:")
    cprofile(whole, top)


def tensor_phases(problem: dict, steps: int) -> dict[str, float]:
    import nn
    from autograd import Tensor

    model = build_mlp(nn, layer_sizes(problem), problem["x"].dtype)
    model.load_state_dict(state_dict(problem))
    optimizer = nn.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x, labels = Tensor(problem["x"]), problem["labels"]

    def step(mark: Callable[[str], None]) -> None:
        logits = model(x)
        mark("forward: model(x)")
        loss = nn.functional.cross_entropy(logits, labels)
        mark("cross_entropy")
        optimizer.zero_grad()
        mark("optimizer.zero_grad()")
        loss.backward()
        mark("loss.backward()")
        optimizer.step()
        mark("optimizer.step()")
        loss.item()

    return phases(step, steps)


def faults_and_bytes(step: Callable[[], Any], steps: int) -> tuple[float, float]:
    """Minor page faults per step, and the peak bytes traced during one step."""
    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(steps):
        step()
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / steps
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return faults, peak - base


def tensor_report(steps: int, top: int) -> None:
    import torch

    for dtype in (np.float32, np.float64):
        problem = make_problem((784, 256, 128, 10), 128, dtype)
        print(f"\n== Tensor MLP 784-256-128-10, batch 128, {np.dtype(dtype).name} ==")
        print_phases("ours", tensor_phases(problem, steps))
        engines = {"ours": our_step(problem), "NumPy floor": numpy_step(problem),
                   "PyTorch": torch_step(torch, problem)}
        for engine, step in engines.items():
            faults, peak = faults_and_bytes(step, steps)
            print(f"  {engine:<12} {faults:8.0f} minor page faults per step; "
                  f"peak {peak / 2**20:6.2f} MiB traced during a step")
    problem = make_problem((784, 256, 128, 10), 128, np.float32)
    step = our_step(problem)
    print("\ncProfile of 20 of our float32 steps, by own time:")
    cprofile(step, top, repeats=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--only", choices=["scalar", "tensor"])
    args = parser.parse_args()
    if args.only in (None, "scalar"):
        scalar_report(args.steps, args.top)
    if args.only in (None, "tensor"):
        tensor_report(args.steps, args.top)


if __name__ == "__main__":
    main()
