# %% [markdown]
# # Weight initialisation through 100 layers
#
# How the spread of the activations grows, stays or vanishes through 100 layers for four
# initialisations, with no activation, tanh and ReLU.

# %%
"""Why initialisation matters: activations through 100 layers of 512 units.

A batch of standard-normal inputs goes through 100 fully connected layers of width 512
(no biases, no training), in float32 as the deep-learning frameworks compute. Each
layer multiplies by a fresh weight matrix drawn with one of four schemes from
``nn.init``:

- standard normal N(0, 1): each layer multiplies the spread by about sqrt(512) ~ 23;
- 1/sqrt(n) (``lecun_normal``): std 1/sqrt(fan_in) keeps a linear layer's output at
  unit variance;
- Xavier/Glorot (``xavier_normal``): std sqrt(2 / (fan_in + fan_out)), derived for
  tanh-like activations;
- Kaiming/He (``kaiming_normal``, nonlinearity="relu"): std sqrt(2 / fan_in), which
  doubles the variance to make up for ReLU zeroing half of it.

The script records the standard deviation of the activations after every layer,
without an activation function, with tanh and with ReLU, and reports the first layer
whose values are no longer finite (float32 overflows at about 3.4e38).

    .venv/bin/python examples/init_depth.py [--layers 100] [--width 512] [--batch 64]
"""

from __future__ import annotations

import math

import _common
import numpy as np

import nn
from autograd import Tensor, no_grad

# %%
INITS = {
    "standard normal": lambda shape, rng: nn.init.normal(shape, rng=rng),
    "1/sqrt(n)": lambda shape, rng: nn.init.lecun_normal(shape, rng=rng),
    "Xavier": lambda shape, rng: nn.init.xavier_normal(shape, rng=rng),
    "Kaiming": lambda shape, rng: nn.init.kaiming_normal(shape, nonlinearity="relu", rng=rng),
}
ACTIVATIONS = {
    "none": lambda t: t,
    "tanh": lambda t: t.tanh(),
    "relu": lambda t: t.relu(),
}
REPORT_LAYERS = (1, 10, 50, 100)


