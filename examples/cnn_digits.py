# %% [markdown]
"""A convolutional network reads handwritten digits: 8x8 images (or MNIST's 28x28).

1. Data: scikit-learn's bundled digits (1,797 images of 8x8 pixels, no download), split
   80/20 with ``nn.data.train_test_split``; the pixels scaled by the training set's
   mean and std; each image one channel, (N, 1, 8, 8), as ``nn.Conv2d`` expects.
2. Model: two blocks of convolution (3x3, padding 1), batch normalisation, ReLU and 2x2
   max pooling (8x8 -> 4x4 -> 2x2), then one linear layer to 10 logits.
3. Training: ``nn.fit`` with Adam, mini-batches of 32 and the cross-entropy loss;
   the batch norm layers use each batch's statistics in training and their running
   statistics when ``fit`` evaluates the test set.
4. Results: the test accuracy, the 16 filters the first layer learned, and what the
   feature maps of both blocks make of one test digit.

``--mnist DIR`` reads the four MNIST IDX files (gzipped or not) from DIR through
``nn.data.load_mnist`` instead (28x28 -> 14x14 -> 7x7); ``--limit N`` trains on the
first N images only.

    .venv/bin/python examples/cnn_digits.py [--epochs 15] [--mnist DIR [--limit N]]
"""

# %%
from __future__ import annotations

import time

import _common
import numpy as np

import nn
from autograd import Tensor, no_grad

# %% [markdown]
# ## 1. Data: images as (N, channels, height, width)


# %%
def load_data(args) -> tuple:
    """X_train, X_test (N, 1, side, side) in [0, 1], y_train, y_test (integers)."""
    if args.mnist is not None:
        (X_train, y_train), (X_test, y_test) = nn.data.load_mnist(args.mnist, flatten=False,
                                                                  dtype=np.float64)
        if args.limit:
            X_train, y_train = X_train[:args.limit], y_train[:args.limit]
        print(f"MNIST from {args.mnist}: {len(X_train)} training and {len(X_test)} test "
              "images of 28x28 pixels")
        return X_train[:, None], X_test[:, None], y_train, y_test
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images[:, None] / 16.0  # pixel values 0..16 -> [0, 1]
    X_train, X_test, y_train, y_test = nn.data.train_test_split(
        images, digits.target, test_size=0.2, rng=np.random.default_rng(args.seed))
    print(f"scikit-learn digits: {len(images)} images of 8x8 pixels, {len(X_train)} for "
          f"training and {len(X_test)} for testing")
    return X_train, X_test, y_train, y_test


# %% [markdown]
# ## 2. Model: (convolution, batch norm, ReLU, max pool) twice, then a linear layer


# %%
def build_model(side: int, rng: np.random.Generator) -> nn.Sequential:
    """Each block keeps the size (3x3 kernels, padding 1) and pooling halves it."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, rng=rng), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, rng=rng), nn.BatchNorm2d(32), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * (side // 4) ** 2, 10, rng=rng))


# %% [markdown]
# ## 3-4. Training and results


# %%
def main(argv: list[str] | None = None) -> dict:
    p = _common.parser("cnn_digits", __doc__.splitlines()[0])
    p.add_argument("--mnist", metavar="DIR", help="folder with the four MNIST IDX files")
    p.add_argument("--limit", type=int, default=0,
                   help="with --mnist: use only the first N training images")
    p.add_argument("--epochs", type=int, default=None, help="default 15 (digits), 2 (mnist)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3, help="Adam's learning rate")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.epochs is None:
        args.epochs = 2 if args.mnist else 15
    out = _common.output_dir(args.out)
    start = time.perf_counter()

    _common.section("1. Data")
    X_train, X_test, y_train, y_test = load_data(args)
    side = X_train.shape[-1]
    images = X_test
    mean, std = X_train.mean(), X_train.std()
    X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    print(f"scaled every pixel by the training set's mean {mean:.3f} and std {std:.3f}; "
          f"input batches have shape (N, 1, {side}, {side})")

    _common.section("2. Model")
    rng = np.random.default_rng(args.seed)
    model = build_model(side, rng)
    print(model)
    print(f"{model.num_parameters()} parameters")

    _common.section(f"3. Training ({args.epochs} epochs)")
    Y_train, Y_test = nn.data.one_hot(y_train, 10), nn.data.one_hot(y_test, 10)
    history = nn.fit(model, X_train, Y_train, loss=nn.functional.cross_entropy,
                     optimizer=nn.optim.Adam(model.parameters(), lr=args.lr),
                     epochs=args.epochs, batch_size=args.batch_size,
                     validation_data=(X_test, Y_test), rng=rng)
    _common.print_epochs(history, every=5)
    h = history.history
    seconds = time.perf_counter() - start

    _common.section("4. Results")
    model.eval()
    with no_grad():
        logits = model(Tensor(X_test)).data
    accuracy = nn.metrics.accuracy(logits, y_test)
    wrong = int((logits.argmax(axis=1) != y_test).sum())
    print(f"test accuracy: {accuracy:.4f} ({len(y_test) - wrong} of {len(y_test)} right)  "
          f"in {seconds:.1f} s")
    tag = "mnist" if args.mnist else "digits"
    filters = plot_filters(out, model[0].weight.data, tag)
    maps = plot_feature_maps(out, model, images[0, 0], X_test[:1], y_test[0], tag)
    print(f"figures: {filters}\n         {maps}")
    return {"test_accuracy": accuracy, "n_test": int(len(y_test)), "n_wrong": wrong,
            "n_train": int(len(X_train)), "seconds": seconds, "final_loss": h["loss"][-1],
            "figures": [filters, maps]}


# %% [markdown]
# ## Figures: the learned filters, and the feature maps of one digit


# %%
def plot_filters(out, weight: np.ndarray, tag: str) -> str:
    """The first layer's 3x3 filters (one input channel each), on one colour scale."""
    count = weight.shape[0]
    fig, axes = _common.plt.subplots(2, count // 2, figsize=(1.2 * count / 2, 2.9))
    limit = np.abs(weight).max()
    for i, ax in enumerate(axes.ravel()):
        ax.imshow(weight[i, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{i}", fontsize=8)
        ax.axis("off")
    fig.suptitle("First-layer filters (red: positive weights, blue: negative)")
    return str(_common.save(fig, out / f"filters_{tag}.png"))


def plot_feature_maps(out, model, image: np.ndarray, x: np.ndarray, label: int,
                      tag: str) -> str:
    """The digit, then what the first 8 channels of each block's ReLU output show."""
    with no_grad():
        first = model[:3](Tensor(x))                       # conv, batch norm, ReLU
        second = model[3:7](first)                         # pool, conv, batch norm, ReLU
    rows = [("block 1", first.data[0]), ("block 2", second.data[0])]
    shown = 8
    fig, axes = _common.plt.subplots(3, shown, figsize=(1.25 * shown, 4.4))
    for ax in axes.ravel():
        ax.axis("off")
    axes[0, 0].imshow(image, cmap="gray_r")
    axes[0, 0].set_title(f"input: a {label}", fontsize=9)
    for row, (name, maps) in enumerate(rows, start=1):
        for channel in range(shown):
            axes[row, channel].imshow(maps[channel], cmap="viridis")
            axes[row, channel].set_title(f"{name}, ch {channel}\n"
                                         f"{maps.shape[1]}x{maps.shape[2]}", fontsize=7)
    fig.suptitle("Feature maps of one test digit after each conv/batch-norm/ReLU block")
    return str(_common.save(fig, out / f"feature_maps_{tag}.png"))


# %%
if __name__ == "__main__":
    main()
