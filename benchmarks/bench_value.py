"""The scalar training step, written as each library's user writes it.

micrograd's demo step: an MLP(2, [16, 16, 1]) with ReLU hidden layers scores 100
two-moons points, the loss is the SVM hinge loss plus L2 regularisation,

    mean(relu(1 - y_i * score_i)) + 1e-4 * sum(p * p for p in parameters),

then ``zero_grad()``, ``backward()`` and the update loop ``p.data -= lr * p.grad`` over
``model.parameters()``. Three engines run it:

- ours: ``nn.MLP(2, [16, 16, 1], activation="relu")`` and ``nn.functional.hinge_loss``,
  the public API as the README shows it (inputs as plain lists of numbers); a neuron's
  weighted sum is one node (``autograd.weighted_sum``), so the step records ~8,300
  nodes;
- micrograd 0.1.0 as shipped: its ``micrograd.nn.MLP`` and the demo notebook's lines,
  one node per multiply and add (~66,000 nodes);
- the floor (``floor_engine.py``): the same lines on a 5-slot engine (~69,000 nodes).

A fourth runs alongside for the floor row's note: the floor's lines on our ``Value``
(one node per multiply and add, as the floor), which compares the two engines per node.
All start from our model's initial weights, so they compute the same numbers and take
the same path through every ReLU; their losses are checked to agree.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import numpy as np
from common import MISSING, Goal, GoalRow, Sizes, interleaved, try_import
from floor_engine import FloorMLP, Scalar

from autograd import Value

ALPHA = 1e-4
LEARNING_RATE = 0.05


def two_moons(n: int, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with a little noise; labels -1 and +1."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * (i // 2) / max(1, n // 2)
        if i % 2 == 0:
            point, label = [math.cos(t), math.sin(t)], -1.0
        else:
            point, label = [1 - math.cos(t), 0.5 - math.sin(t)], 1.0
        X.append([c + rng.gauss(0, 0.1) for c in point])
        y.append(label)
    return X, y


def our_step(X: list, y: list, hidden: int) -> tuple[Callable[[], float], Any]:
    """Our step as a user writes it; returns it and the model."""
    import nn

    model = nn.MLP(2, [hidden, hidden, 1], activation="relu", rng=np.random.default_rng(1))

    def step() -> float:
        loss = our_loss(model, X, y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LEARNING_RATE * p.grad
        return loss.data

    return step, model


def our_loss(model: Any, X: list, y: list) -> Any:
    import nn

    scores = [model(x) for x in X]
    return nn.functional.hinge_loss(scores, y) + ALPHA * sum(p * p for p in model.parameters())


def demo_loss(value: type, model: Any, X: list, y: list, wrap_inputs: bool) -> Any:
    """The demo notebook's loss lines for ``value`` (micrograd's Value or the floor's)."""
    inputs = [list(map(value, row)) for row in X] if wrap_inputs else X
    scores = list(map(model, inputs))
    losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def demo_step(value: type, model: Any, X: list, y: list, wrap_inputs: bool) -> Callable:
    """micrograd's demo step for ``value`` (micrograd's Value or the floor's Scalar)."""
    def step() -> float:
        loss = demo_loss(value, model, X, y, wrap_inputs)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LEARNING_RATE * p.grad
        return loss.data

    return step


def copy_weights(source: list[Any], target: list[Any]) -> None:
    if len(source) != len(target):
        raise AssertionError(f"parameter counts differ: {len(source)} vs {len(target)}")
    for s, t in zip(source, target):
        t.data = float(s.data)


def count_nodes(root: Any, parents: Callable[[Any], Any]) -> int:
    """Nodes reachable from ``root`` (iterative, so deep graphs are fine)."""
    seen, stack = {id(root)}, [root]
    while stack:
        for parent in parents(stack.pop()):
            if parent is not None and id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def graph_sizes(X: list, y: list, model: Any, floor_model: Any, micrograd: Any,
                peer_model: Any) -> dict[str, int]:
    """Nodes in one step's graph, per engine (built once more, outside the timing)."""
    sizes = {"ours": count_nodes(our_loss(model, X, y), lambda n: n.parents)}
    floor = demo_loss(Scalar, floor_model, X, y, False)
    sizes["floor"] = count_nodes(floor, lambda n: (n.left, n.right))
    if micrograd is not None:
        peer = demo_loss(micrograd.Value, peer_model, X, y, True)
        sizes["micrograd"] = count_nodes(peer, lambda n: n._prev)
    return sizes


def _agree(losses: dict[str, float], when: str) -> None:
    reference = losses["ours"]
    if not all(math.isclose(loss, reference, rel_tol=1e-9, abs_tol=1e-12)
               for loss in losses.values()):
        raise AssertionError(f"scalar step {when}: the engines disagree: {losses}")


def rows(sizes: Sizes) -> list[GoalRow]:
    X, y = two_moons(sizes.points)
    ours, model = our_step(X, y, sizes.hidden)
    floor_model = FloorMLP(2, [sizes.hidden, sizes.hidden, 1])
    copy_weights(model.parameters(), floor_model.parameters())
    chain_model = FloorMLP(2, [sizes.hidden, sizes.hidden, 1], value=Value)
    copy_weights(model.parameters(), chain_model.parameters())
    steps = {"ours": ours, "floor": demo_step(Scalar, floor_model, X, y, wrap_inputs=False),
             "ours, chain": demo_step(Value, chain_model, X, y, wrap_inputs=False)}
    micrograd = try_import("micrograd.engine")
    peer_model = None
    if micrograd is not None:
        from micrograd.nn import MLP

        peer_model = MLP(2, [sizes.hidden, sizes.hidden, 1])
        copy_weights(model.parameters(), peer_model.parameters())
        steps["micrograd"] = demo_step(micrograd.Value, peer_model, X, y, wrap_inputs=True)
    nodes = graph_sizes(X, y, model, floor_model, micrograd, peer_model)
    _agree({engine: step() for engine, step in steps.items()}, "before timing")
    times = interleaved(steps, sizes.scalar_rounds, warmup=1, full_collections=True)
    _agree({engine: step() for engine, step in steps.items()}, "after timing")

    workload = (f"scalar MLP(2, [{sizes.hidden}, {sizes.hidden}, 1]) step, {sizes.points} "
                f"moons points: forward, hinge loss, zero_grad, backward, update")
    rate = f"{nodes['ours']:,} nodes, {nodes['ours'] / times['ours'] / 1e6:.2f} M nodes/s"
    peer_row = GoalRow(workload, times["ours"], "micrograd 0.1.0 as shipped",
                       times.get("micrograd"), Goal(0.1, "≤ 0.10× (≥ 10× faster)"),
                       note=(f"ours {rate}; micrograd {nodes['micrograd']:,} nodes"
                             if micrograd else MISSING),
                       key="scalar-micrograd",
                       spread=times.ratio_quartiles("ours", "micrograd"))
    chain = times["ours, chain"]
    floor_row = GoalRow(workload, times["ours"], "floor: 5-slot engine (floor_engine.py)",
                        times["floor"], Goal(1.3, "≤ 1.3×"),
                        note=(f"floor {nodes['floor']:,} nodes, the demo's lines; those lines "
                              f"on our Value (a node per * and +): {chain * 1e3:.1f} ms, "
                              f"{chain / times['floor']:.2f}× the floor"),
                        key="scalar-floor", spread=times.ratio_quartiles("ours", "floor"))
    return [peer_row, floor_row]
