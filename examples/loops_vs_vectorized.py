"""Loops over scalars versus one matrix product per layer.

The same 100-100-50-10 network (tanh hidden layers, linear output) is evaluated twice
on the same inputs:

1. the scalar way: every weight is a ``Value`` and each neuron is a Python loop
   ``sum(w_i * x_i) + b`` — one graph node per multiplication and addition;
2. the vectorised way: each layer is one ``Tensor`` product ``x @ W.T + b``, so NumPy
   does the loops in compiled code.

Both record a graph (so both could call ``backward()``); the script checks that they
compute the same numbers and prints how much faster the matrix form is.

    .venv/bin/python examples/loops_vs_vectorized.py [--samples 4] [--repeats 20]
"""

from __future__ import annotations

import time

import _common
import numpy as np

from autograd import Tensor, Value

SIZES = (100, 100, 50, 10)


def make_weights(sizes: tuple[int, ...], rng: np.random.Generator) -> list:
    """One (W, b) pair per layer; W has shape (out, in) as in nn.Linear, scaled 1/sqrt(in)."""
    return [(rng.normal(size=(n_out, n_in)) / np.sqrt(n_in), rng.normal(size=n_out) * 0.1)
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def value_params(layers: list) -> list:
    """The weights as Value leaves: a list of rows of Values per layer, as nn.Layer holds them."""
    return [([[Value(w) for w in row] for row in W], [Value(v) for v in b]) for W, b in layers]


def tensor_params(layers: list) -> list:
    return [(Tensor(W, requires_grad=True), Tensor(b, requires_grad=True)) for W, b in layers]


def forward_values(x: list[float], weights: list) -> list[Value]:
    """The network as nested Python loops over Value nodes."""
    a = [Value(v) for v in x]
    for depth, (W, b) in enumerate(weights):
        z = []
        for row, bias in zip(W, b):
            total = bias
            for w, xi in zip(row, a):
                total = total + w * xi
            z.append(total)
        a = z if depth == len(weights) - 1 else [zi.tanh() for zi in z]
    return a


def forward_tensor(X: np.ndarray, params: list) -> Tensor:
    """The network as one matrix product per layer (a batch of inputs at once)."""
    a = Tensor(X)
    for depth, (W, b) in enumerate(params):
        z = a @ W.T + b
        a = z if depth == len(params) - 1 else z.tanh()
    return a


def best_time(fn, repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed measurement)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("loops_vs_vectorized", __doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=4, help="inputs per forward pass")
    p.add_argument("--repeats", type=int, default=20, help="timing runs for the Tensor path")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    out = _common.output_dir(args.out)
    rng = np.random.default_rng(args.seed)
    layers = make_weights(SIZES, rng)
    X = rng.normal(size=(args.samples, SIZES[0]))

    _common.section(f"A {'-'.join(map(str, SIZES))} network, {args.samples} inputs")
    n_weights = sum(W.size + b.size for W, b in layers)
    print(f"{n_weights} parameters; the scalar graph for one input has about "
          f"{2 * n_weights} nodes")

    _common.section("Python loops over Values")
    weights = value_params(layers)
    start = time.perf_counter()
    scalar_out = np.array([[v.data for v in forward_values(list(x), weights)] for x in X])
    t_loops = time.perf_counter() - start
    print(f"forward pass: {t_loops * 1e3:9.2f} ms  ({t_loops / args.samples * 1e3:.2f} ms "
          "per input)")

    _common.section("One Tensor matmul per layer")
    params = tensor_params(layers)
    tensor_out = forward_tensor(X, params).data
    t_tensor = best_time(lambda: forward_tensor(X, params), args.repeats)
    print(f"forward pass: {t_tensor * 1e3:9.3f} ms  (best of {args.repeats})")

    _common.section("Same numbers, different speed")
    max_diff = float(np.max(np.abs(scalar_out - tensor_out)))
    ratio = t_loops / t_tensor
    print(f"largest difference between the two outputs: {max_diff:.2e}")
    print(f"the vectorised forward pass is {ratio:,.0f}x faster")
    if max_diff > 1e-9:
        raise RuntimeError("the scalar and the tensor network disagree")

    fig, ax = _common.plt.subplots(figsize=(7, 3.2))
    bars = ax.barh(["Values, Python loops", "Tensor, one matmul per layer"],
                   [t_loops * 1e3, t_tensor * 1e3], color=["tab:orange", "tab:blue"])
    ax.bar_label(bars, fmt="%.3g ms", padding=3)
    ax.set_xscale("log")
    ax.set_xlabel("forward-pass time for the batch (ms, log scale)")
    ax.set_title(f"Forward pass of a {'-'.join(map(str, SIZES))} network on {args.samples} "
                 f"inputs\nthe matrix form is {ratio:,.0f}x faster")
    ax.set_xlim(t_tensor * 1e3 / 10, t_loops * 1e3 * 20)
    figure = _common.save(fig, out / "timings.png")
    print(f"\nfigure: {figure}")
    return {"loops_seconds": t_loops, "tensor_seconds": t_tensor, "ratio": ratio,
            "max_abs_diff": max_diff, "figure": str(figure)}


if __name__ == "__main__":
    main()
