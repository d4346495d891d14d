# %% [markdown]
# # Backpropagation by hand, next to `backward()`
#
# The four equations of backpropagation (BP1-BP4) written out in NumPy for a small sigmoid
# network, and the same gradients from one `backward()` call: they agree to rounding.

# %%
"""The four equations of backpropagation, by hand in NumPy, next to autograd's gradients.

For a network of sigmoid layers z^l = W^l a^{l-1} + b^l, a^l = sigma(z^l) and the
quadratic cost C = 1/2 ||a^L - y||^2 of one example, the error of layer l is
delta^l = dC/dz^l, and

    (BP1) delta^L = (a^L - y) * sigma'(z^L)                   at the output
    (BP2) delta^l = ((W^{l+1})^T delta^{l+1}) * sigma'(z^l)    one layer back
    (BP3) dC/db^l = delta^l
    (BP4) dC/dW^l = delta^l (a^{l-1})^T

(* is the elementwise product). Column vectors, W^l of shape (n_l, n_{l-1}), as in the
classic network.py. The hand-written version loops over the examples of a mini-batch
and sums their gradients; the library builds one graph for the whole batch (columns
of a matrix) and calls ``backward()`` once. The two must agree to rounding error.

    .venv/bin/python examples/backprop_equations.py [--sizes 4 6 5 3] [--batch 10]
"""

from __future__ import annotations

import _common
import numpy as np

import nn
from autograd import Tensor


# %%
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# %%
def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """sigma'(z) = sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


# %%
def backprop_by_hand(x: np.ndarray, y: np.ndarray, weights: list, biases: list) -> tuple:
    """Gradients of one example's cost, from BP1-BP4. x and y are column vectors."""
    # Forward pass, keeping every z^l and a^l: the backward pass needs them.
    activation, activations, zs = x, [x], []
    for W, b in zip(weights, biases):
        z = W @ activation + b
        activation = sigmoid(z)
        zs.append(z)
        activations.append(activation)

    grads_w = [np.zeros_like(W) for W in weights]
    grads_b = [np.zeros_like(b) for b in biases]
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])               # BP1
    for l in range(len(weights) - 1, -1, -1):
        grads_b[l] = delta                                               # BP3
        grads_w[l] = delta @ activations[l].T                            # BP4
        if l > 0:
            delta = (weights[l].T @ delta) * sigmoid_prime(zs[l - 1])   # BP2
    return grads_w, grads_b


# %%
def backprop_by_autograd(X: np.ndarray, Y: np.ndarray, weights: list, biases: list) -> tuple:
    """The same gradients from the library: build the batch's cost, call backward()."""
    Ws = [Tensor(W, requires_grad=True, label=f"W{l + 1}") for l, W in enumerate(weights)]
    bs = [Tensor(b, requires_grad=True, label=f"b{l + 1}") for l, b in enumerate(biases)]
    a = Tensor(X)
    for W, b in zip(Ws, bs):
        a = (W @ a + b).sigmoid()  # b is a column: it broadcasts over the batch's columns
    cost = nn.functional.sse_loss(a, Tensor(Y))  # 1/2 sum of squares = sum of C_x
    cost.backward()
    return [W.grad for W in Ws], [b.grad for b in bs], cost.item()