# %%
def run(layers: int, width: int, batch: int, seed: int) -> dict:
    """Std of the activations after each layer, for every (init, activation) pair.

    Returns {(init, activation): array of ``layers`` stds} (nan once values overflow).
    The same weight matrices serve the three activations of an init scheme, so the
    comparison between activations is not blurred by different random draws.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width)).astype(np.float32)
    stds = {}
    with no_grad(), np.errstate(all="ignore"):  # overflow is what we are here to see
        for init_name, init in INITS.items():
            h = {act: Tensor(x, dtype=np.float32) for act in ACTIVATIONS}
            curves = {act: np.empty(layers) for act in ACTIVATIONS}
            for layer in range(layers):
                # (out, in) layout as in nn.Linear; the layer computes h @ W.T
                W = Tensor(init((width, width), rng).T, dtype=np.float32)
                for act, f in ACTIVATIONS.items():
                    h[act] = f(h[act] @ W)
                    values = h[act].data
                    finite = np.isfinite(values).all()
                    curves[act][layer] = values.std(dtype=np.float64) if finite else np.nan
            for act in ACTIVATIONS:
                stds[init_name, act] = curves[act]
    return stds


# %%
def first_nonfinite(curve: np.ndarray) -> int | None:
    """The first layer (1-based) whose activations are not all finite, or None."""
    bad = np.flatnonzero(np.isnan(curve))
    return int(bad[0]) + 1 if bad.size else None


# Each scheme drawn so that it stays visible where curves coincide: 1/sqrt(n) and
# Xavier are equal for square layers, so one is a thick pale line, the other dashed on it.
STYLES = {
    "standard normal": {"color": "#1f77b4", "ls": "-", "marker": "o", "lw": 1.6},
    "1/sqrt(n)": {"color": "#ff7f0e", "ls": "--", "marker": "s", "lw": 1.8, "zorder": 3},
    "Xavier": {"color": "#2ca02c", "ls": "-", "marker": "^", "lw": 5, "alpha": 0.45},
    "Kaiming": {"color": "#d62728", "ls": "-.", "marker": "D", "lw": 1.6},
}


# %%
def plot(stds: dict, layers: int, width: int):
    """One panel per activation, each with its own log-scale y axis fitted to the
    curves that stay finite; a curve that overflows leaves through the top with a note."""
    fig, axes = _common.plt.subplots(1, 3, figsize=(14, 4.6))
    layer_index = np.arange(1, layers + 1)
    for ax, act in zip(axes, ACTIVATIONS):
        kept = [stds[i, act] for i in INITS if first_nonfinite(stds[i, act]) is None]
        finite = np.concatenate(kept) if kept else np.array([1e-3, 1e3])
        finite = finite[np.isfinite(finite) & (finite > 0)]
        overflows = len(kept) < len(INITS)  # then leave headroom for the note
        low, high = float(finite.min()) / 4, float(finite.max()) * (3e3 if overflows else 4)
        ax.set_yscale("log")
        ax.set_ylim(low, high)
        for init_name in INITS:
            curve = stds[init_name, act]
            ax.plot(layer_index, curve, label=init_name, markevery=max(1, layers // 10),
                    ms=5, **STYLES[init_name])
            bad = first_nonfinite(curve)
            if bad is not None:
                ax.annotate(f"{init_name}: std x{math.sqrt(width):.0f} per layer,\n"
                            f"float32 overflows at layer {bad}",
                            xy=(bad - 1, high), xytext=(0.2, 0.97),
                            textcoords="axes fraction", fontsize=8, va="top",
                            color=STYLES[init_name]["color"],
                            arrowprops={"arrowstyle": "->", "color": STYLES[init_name]["color"]})
        ends = sorted((stds[i, act][-1], i) for i in INITS
                      if np.isfinite(stds[i, act][-1]) and low < stds[i, act][-1] < high)
        gap = (math.log10(high) - math.log10(low)) * 0.06
        placed: list[float] = []
        for last, init_name in ends:  # the last layer's value, labels kept apart
            y = math.log10(last) if not placed else max(math.log10(last), placed[-1] + gap)
            placed.append(y)
            ax.annotate(f"{last:.2g}", (layers, last), xytext=(layers * 1.03, 10 ** y),
                        fontsize=8, va="center", color=STYLES[init_name]["color"])
        ax.set_xlim(0, layers * 1.2)
        ax.set_title(f"activation: {act}")
        ax.set_xlabel("layer")
        ax.set_ylabel("std of the activations (log scale; own axis per panel)")
        ax.grid(alpha=0.3, which="both", lw=0.5)
    axes[0].legend(title="weight init", fontsize=8, title_fontsize=8, loc="center left")
    fig.suptitle(f"Activation spread through {layers} layers of width {width} (float32). "
                 "1/sqrt(n) and Xavier coincide here: square layers, fan_in = fan_out",
                 fontsize=11)
    return fig


# %%
def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("init_depth", __doc__.splitlines()[0])
    p.add_argument("--layers", type=int, default=100)
    p.add_argument("--width", type=int, default=512)
    p.add_argument("--batch", type=int, default=64, help="inputs pushed through together")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    out = _common.output_dir(args.out)

    _common.section(f"{args.layers} layers of width {args.width}, float32, "
                    f"{args.batch} standard-normal inputs")
    stds = run(args.layers, args.width, args.batch, args.seed)
    report = [l for l in REPORT_LAYERS if l <= args.layers]

    _common.section("Standard deviation of the activations after layer ...")
    header = "".join(f"{'layer ' + str(l):>11}" for l in report)
    print(f"{'init':<16}{'activation':<11}{header}   first non-finite layer")
    table = {}
    for (init_name, act), curve in stds.items():
        row = {l: float(curve[l - 1]) for l in report}
        bad = first_nonfinite(curve)
        table[f"{init_name}/{act}"] = {"std": row, "first_nonfinite": bad}
        cells = "".join(f"{row[l]:11.3g}" for l in report)
        print(f"{init_name:<16}{act:<11}{cells}   {bad if bad else '-'}")

    _common.section("What it shows")
    sn = table["standard normal/none"]["first_nonfinite"]
    kr = table["Kaiming/relu"]["std"][report[-1]]
    xt = table["Xavier/tanh"]["std"][report[-1]]
    print(f"standard normal, no activation: overflows float32 at layer {sn}")
    print(f"Xavier + tanh: std {xt:.3g} after layer {report[-1]}")
    print(f"Kaiming + ReLU: std {kr:.3g} after layer {report[-1]} (stays of order 1)")
    print("1/sqrt(n) and Xavier + ReLU: each layer halves the variance, so it vanishes;")
    print("for square layers (fan_in = fan_out) Xavier and 1/sqrt(n) have the same std.")

    fig = plot(stds, args.layers, args.width)
    figure = _common.save(fig, out / "std_per_layer.png")
    print(f"\nfigure: {figure}")
    return {"table": table, "figure": str(figure),
            "expected_growth_standard_normal": math.sqrt(args.width)}


# %%
if __name__ == "__main__":
    result = main(_common.argv(quick=['--layers', '30', '--width', '128']))
    _common.show(result["figure"])
