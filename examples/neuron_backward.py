# %% [markdown]
# # One neuron: its graph, the backward pass told step by step, and animated
#
# The tutorials' neuron `o = tanh(x1*w1 + x2*w2 + b)`: we build it from `Value`s, draw
# its graph, let `autograd.explain_backward` narrate what `backward()` does at each op
# (the local derivative as a formula, and the numbers), check those numbers against
# `.grad`, and write `animate_backward`'s page that plays the backward pass op by op.
# Then a whole training step of a 2-16-16-1 MLP, drawn with each layer as one box.
#
#     .venv/bin/python examples/neuron_backward.py [--out examples/output/neuron_backward]

# %%
from __future__ import annotations

import _common
import numpy as np

import nn
from autograd import Value, animate_backward, draw_graph, explain_backward

args = _common.parser("neuron_backward", "One neuron's backward pass, explained and animated"
                      ).parse_args(_common.argv())
out = _common.output_dir(args.out)

# %% [markdown]
# ## The neuron and its graph
# Every `Value` remembers the op that made it and its inputs; `draw_graph` draws that.

# %%
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
x1w1 = x1 * w1
x1w1.label = "x1*w1"
x2w2 = x2 * w2
x2w2.label = "x2*w2"
n = x1w1 + x2w2 + b
n.label = "n"
o = n.tanh()
o.label = "o"
print(f"o = tanh(n) = {o.data:.4f}")
forward_picture = draw_graph(o, show_grad=False).render(out / "neuron_forward", format="svg",
                                                        cleanup=True)
_common.show(forward_picture)

# %% [markdown]
# ## The backward pass, told
# One line per op, in the order `backward()` applies them: the op, its local derivative
# (formula, then number) and the gradient each input receives, which is the gradient
# at the op's output times the local derivative (the chain rule).

# %%
print(explain_backward(o))

# %% [markdown]
# The numbers are the engine's: `explain_backward` replays each op's own backward rule.
# After `o.backward()` every `.grad` holds the same values:

# %%
o.backward()
for v in (n, b, w1, w2, x1, x2):
    print(f"{v.label:>3}.grad = {v.grad:.4f}")
assert abs(n.grad - (1 - o.data ** 2)) < 1e-12      # do/dn = 1 - o^2
assert abs(w1.grad - x1.data * n.grad) < 1e-12      # dn/dw1 = x1
backward_picture = draw_graph(o).render(out / "neuron_backward", format="svg", cleanup=True)
_common.show(backward_picture)

# %% [markdown]
# ## Watching it
# `animate_backward` writes one self-contained HTML page: open it in a browser and press
# play, or step with the arrow keys. Each frame highlights one op and fills in the
# gradients it sends back.

# %%
page = animate_backward(o, out / "neuron_backward.html")
print(f"open {page} in a browser")

# %% [markdown]
# ## A whole training step, one box per layer
# A 2-16-16-1 MLP of scalar `Value`s over 4 samples has hundreds of nodes. With
# `collapse="modules"` each layer is one box (`Layer (mlp.layers.0)`); the values that
# pass between layers are drawn as bundles, and every edge between modules stays.

# %%
model = nn.MLP(2, [16, 16, 1], rng=np.random.default_rng(0))
X = [[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8], [0.1, 0.1]]
Y = [1.0, -1.0, 1.0, -1.0]
loss = sum(((model(x) - y) ** 2 for x, y in zip(X, Y)), Value(0.0)) * (1 / len(X))
loss.label = "loss"
loss.backward()
step = draw_graph(loss, collapse="modules", params=model.parameters(), rankdir="TB",
                  title="One training step of a 2-16-16-1 MLP over 4 samples")
print(repr(step))
step_picture = step.render(out / "mlp_step_collapsed", format="png", cleanup=True)
_common.show(step_picture)

# %% [markdown]
# After `opt.step()` the parameters hold new values while the graph still holds the
# forward pass's numbers; a drawing made now says so (the changed parameters are
# marked `*`). Collapsing one level deeper shows each neuron as a box.

# %%
nn.optim.SGD(model.parameters(), lr=0.05).step()
after = draw_graph(loss, collapse=2, params=model.parameters(), max_nodes=60)
print(repr(after))
assert "changed after this graph was built" in after.source
