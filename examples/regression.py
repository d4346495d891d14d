"""Fitting curves: from one neuron and a line to small networks and a wiggly function.

1. One neuron without activation is a line: it recovers slope and intercept.
2. sin(x) on [-3, 3] with one hidden tanh layer of 2, 5 and 50 neurons.
3. A harder curve, sin(3x) + x/2, with one knob turned at a time:
   linear vs ReLU vs tanh hidden units, plain SGD vs SGD with momentum,
   ``xavier_normal`` vs ``kaiming_normal`` initial weights, one vs two hidden layers.
4. Outside the training range: what the tanh and the ReLU networks predict on [-6, 6].

Every fit is full batch (all 200 points each step) with ``nn.fit``; every step saves
a figure of the fits and their loss curves.

    .venv/bin/python examples/regression.py [--epochs 1500]
"""

from __future__ import annotations

import time

import _common
import numpy as np

import nn
from autograd import Tensor, no_grad

ACTIVATION_MODULES = {"linear": nn.Identity, "relu": nn.ReLU, "tanh": nn.Tanh}


def harder_curve(x: np.ndarray) -> np.ndarray:
    return np.sin(3 * x) + 0.5 * x


def make_model(sizes: list[int], activation: str, init: str, seed: int) -> nn.Sequential:
    """Linear layers of ``sizes`` with ``activation`` between them (none after the last)."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out, init=init, rng=rng))
        if i < len(sizes) - 2:
            layers.append(ACTIVATION_MODULES[activation]())
    return nn.Sequential(*layers)


def make_optimizer(name: str, params: list):
    if name == "sgd":
        return nn.optim.SGD(params, lr=0.05)
    if name == "momentum":
        return nn.optim.SGD(params, lr=0.05, momentum=0.9)
    return nn.optim.Adam(params, lr=0.01)


def train(X, y, hidden, activation="tanh", optimizer="adam", init="xavier_normal",
          epochs=1500, seed=0) -> dict:
    """Fit one network; returns the model, its loss curve and its final loss."""
    model = make_model([1, *hidden, 1], activation, init, seed)
    history = nn.fit(model, X, y, loss=nn.functional.mse_loss,
                     optimizer=make_optimizer(optimizer, model.parameters()),
                     epochs=epochs, batch_size=len(X), progress=False)
    losses = history.history["loss"]
    return {"model": model, "losses": losses, "final_loss": float(losses[-1])}


def predict(model, x: np.ndarray) -> np.ndarray:
    with no_grad():
        return model(Tensor(x.reshape(-1, 1))).data.ravel()


def compare(title: str, path, X, y, truth, runs: dict[str, dict], x_plot=None,
            truth_label: str = "true curve (without the noise)",
            noise_std: float = 0.05) -> str:
    """Two panels: the fitted curves over the data, and the loss curves (log scale).

    The loss panel marks the noise's variance: the mean squared error of the true
    curve itself, so no fit can go (much) below it on the training data.
    """
    plt = _common.plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    x_plot = np.linspace(X.min(), X.max(), 400) if x_plot is None else x_plot
    if x_plot.min() < X.min() or x_plot.max() > X.max():
        left.axvspan(X.min(), X.max(), color="tab:green", alpha=0.08, label="training range")
    left.scatter(X.ravel(), y.ravel(), s=8, color="lightgrey", label="training data")
    for name, run in runs.items():
        left.plot(x_plot, predict(run["model"], x_plot), lw=2, label=name)
        right.semilogy(run["losses"], label=f"{name}: ends at {run['final_loss']:.2g}")
    # drawn last, so that a fit lying on it does not hide it
    left.plot(x_plot, truth(x_plot), color="black", lw=1, ls="--", label=truth_label,
              zorder=5)
    right.axhline(noise_std ** 2, color="grey", ls=":", lw=1.2,
                  label=f"noise variance {noise_std ** 2:.2g} (the true curve's error)")
    left.set(xlabel="x", ylabel="y", title=f"{title}: fits")
    right.set(xlabel="epoch (full batch)", ylabel="mean squared error (log scale)",
              title=f"{title}: training loss")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    right.grid(alpha=0.3, which="both")
    return str(_common.save(fig, path))


def report(runs: dict[str, dict]) -> dict[str, float]:
    for name, run in runs.items():
        print(f"  {name:<28} final training loss {run['final_loss']:.4f}")
    return {name: run["final_loss"] for name, run in runs.items()}


def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("regression", __doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1500, help="full-batch epochs per network")
    p.add_argument("--points", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    out = _common.output_dir(args.out)
    rng = np.random.default_rng(args.seed)
    epochs = args.epochs
    results, figures = {}, []
    start = time.perf_counter()

    _common.section("1. One neuron fits a line: y = 2x + 1 + noise")
    X = rng.uniform(-3, 3, size=(args.points, 1))
    y = 2 * X + 1 + rng.normal(0, 0.5, size=X.shape)
    line = train(X, y, hidden=[], epochs=300, optimizer="sgd")
    w = float(line["model"][0].weight.data.item())
    b = float(line["model"][0].bias.data.item())
    slope, intercept = np.polyfit(X.ravel(), y.ravel(), 1)
    print(f"  learned      w = {w:.4f}, b = {b:.4f}")
    print(f"  least squares w = {slope:.4f}, b = {intercept:.4f}  (the exact optimum)")
    results["line"] = {"w": w, "b": b, "w_lstsq": float(slope), "b_lstsq": float(intercept)}
    figures.append(compare("One neuron", out / "1_line.png", X, y, lambda x: 2 * x + 1,
                           {f"learned: y = {w:.2f} x + {b:.2f}": line},
                           truth_label="true: y = 2 x + 1 (the data add noise)",
                           noise_std=0.5))

    _common.section("2. sin(x) on [-3, 3]: more hidden neurons, a better fit")
    y = np.sin(X) + rng.normal(0, 0.05, size=X.shape)
    runs = {f"{n} hidden tanh units": train(X, y, [n], epochs=epochs) for n in (2, 5, 50)}
    results["sine_width"] = report(runs)
    figures.append(compare("sin(x)", out / "2_sine_width.png", X, y, np.sin, runs))

    _common.section("3. A harder curve, sin(3x) + x/2, one knob at a time")
    y = harder_curve(X) + rng.normal(0, 0.05, size=X.shape)
    print("activation (32 hidden units, Adam):")
    act_runs = {a: train(X, y, [32], activation=a, epochs=epochs)
                for a in ("linear", "relu", "tanh")}
    results["activation"] = report(act_runs)
    figures.append(compare("Activation", out / "3a_activation.png", X, y, harder_curve,
                           act_runs))

    print("optimiser (32 tanh units, lr 0.05):")
    runs = {"SGD": train(X, y, [32], optimizer="sgd", epochs=epochs),
            "SGD + momentum 0.9": train(X, y, [32], optimizer="momentum", epochs=epochs)}
    results["optimizer"] = report(runs)
    figures.append(compare("Optimiser", out / "3b_optimizer.png", X, y, harder_curve, runs))

    print("initial weights (two ReLU layers of 32, Adam):")
    runs = {init: train(X, y, [32, 32], activation="relu", init=init, epochs=epochs)
            for init in ("xavier_normal", "kaiming_normal")}
    results["init"] = report(runs)
    figures.append(compare("Initialisation", out / "3c_init.png", X, y, harder_curve, runs))

    print("depth (tanh, Adam):")
    runs = {"one hidden layer of 32": act_runs["tanh"],
            "two hidden layers of 32": train(X, y, [32, 32], epochs=epochs)}
    results["depth"] = report(runs)
    figures.append(compare("Depth", out / "3d_depth.png", X, y, harder_curve, runs))

    _common.section("4. Outside the training range: x in [-6, 6]")
    x_far = np.linspace(-6, 6, 600)
    extrapolation = {}
    for name in ("relu", "tanh"):
        pred = predict(act_runs[name]["model"], np.array([-6.0, 6.0]))
        truth = harder_curve(np.array([-6.0, 6.0]))
        extrapolation[name] = pred.tolist()
        print(f"  {name:<5} net at x = -6, 6: {pred[0]:7.3f} {pred[1]:7.3f}   "
              f"(true {truth[0]:.3f} {truth[1]:.3f})")
    print("  tanh units saturate, so the tanh net flattens out; the ReLU net continues")
    print("  its last linear pieces. Neither knows the curve outside the data it saw.")
    results["extrapolation"] = extrapolation
    figure = compare("Extrapolation", out / "4_extrapolation.png", X, y, harder_curve,
                     {"ReLU": act_runs["relu"], "tanh": act_runs["tanh"]}, x_plot=x_far)
    figures.append(figure)

    seconds = time.perf_counter() - start
    print(f"\n{len(figures)} figures in {out} ({seconds:.1f} s)")
    return {**results, "figures": figures, "seconds": seconds}


if __name__ == "__main__":
    main()
