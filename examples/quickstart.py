"""Quick start: one neuron by hand, its graph, then a small network learning two moons.

1. A neuron with two inputs, built from Values: o = tanh(x1 w1 + x2 w2 + b).
   ``o.backward()`` fills every node's ``.grad`` with d o / d node; the graph, with
   each node's data and grad, is drawn by ``autograd.draw_graph``.
2. A two-class set in the plane (scikit-learn's ``make_moons``) and a multilayer
   perceptron, 2 -> 16 -> 16 -> 1, trained with ``nn.fit`` (a progress bar per epoch
   when run in a terminal) on the logistic loss.
3. Pictures: the decision boundary, the loss curve and the graph of one training step.

    .venv/bin/python examples/quickstart.py [--out DIR] [--epochs 20]
"""

from __future__ import annotations

import time
from pathlib import Path

import _common
import graphviz
import numpy as np

import nn
from autograd import Tensor, Value, draw_graph, no_grad


def render(dot: graphviz.Digraph, path: Path, formats=("svg", "png")) -> list[str]:
    """Write the drawing in each format; without Graphviz's ``dot``, keep the DOT source."""
    written = []
    try:
        for fmt in formats:
            written.append(dot.render(str(path), format=fmt, cleanup=True))
    except graphviz.ExecutableNotFound as error:
        source = path.with_suffix(".dot")
        source.write_text(dot.source)
        print(f"  (could not render: {error})\n  DOT source saved instead: {source}")
        written.append(str(source))
    return written


def neuron(out: Path) -> dict:
    _common.section("1. One neuron, forward and backward")
    x1, x2 = Value(2.0, label="x1"), Value(-1.0, label="x2")
    w1, w2 = Value(-0.5, label="w1"), Value(0.75, label="w2")
    b = Value(1.2, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    print(f"forward:  n = x1*w1 + x2*w2 + b = {n.data:.4f},  o = tanh(n) = {o.data:.4f}")
    o.backward()
    print("backward: d o / d leaf  (tanh'(n) = 1 - o^2 = "
          f"{1 - o.data ** 2:.4f}, times the other factor)")
    for v in (x1, x2, w1, w2, b):
        print(f"  d o / d {v.label:<2} = {v.grad: .4f}")
    # params= tells the drawing which leaves are parameters (gold) and which inputs (grey)
    files = render(draw_graph(o, rankdir="LR", params=[w1, w2, b],
                              title="o = tanh(x1*w1 + x2*w2 + b)"),
                   out / "neuron_graph")
    return {"o": o.data, "grads": {v.label: v.grad for v in (x1, x2, w1, w2, b)},
            "files": files}


def moons(out: Path, epochs: int, seed: int) -> dict:
    from sklearn.datasets import make_moons

    _common.section("2. A small network learns two moons")
    X, y = make_moons(n_samples=300, noise=0.15, random_state=seed)
    X_train, X_test, y_train, y_test = nn.data.train_test_split(
        X, y, test_size=0.2, rng=np.random.default_rng(seed))
    print(f"{len(X_train)} training and {len(X_test)} test points in 2-D, classes 0 and 1")
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(2, 16, rng=rng), nn.Tanh(),
                          nn.Linear(16, 16, rng=rng), nn.Tanh(),
                          nn.Linear(16, 1, rng=rng))
    print(model)
    print(f"{sum(p.size for p in model.parameters())} parameters; training for {epochs} "
          "epochs:")
    start = time.perf_counter()
    history = nn.fit(model, X_train, y_train.reshape(-1, 1),
                     loss=nn.functional.binary_cross_entropy_with_logits,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.01),
                     epochs=epochs, batch_size=8, rng=rng,
                     validation_data=(X_test, y_test.reshape(-1, 1)))
    seconds = time.perf_counter() - start
    h = history.history
    test = nn.evaluate(model, X_test, y_test.reshape(-1, 1),
                       loss=nn.functional.binary_cross_entropy_with_logits)
    if history.epoch:
        print(f"done in {seconds:.1f} s: loss {h['loss'][0]:.3f} -> {h['loss'][-1]:.3f}, "
              f"training accuracy {h['accuracy'][-1]:.3f}, test accuracy "
              f"{test['accuracy']:.3f}")
    else:
        print(f"no training (0 epochs): test loss {test['loss']:.3f}, test accuracy "
              f"{test['accuracy']:.3f}")

    _common.section("3. Pictures")
    files = [plot_boundary(out, model, X_train, y_train, X_test, y_test, test["accuracy"])]
    if history.epoch:
        files.append(plot_loss(out, h))
    # One training step's graph: the loss of a batch of 4 points.
    loss = nn.functional.binary_cross_entropy_with_logits(
        model(Tensor(X_train[:4])), Tensor(y_train[:4].reshape(-1, 1)))
    loss.backward()
    files += render(draw_graph(loss, params=model.parameters(),
                               title="loss of the MLP on a batch of 4 points"),
                    out / "mlp_graph")
    return {"history": h, "test_accuracy": test["accuracy"],
            "final_loss": h["loss"][-1] if history.epoch else None,
            "seconds": seconds, "files": files}


def plot_boundary(out, model, X_train, y_train, X_test, y_test, test_accuracy) -> str:
    lo, hi = np.vstack([X_train, X_test]).min(0) - 0.5, np.vstack([X_train, X_test]).max(0) + 0.5
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    with no_grad():
        prob = model(Tensor(np.column_stack([g1.ravel(), g2.ravel()]))).sigmoid().data
    fig, ax = _common.plt.subplots(figsize=(6.5, 5))
    image = ax.contourf(g1, g2, prob.reshape(g1.shape), levels=np.linspace(0, 1, 11),
                        cmap="RdBu_r", alpha=0.35)
    ax.contour(g1, g2, prob.reshape(g1.shape), levels=[0.5], colors="black", linewidths=1.5)
    fig.colorbar(image, ax=ax, label="P(class 1)")
    for cls, color in ((0, "tab:blue"), (1, "tab:red")):
        ax.scatter(*X_train[y_train == cls].T, c=color, edgecolors="white", s=25,
                   label=f"class {cls} (training)")
        ax.scatter(*X_test[y_test == cls].T, c=color, edgecolors="black", marker="s", s=30,
                   label=f"class {cls} (test)")
    ax.set(xlabel="x1", ylabel="x2",
           title=f"Decision boundary (black line), test accuracy {test_accuracy:.3f}")
    ax.legend(fontsize=8, loc="lower left")
    return str(_common.save(fig, out / "decision_boundary.png"))


def plot_loss(out, h) -> str:
    epochs = np.arange(1, len(h["loss"]) + 1)
    fig, ax = _common.plt.subplots(figsize=(6.5, 4))
    ax.plot(epochs, h["loss"], label="training loss")
    ax.plot(epochs, h["val_loss"], label="test loss")
    ax.set(xlabel="epoch", ylabel="binary cross-entropy", title="Loss during training")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(_common.plt.MaxNLocator(integer=True))
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return str(_common.save(fig, out / "loss_curve.png"))


def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("quickstart", __doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    out = _common.output_dir(args.out)
    first = neuron(out)
    second = moons(out, args.epochs, args.seed)
    files = first["files"] + second["files"]
    print("\nFiles written:")
    for f in files:
        print(f"  {f}")
    print("Open the PNG files, or the SVG graph in a browser.")
    return {"neuron_output": first["o"], "neuron_grads": first["grads"],
            "test_accuracy": second["test_accuracy"], "final_loss": second["final_loss"],
            "train_seconds": second["seconds"], "files": files}


if __name__ == "__main__":
    main()
