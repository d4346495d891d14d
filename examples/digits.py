# %% [markdown]
# # Handwritten digits with an MLP
#
# scikit-learn's 8x8 digits, standardised, split, one-hot encoded and learned by an
# `nn.Sequential` MLP with `nn.fit`; then the curves and the digits it gets wrong.

# %%
"""Handwritten digits: a multilayer perceptron classifies 8x8 images (or MNIST's 28x28).

1. Data: scikit-learn's bundled digits (1,797 images of 8x8 pixels with values 0-16;
   no download), split 80/20 with ``nn.data.train_test_split``, each pixel standardised
   with the training set's mean and std (``nn.data.standardize``; the test set is
   scaled with the same numbers), the labels one-hot encoded for the cross-entropy loss.
2. Model: 64 inputs -> 128 ReLU units -> 10 logits (``nn.Sequential``).
3. Training: ``nn.fit`` with Adam and mini-batches of 32, a progress bar per epoch
   (shown when the output is a terminal), validation on the test set each epoch.
4. Results: test accuracy, the loss and accuracy curves, and the digits it got wrong.

``--engine value`` trains the same kind of network (inputs -> ReLU layer -> 10 logits,
cross-entropy, Adam, ``nn.fit``) made of Values (``nn.MLP``): two graph nodes per
neuron (its weighted sum and its activation), a sample at a time. It is several hundred
times slower per number, so it uses 16 hidden units and the first 400 training images
(``--hidden``, ``--subset``).
``--mnist DIR`` reads the four MNIST IDX files (gzipped or not) from DIR through
``nn.data.load_mnist`` and trains on them instead (784 inputs, 128 hidden units).

    .venv/bin/python examples/digits.py [--epochs 40] [--engine value] [--mnist DIR]
"""

from __future__ import annotations

import time

import _common
import numpy as np

import nn
from autograd import Tensor, no_grad


# %%
def load_data(args) -> tuple:
    """X_train, X_test, y_train, y_test (labels as integers) and the image side."""
    if args.mnist is not None:
        (X_train, y_train), (X_test, y_test) = nn.data.load_mnist(args.mnist)
        if args.limit:
            X_train, y_train = X_train[:args.limit], y_train[:args.limit]
        print(f"MNIST from {args.mnist}: {len(X_train)} training and {len(X_test)} test "
              f"images of {X_train.shape[1]} pixels")
        return X_train.astype(np.float64), X_test.astype(np.float64), y_train, y_test, 28
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data / 16.0  # pixel values 0..16 -> [0, 1], for the pictures
    X_train, X_test, y_train, y_test = nn.data.train_test_split(
        X, digits.target, test_size=0.2, rng=np.random.default_rng(args.seed))
    print(f"scikit-learn digits: {len(X)} images of 8x8 pixels, {len(X_train)} for "
          f"training and {len(X_test)} for testing")
    return X_train, X_test, y_train, y_test, 8


# %%
def train_tensor(args, X_train, X_test, Y_train, Y_test) -> tuple:
    rng = np.random.default_rng(args.seed)
    hidden = args.hidden or 128
    model = nn.Sequential(nn.Linear(X_train.shape[1], hidden, rng=rng), nn.ReLU(),
                          nn.Linear(hidden, 10, rng=rng))
    print(model)
    history = nn.fit(model, X_train, Y_train, loss=nn.functional.cross_entropy,
                     optimizer=nn.optim.Adam(model.parameters(), lr=args.lr),
                     epochs=args.epochs, batch_size=args.batch_size,
                     validation_data=(X_test, Y_test), rng=rng)
    with no_grad():
        logits = model(Tensor(X_test)).data
    return history, logits


