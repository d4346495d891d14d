"""Functions without parameters: activations (here) and losses (``losses.py``), as in
``torch.nn.functional``.

Each activation accepts a Tensor, a Value, a number, an array, or a (nested) list of
Values and numbers; it returns the same kind (an array becomes a Tensor, a number a
Value, a list a list). softmax and log_softmax act along ``dim``: on a Tensor any axis,
on a list of Values the list itself (one vector), on a list of lists each inner list.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Tensor, Value

from .cross_entropy import cross_entropy, nll_loss, values_log_softmax
from .init import default_rng
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    hinge_loss,
    l1_loss,
    mse_loss,
    sse_loss,
)

Activation = Callable[[Any], Any]


def _map(fn: Callable[[Any], Any], x: Any) -> Any:
    """Apply ``fn`` (written once for Value and Tensor) to every node in ``x``."""
    if isinstance(x, (Tensor, Value)):
        return fn(x)
    if isinstance(x, (list, tuple)):
        return [_map(fn, item) for item in x]
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return fn(Value(x))
    if isinstance(x, np.ndarray):
        return fn(Tensor(x))
    raise TypeError(f"activation: expected a Tensor, Value, number, array or list, "
                    f"got {type(x).__name__}")


def identity(x: Any) -> Any:
    """f(x) = x (the "linear" activation)."""
    return x


def relu(x: Any) -> Any:
    """max(x, 0); derivative 1 for x > 0, else 0."""
    return _map(lambda v: v.relu(), x)


def tanh(x: Any) -> Any:
    """tanh(x); derivative 1 - tanh(x)**2."""
    return _map(lambda v: v.tanh(), x)


def sigmoid(x: Any) -> Any:
    """1 / (1 + e^-x); derivative s(x) (1 - s(x))."""
    return _map(lambda v: v.sigmoid(), x)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Any:
    """x for x > 0, else negative_slope * x."""
    return _map(lambda v: v.leaky_relu(negative_slope), x)


def softplus(x: Any, beta: float = 1.0) -> Any:
    """log(1 + e^(beta x)) / beta, a smooth relu; derivative sigmoid(beta x)."""
    if beta == 1.0:
        return _map(lambda v: v.softplus(), x)
    return _map(lambda v: (v * beta).softplus() / beta, x)


def softsign(x: Any) -> Any:
    """x / (1 + |x|); derivative 1 / (1 + |x|)**2."""
    return _map(lambda v: v / (v.abs() + 1.0), x)


def _values_rows(x: Any, fn: Callable[[list[Any]], list[Value]]) -> Any:
    if x and all(isinstance(item, (list, tuple)) for item in x):
        return [fn(list(item)) for item in x]
    return fn(list(x))


def log_softmax(x: Any, dim: int = -1) -> Any:
    """x_i - log(sum_j e^(x_j)) along ``dim``, computed stably (shift by the max)."""
    if isinstance(x, (list, tuple)):
        return _values_rows(x, values_log_softmax)
    return _tensor(x).log_softmax(axis=dim)


def softmax(x: Any, dim: int = -1) -> Any:
    """e^(x_i) / sum_j e^(x_j) along ``dim``, computed stably (shift by the max)."""
    if isinstance(x, (list, tuple)):
        return _values_rows(x, lambda row: [v.exp() for v in values_log_softmax(row)])
    return _tensor(x).softmax(axis=dim)


def dropout(x: Any, p: float = 0.5, training: bool = True,
            rng: np.random.Generator | None = None) -> Any:
    """Inverted dropout: zero each entry with probability ``p`` and scale the rest by
    1 / (1 - p), so the expected value is unchanged; the identity when not training."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    rng = default_rng() if rng is None else rng
    if isinstance(x, (list, tuple, Value)):
        values = [x] if isinstance(x, Value) else x
        keep = rng.random(len(values)) >= p
        scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
        out = [v * (scale if k else 0.0) for v, k in zip(values, keep)]
        return out[0] if isinstance(x, Value) else out
    x = _tensor(x)
    if p == 1.0:
        return x * 0.0
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask.astype(x.dtype)


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


ACTIVATIONS: dict[str, Activation] = {
    "linear": identity,
    "identity": identity,
    "relu": relu,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "leaky_relu": leaky_relu,
    "softplus": softplus,
    "softsign": softsign,
}


def get_activation(activation: str | Activation | None) -> Activation:
    """The activation named ``activation`` (see ``ACTIVATIONS``; None means linear), or
    ``activation`` itself when it is callable (a function or a module such as nn.ReLU())."""
    if activation is None:
        return identity
    if callable(activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(f"activation: unknown activation {activation!r}; use a callable or one "
                     f"of {sorted(ACTIVATIONS)}")


__all__ = [
    "ACTIVATIONS", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "dropout", "get_activation", "hinge_loss", "identity", "l1_loss",
    "leaky_relu", "log_softmax", "mse_loss", "nll_loss", "relu", "sigmoid", "softmax", "softplus",
    "softsign", "sse_loss", "tanh",
]


# --- convolution, pooling, normalisation, embeddings, GELU/SiLU/ELU ---------------------
# (the layers are in conv.py, pooling.py, normalization.py, embedding.py)
from autograd import linear  # noqa: E402
from autograd.conv import avg_pool2d, conv1d, conv2d, max_pool2d  # noqa: E402

from .embedding import embedding  # noqa: E402
from .normalization import batch_norm, layer_norm  # noqa: E402


def gelu(x: Any, approximate: str = "none") -> Any:
    """x * Phi(x) (Phi the standard normal CDF), or its tanh approximation."""
    return _map(lambda v: v.gelu(approximate), x)


def silu(x: Any) -> Any:
    """x * sigmoid(x); derivative s(x) (1 + x (1 - s(x)))."""
    return _map(lambda v: v.silu(), x)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """x for x > 0, else alpha (e^x - 1)."""
    return _map(lambda v: v.elu(alpha), x)


__all__ += ["avg_pool2d", "batch_norm", "conv1d", "conv2d", "elu", "embedding", "gelu", "linear",
            "layer_norm", "max_pool2d", "silu"]
