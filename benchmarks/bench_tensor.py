"""Tensor engine against PyTorch (CPU) and a hand-written NumPy floor.

Workloads:

- one SGD training step of a ReLU MLP with softmax cross-entropy: 784-256-128-10 at
  batch 128 (matmul-bound) and 64-32-10 at batch 32 (overhead-bound);
- the per-op overhead: ``(a * b + c).backward()`` on one-element tensors.

The NumPy floor is the same step written out by hand — forward, the chain rule for
each layer, the update — with no framework at all: the least any engine must do.
Weights use PyTorch's layout, ``x @ W.T + b`` with W of shape (out, in).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from common import OURS, Row, interleaved_per_call, missing, try_import

LEARNING_RATE = 0.01


def make_problem(sizes: list[int], batch: int, dtype: Any, seed: int = 0) -> dict[str, Any]:
    """Inputs, integer labels and He-initialised weights (out, in) with zero biases."""
    rng = np.random.default_rng(seed)
    weights = [(rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(dtype)
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(n_out, dtype=dtype) for n_out in sizes[1:]]
    return {"x": rng.standard_normal((batch, sizes[0])).astype(dtype),
            "labels": rng.integers(0, sizes[-1], batch),
            "weights": weights, "biases": biases}


# --- the floor: NumPy by hand ---------------------------------------------------------

def numpy_step(problem: dict[str, Any]) -> Any:
    """Returns a function doing one training step in plain NumPy, updating in place."""
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
            weights[i] -= LEARNING_RATE * dw
            biases[i] -= LEARNING_RATE * db
        return loss

    return step


# --- autograd -------------------------------------------------------------------------

def autograd_step(problem: dict[str, Any]) -> Any:
    from autograd import Tensor

    x = Tensor(problem["x"])
    weights = [Tensor(w, requires_grad=True) for w in problem["weights"]]
    biases = [Tensor(b, requires_grad=True) for b in problem["biases"]]
    params = weights + biases
    labels = problem["labels"]
    rows = np.arange(len(labels))

    def step() -> float:
        h = x
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = h @ w.T + b
            if i < len(weights) - 1:
                h = h.relu()
        loss = -h.log_softmax(axis=-1)[rows, labels].mean()
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= LEARNING_RATE * p.grad
        return loss.item()

    return step


def autograd_overhead() -> Any:
    from autograd import Tensor

    a, b, c = (Tensor([v], dtype=np.float32, requires_grad=True) for v in (1.0, 2.0, 3.0))

    def step() -> None:
        (a * b + c).backward()

    return step


# --- PyTorch --------------------------------------------------------------------------

def torch_step(torch: Any, problem: dict[str, Any]) -> Any:
    functional = torch.nn.functional
    x = torch.from_numpy(problem["x"])
    weights = [torch.tensor(w, requires_grad=True) for w in problem["weights"]]
    biases = [torch.tensor(b, requires_grad=True) for b in problem["biases"]]
    params = weights + biases
    labels = torch.from_numpy(problem["labels"])

    def step() -> float:
        h = x
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = functional.linear(h, w, b)
            if i < len(weights) - 1:
                h = torch.relu(h)
        loss = functional.cross_entropy(h, labels)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LEARNING_RATE * p.grad
        return loss.item()

    return step


def torch_overhead(torch: Any) -> Any:
    a, b, c = (torch.tensor([v], requires_grad=True) for v in (1.0, 2.0, 3.0))

    def step() -> None:
        (a * b + c).backward()

    return step


# --- the table ------------------------------------------------------------------------

def run(repeats: int = 15) -> list[Row]:
    torch = try_import("torch")
    rows: list[Row] = []
    mlps = [("MLP 784-256-128-10, batch 128: train step", [784, 256, 128, 10], 128, 20),
            ("MLP 64-32-10, batch 32: train step", [64, 32, 10], 32, 200)]
    for workload, sizes, batch, calls in mlps:
        for dtype in (np.float32, np.float64):
            name = np.dtype(dtype).name
            problem = make_problem(sizes, batch, dtype)
            steps = {OURS: autograd_step(problem), "NumPy by hand (floor)": numpy_step(problem)}
            losses = {engine: step() for engine, step in steps.items()}
            if abs(losses[OURS] - losses["NumPy by hand (floor)"]) > 1e-3:
                raise AssertionError(f"{workload}: the engines disagree: {losses}")
            if torch is not None:
                steps[f"PyTorch {torch.__version__}"] = torch_step(torch, problem)
            for engine, seconds in interleaved_per_call(steps, calls, repeats).items():
                rows.append(Row(workload, engine, name, seconds))
            if torch is None:
                rows.append(missing(workload, "PyTorch", name, "torch==2.13.0"))
    workload = "per-op overhead: (a*b + c).backward(), 1 element"
    steps = {OURS: autograd_overhead()}
    if torch is not None:
        steps[f"PyTorch {torch.__version__}"] = torch_overhead(torch)
    for engine, seconds in interleaved_per_call(steps, 2000, repeats).items():
        rows.append(Row(workload, engine, "float32", seconds))
    if torch is None:
        rows.append(missing(workload, "PyTorch", "float32", "torch==2.13.0"))
    return rows


if __name__ == "__main__":
    from common import markdown_table
    print(markdown_table(run()))
