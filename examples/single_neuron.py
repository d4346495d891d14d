"""The classic single neuron: three inputs, a sigmoid, and 10,000 steps of gradient descent.

Four training examples; the answer is the first input column:

    inputs     output
    0 0 1        0
    1 1 1        1
    1 0 1        1
    0 1 1        0

The neuron computes sigmoid(x . w) — three weights, no bias — starting from weights
drawn with NumPy's legacy generator (``np.random.seed(1)``, uniform in [-1, 1)). Each
iteration takes one full-batch gradient step, learning rate 1, on the quadratic cost
C = 1/2 sum (output - y)^2 (``nn.functional.sse_loss``). Its gradient step is exactly
the tutorial's update w += X^T ((y - output) * output (1 - output)).

It is done twice, and both must print the same numbers:

1. with Tensors: the whole table at once, ``(X @ w).sigmoid()``;
2. with the scalar ``nn.Neuron``: one Value per weight, one example at a time.
   ``nn.Neuron`` has a bias; the classic neuron does not, so the bias is set to 0 and
   left out of the optimiser (it never moves).

Finally the trained neuron is asked about a new situation, [1, 0, 0].

    .venv/bin/python examples/single_neuron.py [--iterations 10000]
"""

from __future__ import annotations

import time
from collections.abc import Callable

import _common
import numpy as np

import nn
from autograd import Tensor

INPUTS = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=float)
TARGETS = np.array([[0, 1, 1, 0]], dtype=float).T
NEW_CASE = [1.0, 0.0, 0.0]


def starting_weights() -> np.ndarray:
    """The tutorial's draw: legacy seed 1, uniform on [-1, 1), shape (3, 1)."""
    np.random.seed(1)
    return 2 * np.random.random((3, 1)) - 1


def train_tensor(w0: np.ndarray, iterations: int, lr: float) -> tuple[np.ndarray, list]:
    """Full-batch gradient descent with the Tensor engine; returns weights and cost curve."""
    X, y = Tensor(INPUTS), Tensor(TARGETS)
    w = Tensor(w0.copy(), requires_grad=True, label="w")
    optimizer = nn.optim.SGD([w], lr=lr)
    costs = []
    for _ in range(iterations):
        optimizer.zero_grad()
        cost = nn.functional.sse_loss((X @ w).sigmoid(), y)
        cost.backward()
        optimizer.step()
        costs.append(cost.item())
    return w.data.copy(), costs


def scalar_neuron(w0: np.ndarray) -> nn.Neuron:
    """An nn.Neuron carrying the classic weights and a bias fixed at 0."""
    neuron = nn.Neuron(3, activation="sigmoid")
    for wi, value in zip(neuron.w, w0.ravel()):
        wi.data = float(value)
    neuron.b.data = 0.0
    return neuron


def train_scalar(w0: np.ndarray, iterations: int, lr: float) -> tuple[np.ndarray, list]:
    """The same descent with Values: one neuron call per example, summed into the cost."""
    neuron = scalar_neuron(w0)
    optimizer = nn.optim.SGD(list(neuron.w), lr=lr)  # not the bias: the classic has none
    rows = [[float(v) for v in row] for row in INPUTS]
    targets = [float(t) for t in TARGETS.ravel()]
    costs = []
    for _ in range(iterations):
        optimizer.zero_grad()
        outputs = [neuron(row) for row in rows]
        cost = nn.functional.sse_loss(outputs, targets)
        cost.backward()
        optimizer.step()
        costs.append(cost.data)
    return np.array([[wi.data] for wi in neuron.w]), costs


def predict_tensor(w: np.ndarray, x: list[float]) -> float:
    return (Tensor([x]) @ Tensor(w)).sigmoid().item()


def predict_scalar(w: np.ndarray, x: list[float]) -> float:
    return scalar_neuron(w)(x).data


def run_engine(title: str, train: Callable, predict: Callable, w0: np.ndarray,
               iterations: int, lr: float) -> tuple[np.ndarray, list, float, float]:
    """Train with one engine and print what it learned.

    Returns the trained weights, the cost curve, the prediction for ``NEW_CASE`` and
    the training time in seconds.
    """
    _common.section(title)
    start = time.perf_counter()
    w, costs = train(w0, iterations, lr)
    seconds = time.perf_counter() - start
    prediction = predict(w, NEW_CASE)
    print(f"trained weights: {w.ravel()}")
    print(f"final cost:      {costs[-1]:.3e}")
    print(f"prediction for {NEW_CASE}: {prediction:.8f}   ({seconds:.2f} s)")
    return w, costs, prediction, seconds


def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("single_neuron", __doc__.splitlines()[0])
    p.add_argument("--iterations", type=int, default=10_000)
    p.add_argument("--lr", type=float, default=1.0)
    args = p.parse_args(argv)
    out = _common.output_dir(args.out)

    _common.section("Starting weights (np.random.seed(1); 2 * random((3, 1)) - 1)")
    w0 = starting_weights()
    print(w0.ravel())

    w_tensor, costs_tensor, p_tensor, t_tensor = run_engine(
        f"Tensor engine: {args.iterations} full-batch steps",
        train_tensor, predict_tensor, w0, args.iterations, args.lr)
    w_scalar, costs_scalar, p_scalar, t_scalar = run_engine(
        f"Scalar engine (nn.Neuron, bias fixed at 0): {args.iterations} steps",
        train_scalar, predict_scalar, w0, args.iterations, args.lr)

    _common.section("Do the two engines agree?")
    weight_diff = float(np.max(np.abs(w_tensor - w_scalar)))
    prediction_diff = abs(p_tensor - p_scalar)
    print(f"largest weight difference: {weight_diff:.1e}")
    print(f"prediction difference:     {prediction_diff:.1e}")
    print(f"the scalar engine took {t_scalar / t_tensor:.1f}x as long as the tensor engine")

    fig, ax = _common.plt.subplots(figsize=(6.5, 4))
    steps = np.arange(1, args.iterations + 1)
    ax.loglog(steps, costs_tensor, lw=3, alpha=0.5, label="Tensor engine")
    ax.loglog(steps, costs_scalar, "--", color="black", lw=1, label="nn.Neuron (Values)")
    ax.set(xlabel="iteration", ylabel="cost  1/2 sum (output - y)^2",
           title=f"One sigmoid neuron learns the first column\n"
                 f"prediction for [1, 0, 0]: {p_tensor:.5f}")
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    figure = _common.save(fig, out / "cost.png")
    print(f"\nfigure: {figure}")
    return {"start_weights": w0.ravel().tolist(), "weights_tensor": w_tensor.ravel().tolist(),
            "weights_scalar": w_scalar.ravel().tolist(), "prediction_tensor": p_tensor,
            "prediction_scalar": p_scalar, "max_weight_diff": weight_diff,
            "final_cost": costs_tensor[-1], "seconds_tensor": t_tensor,
            "seconds_scalar": t_scalar, "figure": str(figure)}


if __name__ == "__main__":
    main()
