"""The Tensor engine against PyTorch (CPU) and a hand-written NumPy floor.

One full SGD training step of a ReLU MLP with softmax cross-entropy, each engine as
its users write it:

- ours, as the README does: ``nn.Sequential(nn.Linear, nn.ReLU, ...)``,
  ``nn.functional.cross_entropy``, ``opt.zero_grad()``, ``loss.backward()``,
  ``opt.step()`` with ``nn.optim.SGD``;
- PyTorch: the same with ``torch.nn`` and ``torch.optim.SGD``, at the number of threads
  PyTorch picks by default (nothing is pinned);
- the floor: forward, the chain rule for each layer and the update in plain NumPy,
  written for speed (the update scales each fresh gradient in place: no temporary
  arrays, which in float64 cost it page faults).

All three start from the same weights (PyTorch's layout, ``x @ W.T + b``) and their
first losses are checked to agree. Then the per-op overhead,
``(a * b + c).sum().backward()`` on one-element float32 tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from common import MISSING, Goal, GoalRow, Sizes, Timings, interleaved

LEARNING_RATE = 0.01


def make_problem(sizes: tuple[int, ...], batch: int, dtype: Any, seed: int = 0) -> dict:
    """Inputs, integer labels, He-initialised weights (out, in) and zero biases."""
    rng = np.random.default_rng(seed)
    weights = [(rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(dtype)
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(n_out, dtype=dtype) for n_out in sizes[1:]]
    return {"x": rng.standard_normal((batch, sizes[0])).astype(dtype),
            "labels": rng.integers(0, sizes[-1], batch),
            "weights": weights, "biases": biases}


def state_dict(problem: dict) -> dict[str, np.ndarray]:
    """The weights under Sequential's names: Linear layers at 0, 2, 4, ... (ReLU between)."""
    state = {}
    for i, (w, b) in enumerate(zip(problem["weights"], problem["biases"])):
        state[f"{2 * i}.weight"], state[f"{2 * i}.bias"] = w.copy(), b.copy()
    return state