# %%
def train_value(args, X_train, X_test, Y_train, Y_test) -> tuple:
    """The scalar engine: nn.MLP of Values, a weighted-sum node per neuron."""
    rng = np.random.default_rng(args.seed)
    X_train, Y_train = X_train[:args.subset], Y_train[:args.subset]
    X_test, Y_test = X_test[:args.subset // 4], Y_test[:args.subset // 4]
    hidden = args.hidden or 16
    model = nn.MLP(X_train.shape[1], [hidden, 10], activation="relu", init="lecun_normal",
                   bias_init="zeros", rng=rng)
    print(f"{model}  ({model.num_parameters()} Values as parameters)")
    print(f"training on the first {len(X_train)} training images, testing on "
          f"{len(X_test)} test images")
    history = nn.fit(model, X_train, Y_train, loss=nn.functional.cross_entropy,
                     optimizer=nn.optim.Adam(model.parameters(), lr=args.lr),
                     epochs=args.epochs, batch_size=args.batch_size,
                     validation_data=(X_test, Y_test), rng=rng)
    logits = nn.predict(model, X_test)
    return history, logits, X_test, Y_test


# %%
def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("digits", __doc__.splitlines()[0])
    p.add_argument("--engine", choices=("tensor", "value"), default="tensor")
    p.add_argument("--mnist", metavar="DIR", help="folder with the four MNIST IDX files")
    p.add_argument("--limit", type=int, default=0,
                   help="with --mnist: use only the first N training images")
    p.add_argument("--epochs", type=int, default=None,
                   help="default 40 (tensor), 5 (mnist), 4 (value)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--hidden", type=int, default=None,
                   help="hidden units (default 128; 16 for --engine value)")
    p.add_argument("--lr", type=float, default=None, help="Adam's learning rate")
    p.add_argument("--subset", type=int, default=400,
                   help="with --engine value: training images used (a quarter as many "
                        "test images)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.epochs is None:
        args.epochs = 4 if args.engine == "value" else 5 if args.mnist else 40
    if args.lr is None:
        args.lr = 0.01 if args.engine == "value" else 1e-3
    out = _common.output_dir(args.out)
    start = time.perf_counter()

    _common.section("1. Data")
    X_train, X_test, y_train, y_test, side = load_data(args)
    images = X_test
    X_train, mean, std = nn.data.standardize(X_train, return_stats=True)
    X_test = nn.data.standardize(X_test, mean, std)
    print("standardised each pixel with the training set's mean and std")
    Y_train, Y_test = nn.data.one_hot(y_train, 10), nn.data.one_hot(y_test, 10)
    print(f"one-hot targets: label {y_train[0]} -> {Y_train[0].astype(int).tolist()}")

    _common.section(f"2-3. Model and training ({args.engine} engine, {args.epochs} epochs)")
    if args.engine == "value":
        history, logits, X_test, Y_test = train_value(args, X_train, X_test, Y_train, Y_test)
        y_test = y_test[:len(X_test)]
    else:
        history, logits = train_tensor(args, X_train, X_test, Y_train, Y_test)
    _common.print_epochs(history, every=10)
    h = history.history
    seconds = time.perf_counter() - start

    _common.section("4. Results")
    accuracy = nn.metrics.accuracy(logits, y_test)
    predicted = np.asarray(logits).argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_test)
    print(f"test accuracy: {accuracy:.4f} ({len(y_test) - len(wrong)} of {len(y_test)} right)"
          f"  in {seconds:.1f} s")
    tag = f"{'mnist' if args.mnist else 'digits'}_{args.engine}"
    curves = plot_curves(out, history, args, tag)
    grid = plot_mistakes(out, images, y_test, predicted, wrong, side, tag)
    print(f"figures: {curves}\n         {grid}")
    return {"test_accuracy": accuracy, "final_loss": h["loss"][-1],
            "final_val_loss": h["val_loss"][-1], "n_test": int(len(y_test)),
            "n_wrong": int(len(wrong)), "seconds": seconds, "figures": [curves, grid]}


# %%
def plot_curves(out, history, args, tag) -> str:
    h = history.history
    epochs = np.arange(1, len(history) + 1)
    fig, (left, right) = _common.plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(epochs, h["loss"], label="training")
    left.plot(epochs, h["val_loss"], label="test")
    left.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    right.plot(epochs, h["accuracy"], label="training")
    right.plot(epochs, h["val_accuracy"], label="test")
    right.set(xlabel="epoch", ylabel="accuracy",
              title=f"Accuracy (final test {h['val_accuracy'][-1]:.3f})")
    for ax in (left, right):
        ax.xaxis.set_major_locator(_common.plt.MaxNLocator(integer=True))
        ax.legend()
        ax.grid(alpha=0.3)
    data = "MNIST" if args.mnist else "8x8 digits"
    fig.suptitle(f"{data}, {args.engine} engine")
    return str(_common.save(fig, out / f"curves_{tag}.png"))


# %%
def plot_mistakes(out, X_test, y_test, predicted, wrong, side, tag, limit=24) -> str:
    shown = wrong[:limit]
    columns = 8
    rows = max(1, -(-len(shown) // columns))
    fig, axes = _common.plt.subplots(rows, columns, figsize=(1.4 * columns, 1.7 * rows + 0.6),
                                     squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), shown):
        ax.imshow(X_test[i].reshape(side, side), cmap="gray_r")
        ax.set_title(f"true {y_test[i]}\npredicted {predicted[i]}", fontsize=9, color="tab:red")
    if not len(shown):
        axes[0, 0].text(0, 0.5, "no mistakes on the test set", fontsize=12)
    fig.suptitle(f"Misclassified test images: {len(wrong)} of {len(y_test)}"
                 + (f" (first {limit} shown)" if len(wrong) > limit else ""))
    return str(_common.save(fig, out / f"misclassified_{tag}.png"))


# %%
if __name__ == "__main__":
    result = main(_common.argv(quick=['--epochs', '2']))
    _common.show(*result["figures"])
