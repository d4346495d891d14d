"""A three-layer network learns XOR, which no single neuron can.

    inputs     output
    0 0 1        0
    0 1 1        1
    1 0 1        1
    1 1 1        0

The output is the exclusive or of the first two columns: no weighted sum of the
inputs separates the ones from the zeros, so the single neuron of single_neuron.py
fails here. A hidden layer of four sigmoid units gives the output neuron new features
to combine: input (3) -> hidden (4) -> output (1), sigmoid everywhere, no biases (the
constant third column plays that part), weights drawn with NumPy's legacy generator
(``np.random.seed(1)``, uniform in [-1, 1)), 60,000 full-batch gradient steps with
learning rate 1 on the quadratic cost 1/2 sum (output - y)^2.

The model is an ``nn.Sequential`` of two bias-free ``nn.Linear`` layers; the script
prints what the hidden layer computes before and after training.

    .venv/bin/python examples/two_layer_xor.py [--iterations 60000]
"""

from __future__ import annotations

import time

import _common
import numpy as np

import nn
from autograd import Tensor, no_grad

INPUTS = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
TARGETS = np.array([[0, 1, 1, 0]], dtype=float).T


def build_model() -> tuple[nn.Module, nn.Module]:
    """The network and its hidden part, with the tutorial's starting weights.

    The tutorial's matrices have shape (inputs, outputs); nn.Linear stores the
    transpose (out_features, in_features), as PyTorch does.
    """
    np.random.seed(1)
    w_hidden = 2 * np.random.random((3, 4)) - 1
    w_output = 2 * np.random.random((4, 1)) - 1
    hidden = nn.Sequential(nn.Linear(3, 4, bias=False), nn.Sigmoid())
    output = nn.Sequential(nn.Linear(4, 1, bias=False), nn.Sigmoid())
    hidden[0].weight.data[...] = w_hidden.T
    output[0].weight.data[...] = w_output.T
    return nn.Sequential(hidden, output), hidden


def show(title: str, values: np.ndarray) -> None:
    print(title)
    for row, v in zip(INPUTS.astype(int), values):
        print(f"  {row} -> " + "  ".join(f"{x:6.3f}" for x in np.atleast_1d(v)))


def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("two_layer_xor", __doc__.splitlines()[0])
    p.add_argument("--iterations", type=int, default=60_000)
    p.add_argument("--lr", type=float, default=1.0)
    args = p.parse_args(argv)
    out = _common.output_dir(args.out)
    X, y = Tensor(INPUTS), Tensor(TARGETS)

    _common.section("The network: 3 inputs -> 4 hidden sigmoid units -> 1 sigmoid output")
    model, hidden = build_model()
    print(model)
    with no_grad():
        hidden_before = hidden(X).data.copy()
        output_before = model(X).data.ravel().copy()
    show("hidden activations before training (one row per example):", hidden_before)
    show("output before training:", output_before)

    _common.section(f"Training: {args.iterations} full-batch gradient steps, lr {args.lr}")
    optimizer = nn.optim.SGD(model.parameters(), lr=args.lr)
    costs = []
    start = time.perf_counter()
    for step in range(args.iterations):
        optimizer.zero_grad()
        cost = nn.functional.sse_loss(model(X), y)
        cost.backward()
        optimizer.step()
        costs.append(cost.item())
        if step + 1 in (1, 10, 100, 1000, 10_000) or step + 1 == args.iterations:
            print(f"  step {step + 1:>6}: cost {costs[-1]:.6f}")
    seconds = time.perf_counter() - start
    print(f"({seconds:.1f} s)")

    _common.section("What the hidden layer learned")
    with no_grad():
        hidden_after = hidden(X).data.copy()
        output_after = model(X).data.ravel().copy()
    show("hidden activations after training:", hidden_after)
    show("output after training (target 0 1 1 0):", output_after)
    max_error = float(np.max(np.abs(output_after - TARGETS.ravel())))
    print(f"largest distance from a target: {max_error:.4f}")

    figure = plot(out, costs, hidden_before, hidden_after, model)
    print(f"\nfigure: {figure}")
    return {"final_cost": costs[-1], "outputs": output_after.tolist(),
            "max_error": max_error, "hidden_before": hidden_before.tolist(),
            "hidden_after": hidden_after.tolist(), "seconds": seconds, "figure": str(figure)}


def plot(out, costs, hidden_before, hidden_after, model) -> str:
    plt = _common.plt
    fig, axes = plt.subplots(2, 2, figsize=(10, 8))
    rows = [str(r) for r in INPUTS.astype(int).tolist()]
    for ax, values, when in ((axes[0, 0], hidden_before, "before"),
                             (axes[0, 1], hidden_after, "after")):
        image = ax.imshow(values, cmap="viridis", vmin=0, vmax=1)
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center",
                    color="white" if v < 0.5 else "black")
        ax.set_xticks(range(values.shape[1]), [f"h{j + 1}" for j in range(values.shape[1])])
        labels = [f"{r}: y = {t}" for r, t in zip(rows, TARGETS.ravel().astype(int))]
        ax.set_yticks(range(len(rows)), labels if when == "before" else [])
        ax.set_title(f"Hidden activations {when} training\n(a row per input and its target y)",
                     fontsize=10)
        ax.set_xlabel("hidden unit")
        fig.colorbar(image, ax=ax, fraction=0.046, label="hidden unit's output (sigmoid)")
    ax = axes[1, 0]
    ax.loglog(np.arange(1, len(costs) + 1), costs)
    ax.set(xlabel="iteration", ylabel="cost 1/2 sum (output - y)^2", title="Training cost")
    ax.grid(alpha=0.3, which="both")
    # The trained network on the whole unit square (third input held at 1).
    ax = axes[1, 1]
    grid = np.linspace(-0.25, 1.25, 121)
    g1, g2 = np.meshgrid(grid, grid)
    points = np.column_stack([g1.ravel(), g2.ravel(), np.ones(g1.size)])
    with no_grad():
        surface = model(Tensor(points)).data.reshape(g1.shape)
    image = ax.contourf(g1, g2, surface, levels=np.linspace(0, 1, 11), cmap="coolwarm")
    fig.colorbar(image, ax=ax, fraction=0.046, label="network output")
    for (x1, x2, _), target in zip(INPUTS, TARGETS.ravel()):
        ax.plot(x1, x2, "o", ms=11, mfc="white", mec="black")
        ax.annotate(f"y = {target:.0f}", (x1, x2), xytext=(0, 12), textcoords="offset points",
                    ha="center", fontweight="bold")
    ax.set(xlabel="input 1", ylabel="input 2",
           title="Trained output (the 3rd input, a constant, is 1)")
    return str(_common.save(fig, out / "xor.png"))


if __name__ == "__main__":
    main()
