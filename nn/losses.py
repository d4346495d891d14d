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

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Value

from .cross_entropy import cross_entropy, nll_loss
from .losses_common import _check_reduction, _elementwise
from .module import Module


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


def _check_probabilities(p: np.ndarray, t: np.ndarray) -> None:
    outside = ~((p >= 0) & (p <= 1))  # nan is outside too, as in PyTorch
    if np.any(outside):
        bad = float(p[outside].reshape(-1)[0])
        raise ValueError("binary_cross_entropy: all elements of input must be probabilities "
                         f"in [0, 1], found {bad!r}; for raw scores use "
                         "binary_cross_entropy_with_logits")


# PyTorch's floor under p (1 - p) in the BCE gradient: 1e-12 rounded to float32.
_BCE_EPSILON = float(np.float32(1e-12))


def _bce_term(p: Any, t: Any) -> Any:
    """PyTorch's BCE element: the value -(t max(log p, -100) + (1 - t) max(log1p(-p),
    -100)) with the gradient (p - t) / max(p (1 - p), 1e-12) (so p = 0, t = 1 gives
    about -1e12, not 0). Written as value + (p - p_constant) * gradient: the value is exact
    and the gradient flows to p (first order only)."""
    is_value = isinstance(p, Value)
    pd = np.float64(p.data) if is_value else p.data
    td = np.float64(t) if is_value else np.asarray(t.data, dtype=pd.dtype)
    with np.errstate(divide="ignore"):
        value = -(td * np.maximum(np.log(pd), -100.0)
                  + (1 - td) * np.maximum(np.log1p(-pd), -100.0))
    slope = (pd - td) / np.maximum((1 - pd) * pd, _BCE_EPSILON)
    if is_value:
        return (p - float(pd)) * float(slope) + float(value)
    return (p - p.detach()) * slope.astype(pd.dtype) + value.astype(pd.dtype)


def binary_cross_entropy(input: Any, target: Any, reduction: str = "mean") -> Any:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p = ``input``.

    As in PyTorch each log is clamped at -100, so p = 0 or 1 gives a finite loss, and
    the gradient is (p - t) / max(p (1 - p), 1e-12): a saturated wrong prediction
    (p = 0, t = 1) gets about -1e12, a strong signal (1e-12 rounded to float32, as
    PyTorch's constant is). A probability outside [0, 1] or nan is
    a ValueError (PyTorch raises too).
    """
    return _elementwise("binary_cross_entropy", _bce_term, input, target, reduction,
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


class _ClassLoss(_Loss):
    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str | None = None, **options: Any) -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index, self._options = weight, ignore_index, options

    def forward(self, input: Any, target: Any) -> Any:
        return type(self)._function(input, target, weight=self.weight,
                                    ignore_index=self.ignore_index, reduction=self.reduction,
                                    **self._options)


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


class CrossEntropyLoss(_ClassLoss):
    """Module form of ``cross_entropy``: ``CrossEntropyLoss(weight=None,
    ignore_index=-100, reduction="mean", label_smoothing=0.0)``."""

    _function = staticmethod(cross_entropy)

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str | None = None, label_smoothing: float = 0.0) -> None:
        super().__init__(weight, ignore_index, reduction, label_smoothing=label_smoothing)


class NLLLoss(_ClassLoss):
    """Module form of ``nll_loss``: ``NLLLoss(weight=None, ignore_index=-100,
    reduction="mean")``."""

    _function = staticmethod(nll_loss)


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
    "cross_entropy": cross_entropy, "crossentropy": cross_entropy, "nll_loss": nll_loss,
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
