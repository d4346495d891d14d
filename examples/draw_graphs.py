"""Drawing computation graphs: a neuron, an MLP grouped by module, and gradient flow.

``autograd.draw_graph(root)`` returns a Graphviz picture of everything ``root`` was
computed from: a record per value (label, data, grad) and an ellipse per operation.
Three pictures, each written as SVG and PNG:

1. the tutorials' single neuron, o = tanh(x1*w1 + x2*w2 + x3*w3 + b), built from Values;
2. a 2-4-1 ``nn.MLP``: every neuron's nodes sit in a box named after its module path
   (``mlp.layers.0.neurons.3``), inside its layer's box, inside the model's;
3. a deep Tensor MLP of ``nn.Linear`` and sigmoid layers, shaded by |grad| on a log
   scale: the gradient shrinks at each sigmoid (its slope is at most 1/4), so the first
   layers' weights come out blue, the colour of vanishing gradients.

Rendering needs Graphviz's ``dot`` program (``make demo`` installs it).

    .venv/bin/python examples/draw_graphs.py [--out examples/output/graphs]
"""

from __future__ import annotations

from pathlib import Path

import _common
import graphviz
import numpy as np

import nn
from autograd import Tensor, Value, draw_graph


def render(dot: graphviz.Digraph, folder: Path, name: str) -> list[Path]:
    """Write ``name``.svg and ``name``.png, say where they are and return their paths."""
    paths = []
    for fmt in ("svg", "png"):
        paths.append(Path(dot.render(folder / name, format=fmt, cleanup=True)))
        print(f"  wrote {paths[-1]}")
    return paths


def single_neuron(folder: Path) -> list[Path]:
    _common.section("1. A single neuron: o = tanh(x1*w1 + x2*w2 + x3*w3 + b)")
    x1, x2, x3 = Value(2.0, label="x1"), Value(0.0, label="x2"), Value(-1.0, label="x3")
    w1, w2, w3 = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(0.5, label="w3")
    b = Value(7.3813735870195432, label="b")  # chosen so that n = 0.8814, o = 1/sqrt(2)
    x1w1, x2w2, x3w3 = x1 * w1, x2 * w2, x3 * w3
    x1w1.label, x2w2.label, x3w3.label = "x1*w1", "x2*w2", "x3*w3"
    n = x1w1 + x2w2 + x3w3 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    print(f"  o = {o.data:.4f};  do/dw1 = {w1.grad:.4f}, do/dw3 = {w3.grad:.4f}, "
          f"do/db = {b.grad:.4f}")
    return render(draw_graph(o, params=[w1, w2, w3, b], title="a single neuron"), folder,
                  "neuron")


def mlp_by_module(folder: Path) -> list[Path]:
    _common.section("2. A 2-4-1 MLP, grouped by module")
    model = nn.MLP(2, [4, 1], rng=np.random.default_rng(0))
    x = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    y = model(x)
    y.label = "y"
    loss = (y - 1.0) ** 2
    loss.label = "loss"
    model.zero_grad()
    loss.backward()
    print(f"  loss = {loss.data:.4f} with {len(list(model.parameters()))} parameters")
    # Top to bottom, a layer's neurons stand side by side in reading order.
    dot = draw_graph(loss, params=model.parameters(), rankdir="TB",
                     title="nn.MLP(2, [4, 1]): loss = (y - 1)**2")
    return render(dot, folder, "mlp_modules")


def gradient_flow(folder: Path) -> list[Path]:
    _common.section("3. Gradient flow through a deep sigmoid MLP (color_by='grad')")
    rng = np.random.default_rng(0)
    layers = [nn.Linear(2, 4, rng=rng), nn.Sigmoid()]
    for _ in range(2):
        layers += [nn.Linear(4, 4, rng=rng), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(4, 1, rng=rng))
    X = Tensor(rng.normal(size=(8, 2)), label="X")
    y = Tensor(rng.normal(size=(8, 1)), label="y")
    loss = nn.functional.mse_loss(model(X), y)
    loss.label = "loss"
    model.zero_grad()
    loss.backward()
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            print(f"  mean |grad| of {name:<10} {np.abs(p.grad).mean():.2e}")
    dot = draw_graph(loss, color_by="grad", rankdir="TB",
                     title="deep sigmoid MLP: mean |grad| shrinks towards the input")
    return render(dot, folder, "mlp_gradient_flow")


def main(argv: list[str] | None = None) -> list[Path]:
    """Draw the three graphs; returns the files written."""
    p = _common.parser("draw_graphs", __doc__.splitlines()[0])
    p.set_defaults(out=_common.EXAMPLES_DIR / "output" / "graphs")
    folder = _common.output_dir(p.parse_args(argv).out)
    written = single_neuron(folder) + mlp_by_module(folder) + gradient_flow(folder)
    print(f"\nThe pictures are in {folder}/")
    return written


if __name__ == "__main__":
    main()
