"""Loss functions (also in ``nn.functional``) and their module forms (``nn.MSELoss``...).

Each loss takes a prediction ``input`` and a ``target`` of the same shape (cross_entropy:
see there) and a ``reduction``: "mean" (the default except for sse_loss), "sum" or
"none" (per element). ``input`` is a Tensor (or array), or a Value or a (nested) list of
Values — the scalar family's outputs — in which case the loss is a Value (or, with
"none", Values in the input's shape). Targets may be numbers, arrays, lists or Tensors.

All are numerically stable: the logit losses never exponentiate a large positive
number, and their values and gradients stay finite for logits of magnitude 1000.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Tensor, Value, where

from .module import Module

_REDUCTIONS = ("mean", "sum", "none")
# PyTorch clamps log(p) in binary_cross_entropy at -100, so p = 0 or 1 stays finite.
_LOG_FLOOR = math.exp(-100.0)


def _has_value(x: Any) -> bool:
    if isinstance(x, Value):
        return True
    return isinstance(x, (list, tuple)) and any(_has_value(item) for item in x)


def _flatten(x: Any, name: str, what: str) -> tuple[list[Any], tuple[int, ...]]:
    """A nested list of Values/numbers as a flat list and its shape."""
    if isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool):
        return [x], ()
    if isinstance(x, np.ndarray):
        return [float(v) for v in x.reshape(-1)], x.shape
    if isinstance(x, (list, tuple)):
        flat: list[Any] = []
        shapes = set()
        for item in x:
            items, shape = _flatten(item, name, what)
            flat += items
            shapes.add(shape)
        if len(shapes) > 1:
            raise ValueError(f"{name}: {what} is a ragged list (inner shapes {sorted(shapes)})")
        return flat, (len(x),) + (shapes.pop() if shapes else ())
    raise TypeError(f"{name}: {what} must be a Value, a number or a list of them here, "
                    f"got {type(x).__name__}")


def _nest(flat: list[Any], shape: tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _mismatch(name: str, input_shape: tuple, target_shape: tuple) -> ValueError:
    return ValueError(f"{name}: input shape {tuple(input_shape)} and target shape "
                      f"{tuple(target_shape)} differ; reshape one to match the other")


def _reduce_values(terms: list[Value], shape: tuple[int, ...], reduction: str) -> Any:
    if reduction == "none":
        return _nest(terms, shape)
    total = sum(terms[1:], terms[0])
    return total / len(terms) if reduction == "mean" else total


def _reduce_tensor(terms: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return terms
    return terms.mean() if reduction == "mean" else terms.sum()


def _elementwise(name: str, term: Callable[[Any, Any], Any], input: Any, target: Any,
                 reduction: str, check: Callable[[np.ndarray, np.ndarray], None] | None = None
                 ) -> Any:
    """Apply ``term(prediction, target)`` to every element pair and reduce."""
    _check_reduction(name, reduction)
    if _has_value(input):
        preds, shape = _flatten(input, name, "input")
        targets, target_shape = _flatten(target, name, "target")
        if shape != target_shape:
            raise _mismatch(name, shape, target_shape)
        if not preds:
            raise ValueError(f"{name}: input is empty")
        preds = [p if isinstance(p, Value) else Value(p) for p in preds]
        if check is not None:
            check(np.array([p.data for p in preds]), np.array([float(t) for t in targets]))
        return _reduce_values([term(p, t) for p, t in zip(preds, targets)], shape, reduction)
    input = input if isinstance(input, Tensor) else Tensor(input)
    if not isinstance(target, Tensor):
        target = Tensor(np.asarray(target), dtype=input.dtype)
    if input.shape != target.shape:
        raise _mismatch(name, input.shape, target.shape)
    if check is not None:
        check(input.data, target.data)
    return _reduce_tensor(term(input, target), reduction)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean squared error: mean((input - target)**2); d/d input = 2 (input - target) / n."""
    return _elementwise("mse_loss", lambda p, t: (p - t) ** 2, input, target, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean absolute error: mean(|input - target|); d/d input = sign(input - target) / n."""
    return _elementwise("l1_loss", lambda p, t: (p - t).abs(), input, target, reduction)


def sse_loss(input: Any, target: Any, reduction: str = "sum") -> Any:
    """The quadratic cost ½ sum((input - target)**2); d/d input = input - target.

    ``reduction="mean"`` gives ½ mean(...), "none" the ½ (input - target)**2 terms.
    """
    return _elementwise("sse_loss", lambda p, t: 0.5 * (p - t) ** 2, input, target, reduction)


def _floor(x: Any, floor: float) -> Any:
    """x where x > floor, else the constant floor (no gradient flows there)."""
    if isinstance(x, Value):
        return x if x.data > floor else Value(floor)
    return where(x.data > floor, x, floor)


def _check_probabilities(p: np.ndarray, t: np.ndarray) -> None:
    if np.any((p < 0) | (p > 1)):
        raise ValueError("binary_cross_entropy: input must hold probabilities in [0, 1] "
                         f"(got values from {np.min(p):.4g} to {np.max(p):.4g}); for raw "
                         "scores use binary_cross_entropy_with_logits")


def binary_cross_entropy(input: Any, target: Any, reduction: str = "mean") -> Any:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p = ``input``.

    As in PyTorch each log is clamped at -100, so p = 0 or 1 gives a finite loss; there
    the gradient is 0. Elsewhere d/dp = (p - t) / (p (1 - p)).
    """
    def term(p: Any, t: Any) -> Any:
        return -(t * _floor(p, _LOG_FLOOR).log() + (1.0 - t) * _floor(1.0 - p, _LOG_FLOOR).log())
    return _elementwise("binary_cross_entropy", term, input, target, reduction,
                        _check_probabilities)


def binary_cross_entropy_with_logits(input: Any, target: Any, reduction: str = "mean") -> Any:
    """binary_cross_entropy(sigmoid(z), t) for logits z = ``input``, computed stably as

        softplus(z) - t z      (softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^-|z|))

    d/dz = sigmoid(z) - t: finite for any z.
    """
    return _elementwise("binary_cross_entropy_with_logits",
                        lambda z, t: z.softplus() - t * z, input, target, reduction)


def _check_signs(s: np.ndarray, t: np.ndarray) -> None:
    if not np.all(np.isin(t, (-1.0, 1.0))):
        raise ValueError("hinge_loss: targets must be -1 or +1 (convert 0/1 labels with "
                         "2 * y - 1)")


def hinge_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """The max-margin loss mean(relu(1 - t s)) for scores s = ``input`` and t = ±1
    (micrograd's SVM loss); d/ds = -t where t s < 1, else 0."""
    return _elementwise("hinge_loss", lambda s, t: (1.0 - t * s).relu(), input, target,
                        reduction, _check_signs)


# --- cross entropy ---------------------------------------------------------------------


def values_log_softmax(row: list[Any]) -> list[Value]:
    """log_softmax of a list of Values: z_i - (m + log sum_j e^(z_j - m)), m = max z
    (a constant, so no exponent ever exceeds 0)."""
    row = [v if isinstance(v, Value) else Value(v) for v in row]
    if not row:
        raise ValueError("log_softmax: cannot take the softmax of an empty list")
    peak = max(v.data for v in row)
    peak = peak if math.isfinite(peak) else 0.0
    total = sum(((v - peak).exp() for v in row[1:]), (row[0] - peak).exp())
    log_total = total.log() + peak
    return [v - log_total for v in row]


def _class_indices(name: str, target: np.ndarray, classes: int) -> np.ndarray:
    if target.dtype.kind == "f" and not np.all(np.mod(target, 1) == 0):
        raise ValueError(f"{name}: class-index targets must be integers, got {target.dtype} "
                         "values with a fraction")
    if target.dtype.kind not in "iuf":
        raise ValueError(f"{name}: targets must be class indices or one-hot rows, got "
                         f"dtype {target.dtype}")
    indices = target.astype(np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= classes):
        raise ValueError(f"{name}: class index out of range [0, {classes}): found "
                         f"{indices.min()}..{indices.max()}")
    return indices


def cross_entropy(input: Any, target: Any, reduction: str = "mean") -> Any:
    """-log softmax(z)[y] for logits z = ``input`` of shape (N, C) (or (C,)) and target
    class indices y of shape (N,) (or a scalar); or -sum_c t_c log softmax(z)_c for
    one-hot (or probability) targets t of the logits' shape.

    Computed through log_softmax (shift by the max), so any logit magnitude is safe;
    d/dz = softmax(z) - onehot(y). "mean" averages over the N samples.
    """
    name = "cross_entropy"
    _check_reduction(name, reduction)
    if _has_value(input):
        logits, shape = _flatten(input, name, "input")
        if not logits:
            raise ValueError(f"{name}: input is empty")
        rows = [logits] if len(shape) == 1 else [
            logits[i * shape[-1]:(i + 1) * shape[-1]] for i in range(len(logits) // shape[-1])]
        if len(shape) not in (1, 2):
            raise ValueError(f"{name}: Value logits must be a list (C,) or a list of lists "
                             f"(N, C), got shape {shape}")
        t = np.asarray(_plain(target), dtype=np.float64)
        terms = []
        if t.shape == shape:
            for row, probs in zip(rows, t.reshape(len(rows), -1)):
                logp = values_log_softmax(row)
                terms.append(-sum((lp * float(q) for lp, q in zip(logp, probs) if q != 0),
                                  Value(0.0)))
        elif t.shape == shape[:-1]:
            for row, k in zip(rows, _class_indices(name, t, shape[-1]).reshape(-1)):
                terms.append(-values_log_softmax(row)[k])
        else:
            raise _mismatch(name, shape, t.shape)
        return _reduce_values(terms, shape[:-1], reduction)
    input = input if isinstance(input, Tensor) else Tensor(input)
    if input.ndim == 0:
        raise ValueError(f"{name}: logits need a class axis, got shape ()")
    logp = input.log_softmax(axis=-1)
    t_data = np.asarray(target.data if isinstance(target, Tensor) else target)
    if t_data.shape == input.shape:
        probs = target if isinstance(target, Tensor) else Tensor(t_data, dtype=input.dtype)
        losses = -(logp * probs).sum(axis=-1)
    elif t_data.shape == input.shape[:-1]:
        classes = input.shape[-1]
        indices = _class_indices(name, t_data, classes).reshape(-1)
        flat = logp.reshape(-1, classes)
        losses = -flat[np.arange(indices.size), indices].reshape(t_data.shape)
    else:
        raise _mismatch(name, input.shape, t_data.shape)
    return _reduce_tensor(losses, reduction)


def _plain(x: Any) -> Any:
    """A nested list of Values and numbers as plain numbers (targets carry no gradient)."""
    if isinstance(x, (list, tuple)):
        return [_plain(item) for item in x]
    return x.data if isinstance(x, (Value, Tensor)) else x


# --- module forms --------------------------------------------------------------------


class _Loss(Module):
    _function: Callable[..., Any]
    _default_reduction = "mean"

    def __init__(self, reduction: str | None = None) -> None:
        super().__init__()
        self.reduction = self._default_reduction if reduction is None else reduction
        _check_reduction(type(self).__name__, self.reduction)

    def forward(self, input: Any, target: Any) -> Any:
        return type(self)._function(input, target, reduction=self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Module form of ``mse_loss``."""

    _function = staticmethod(mse_loss)


class L1Loss(_Loss):
    """Module form of ``l1_loss``."""

    _function = staticmethod(l1_loss)


class SSELoss(_Loss):
    """Module form of ``sse_loss`` (½ sum of squares; reduction "sum" by default)."""

    _function = staticmethod(sse_loss)
    _default_reduction = "sum"


class BCELoss(_Loss):
    """Module form of ``binary_cross_entropy``."""

    _function = staticmethod(binary_cross_entropy)


class BCEWithLogitsLoss(_Loss):
    """Module form of ``binary_cross_entropy_with_logits``."""

    _function = staticmethod(binary_cross_entropy_with_logits)


class CrossEntropyLoss(_Loss):
    """Module form of ``cross_entropy``."""

    _function = staticmethod(cross_entropy)


class HingeLoss(_Loss):
    """Module form of ``hinge_loss``."""

    _function = staticmethod(hinge_loss)


LOSSES: dict[str, Callable[..., Any]] = {
    "mse": mse_loss, "mse_loss": mse_loss, "mean_squared_error": mse_loss,
    "l1": l1_loss, "l1_loss": l1_loss, "mae": l1_loss,
    "sse": sse_loss, "sse_loss": sse_loss,
    "bce": binary_cross_entropy, "binary_cross_entropy": binary_cross_entropy,
    "bce_with_logits": binary_cross_entropy_with_logits,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy, "crossentropy": cross_entropy,
    "hinge": hinge_loss, "hinge_loss": hinge_loss,
}


def get_loss(loss: str | Callable[..., Any]) -> Callable[..., Any]:
    """The loss named ``loss`` (see ``LOSSES``), or ``loss`` itself when callable."""
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"loss: unknown loss {loss!r}; use a callable loss(output, target) or "
                     f"one of {sorted(LOSSES)}")