def numpy_step(problem: dict) -> Callable[[], float]:
    """One training step in plain NumPy, updating its own copy of the weights in place."""
    x, labels = problem["x"], problem["labels"]
    weights = [w.copy() for w in problem["weights"]]
    biases = [b.copy() for b in problem["biases"]]
    rows = np.arange(len(labels))

    def step() -> float:
        activations, pre = [x], []
        for i, (w, b) in enumerate(zip(weights, biases)):
            z = activations[-1] @ w.T + b
            pre.append(z)
            activations.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
        logits = activations[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        sums = exps.sum(axis=1, keepdims=True)
        loss = float(np.log(sums[:, 0]).mean() - shifted[rows, labels].mean())
        dz = exps / sums  # d loss / d logits = (softmax - one_hot) / batch
        dz[rows, labels] -= 1
        dz /= len(labels)
        for i in reversed(range(len(weights))):
            dw, db = dz.T @ activations[i], dz.sum(axis=0)
            if i > 0:
                dz = (dz @ weights[i]) * (pre[i - 1] > 0)
            dw *= LEARNING_RATE  # dw and db are this step's own arrays: no temporaries
            db *= LEARNING_RATE
            weights[i] -= dw
            biases[i] -= db
        return loss

    return step


def layer_sizes(problem: dict) -> list[int]:
    return [problem["weights"][0].shape[1]] + [w.shape[0] for w in problem["weights"]]


def build_mlp(library: Any, sizes: list[int], dtype: Any) -> Any:
    """``library.Sequential(Linear, ReLU, ..., Linear)``: ``library`` is ``nn`` or torch.nn."""
    layers: list[Any] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [library.Linear(n_in, n_out, dtype=dtype), library.ReLU()]
    return library.Sequential(*layers[:-1])


def training_step(model: Any, cross_entropy: Callable, optimizer: Any, x: Any,
                  labels: Any) -> Callable[[], float]:
    """The README's step, which is PyTorch's too, word for word."""
    def step() -> float:
        loss = cross_entropy(model(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def our_step(problem: dict) -> Callable[[], float]:
    import nn
    from autograd import Tensor

    model = build_mlp(nn, layer_sizes(problem), problem["x"].dtype)
    model.load_state_dict(state_dict(problem))
    optimizer = nn.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    return training_step(model, nn.functional.cross_entropy, optimizer,
                         Tensor(problem["x"]), problem["labels"])


def torch_step(torch: Any, problem: dict) -> Callable[[], float]:
    model = build_mlp(torch.nn, layer_sizes(problem), getattr(torch, problem["x"].dtype.name))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state_dict(problem).items()})
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    return training_step(model, torch.nn.functional.cross_entropy, optimizer,
                         torch.from_numpy(problem["x"]), torch.from_numpy(problem["labels"]))


def overhead_steps(torch: Any) -> dict[str, Callable[[], None]]:
    from autograd import Tensor

    ours = [Tensor(np.array([v], dtype=np.float32), requires_grad=True) for v in (1, 2, 3)]
    steps = {"ours": lambda: (ours[0] * ours[1] + ours[2]).sum().backward()}
    if torch is not None:
        theirs = [torch.tensor([float(v)], requires_grad=True) for v in (1, 2, 3)]
        steps["torch"] = lambda: (theirs[0] * theirs[1] + theirs[2]).sum().backward()
    return steps


def mlp_times(torch: Any, sizes: tuple[int, ...], batch: int, dtype: Any, rounds: int,
              calls: int) -> Timings:
    problem = make_problem(sizes, batch, dtype)
    steps = {"ours": our_step(problem), "floor": numpy_step(problem)}
    if torch is not None:
        steps["torch"] = torch_step(torch, problem)
    losses = {engine: step() for engine, step in steps.items()}
    tolerance = 1e-4 if dtype == np.float32 else 1e-9
    if any(abs(loss - losses["floor"]) > tolerance * max(1.0, abs(loss)) for loss in
           losses.values()):
        raise AssertionError(f"MLP {sizes}: the engines' first losses disagree: {losses}")
    return interleaved(steps, rounds, calls=calls, warmup=2)


def _vs(workload: str, times: Timings, peer: str, goal: Goal, key: str,
        note: str = "") -> GoalRow:
    name = {"torch": "PyTorch", "floor": "NumPy by hand (floor)"}[peer]
    return GoalRow(workload, times["ours"], name, times.get(peer), goal,
                   note=note if peer in times else f"PyTorch {MISSING}", key=key,
                   spread=times.ratio_quartiles("ours", peer))


def rows(sizes: Sizes, torch: Any) -> list[GoalRow]:
    out = []
    big = "-".join(map(str, sizes.big_mlp))
    for dtype in (np.float32, np.float64):
        name = np.dtype(dtype).name
        times = mlp_times(torch, sizes.big_mlp, sizes.big_batch, dtype, sizes.tensor_rounds,
                          sizes.big_calls)
        workload = f"Tensor MLP {big}, batch {sizes.big_batch}, {name}: full training step"
        out.append(_vs(workload, times, "torch", Goal(1.0, "≤ 1.0×"), f"big-{name}-torch"))
        out.append(_vs(workload, times, "floor", Goal(1.15, "≤ 1.15×"), f"big-{name}-floor"))
    small = "-".join(map(str, sizes.small_mlp))
    times = mlp_times(torch, sizes.small_mlp, sizes.small_batch, np.float32,
                      sizes.tensor_rounds, sizes.small_calls)
    out.append(_vs(f"Tensor MLP {small}, batch {sizes.small_batch}, float32: full training "
                   "step", times, "torch", Goal(0.5, "≤ 0.5×"), "small-torch",
                   note=f"NumPy floor {times['floor'] * 1e6:.1f} µs"))
    times = interleaved(overhead_steps(torch), sizes.tensor_rounds, calls=sizes.overhead_calls,
                        warmup=10)
    out.append(_vs("per-op overhead: (a*b + c).sum().backward(), 1-element float32", times,
                   "torch", Goal(0.5, "≤ 0.5×"), "overhead"))
    return out