# %%
def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("backprop_equations", __doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[4, 6, 5, 3],
                   help="layer sizes, input first (default: 4 6 5 3)")
    p.add_argument("--batch", type=int, default=10, help="examples in the mini-batch")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    out = _common.output_dir(args.out)
    rng = np.random.default_rng(args.seed)
    sizes = args.sizes
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=(n_out, 1)) for n_out in sizes[1:]]
    X = rng.normal(size=(sizes[0], args.batch))         # one example per column
    Y = rng.uniform(size=(sizes[-1], args.batch))

    _common.section(f"A sigmoid network {sizes}, mini-batch of {args.batch}")
    hand_w = [np.zeros_like(W) for W in weights]
    hand_b = [np.zeros_like(b) for b in biases]
    for i in range(args.batch):
        gw, gb = backprop_by_hand(X[:, i:i + 1], Y[:, i:i + 1], weights, biases)
        hand_w = [acc + g for acc, g in zip(hand_w, gw)]
        hand_b = [acc + g for acc, g in zip(hand_b, gb)]
    print("by hand:  BP1-BP4 for each example, summed over the mini-batch")

    auto_w, auto_b, cost = backprop_by_autograd(X, Y, weights, biases)
    print(f"autograd: one graph for the batch, cost = {cost:.6f}, then cost.backward()")

    _common.section("Largest difference, layer by layer")
    print(f"{'layer':>5}  {'shape of W':>10}  {'max |dC/dW|':>11}  {'diff dC/dW':>10}  "
          f"{'diff dC/db':>10}")
    diffs_w, diffs_b = [], []
    for l, (hw, aw, hb, ab) in enumerate(zip(hand_w, auto_w, hand_b, auto_b), start=1):
        diffs_w.append(float(np.max(np.abs(hw - aw))))
        diffs_b.append(float(np.max(np.abs(hb - ab))))
        print(f"{l:>5}  {str(hw.shape):>10}  {np.max(np.abs(hw)):11.4f}  "
              f"{diffs_w[-1]:10.1e}  {diffs_b[-1]:10.1e}")
    max_diff = max(diffs_w + diffs_b)
    print(f"\nlargest difference over all parameters: {max_diff:.1e} "
          f"({'rounding level' if max_diff < 1e-12 else 'TOO LARGE'})")

    fig, axes = _common.plt.subplots(1, 2, figsize=(10, 4))
    hand_flat = np.concatenate([g.ravel() for g in hand_w + hand_b])
    auto_flat = np.concatenate([g.ravel() for g in auto_w + auto_b])
    axes[0].scatter(hand_flat, auto_flat, s=12)
    lim = np.max(np.abs(hand_flat)) * 1.1
    axes[0].plot([-lim, lim], [-lim, lim], color="grey", lw=0.8,
                 label="y = x: both give the same number")
    axes[0].set(xlabel="gradient from BP1-BP4 (NumPy)", ylabel="gradient from backward()",
                title="Every weight and bias gradient")
    axes[0].legend()
    # An exact zero cannot go on a log axis; it is drawn at the bottom of the axis.
    floor = 1e-20
    labels = [f"layer {l}" for l in range(1, len(weights) + 1)]
    x = np.arange(len(labels))
    axes[1].bar(x - 0.2, np.maximum(diffs_w, floor), width=0.4, label="dC/dW")
    axes[1].bar(x + 0.2, np.maximum(diffs_b, floor), width=0.4, label="dC/db")
    axes[1].axhline(1e-12, color="tab:red", ls="--", lw=1,
                    label="pass mark 1e-12: below it the two differ\nonly by rounding")
    rounding = np.finfo(float).eps * float(np.max(np.abs(hand_flat)))
    axes[1].axhline(rounding, color="grey", ls=":", lw=1,
                    label=f"float64 rounding of the largest gradient ({rounding:.0e})")
    axes[1].set_yscale("log")
    axes[1].set_ylim(1e-20, 1e-6)  # room above the lines for the legend
    axes[1].set_xticks(x, labels)
    axes[1].set(ylabel="largest |hand - autograd| (log scale)",
                title="Hand-written vs autograd, per layer")
    axes[1].legend(loc="upper left", fontsize=7)
    figure = _common.save(fig, out / "hand_vs_autograd.png")
    print(f"\nfigure: {figure}")
    return {"max_abs_diff": max_diff, "cost": cost, "diffs_w": diffs_w, "diffs_b": diffs_b,
            "figure": str(figure)}


# %%
if __name__ == "__main__":
    result = main(_common.argv(quick=[]))
    _common.show(result["figure"])
