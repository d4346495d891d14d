"""Classification losses, as PyTorch: ``nll_loss`` and ``cross_entropy``.

The class axis is 1 for inputs of shape (N, C, d1, ...), 0 for a single sample (C,).
Targets are class indices (shape of the input without the class axis; ``ignore_index``
marks entries that count for nothing) or class probabilities / one-hot rows (the
input's shape). With per-class ``weight`` w and ``label_smoothing`` e over C classes,
for one sample with log-probabilities l = log_softmax(z):

    indices:        (1 - e) * (-w[y] l[y]) + e / C * (-sum_c w_c l_c)
    probabilities:  -sum_c w_c q_c l_c   with q = (1 - e) * t + e / C

"mean" divides the index form by sum of w[y] over the entries not ignored (PyTorch's
weighted mean; nan when every entry is ignored) and the probability form by the number
of samples. d/dz = softmax(z) - onehot(y) for the plain form, at any logit magnitude.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor, Value, softmax_cross_entropy

from .losses_common import _check_reduction, _flatten, _has_value, _mismatch, _reduce_values


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


def _indices(name: str, target: np.ndarray, classes: int, ignore_index: int
             ) -> tuple[np.ndarray, np.ndarray | None]:
    """The targets as int64 class indices, and where they are not ``ignore_index``
    (None when every entry counts)."""
    if target.dtype.kind == "f" and not np.all(np.mod(target, 1) == 0):
        raise ValueError(f"{name}: class-index targets must be integers, got {target.dtype} "
                         "values with a fraction")
    if target.dtype.kind not in "iuf":
        raise ValueError(f"{name}: targets must be class indices or class probabilities, got "
                         f"dtype {target.dtype}")
    indices = target.astype(np.int64, copy=False)
    # as unsigned, a negative index is huge: one maximum checks both ends
    in_range = not indices.size or indices.view(np.uint64).max() < classes
    if in_range and not 0 <= ignore_index < classes:
        return indices, None  # every index is a class, so none is ignore_index
    valid = indices != ignore_index
    used = indices[valid]
    if used.size and (used.min() < 0 or used.max() >= classes):
        raise ValueError(f"{name}: class index out of range [0, {classes}): found "
                         f"{used.min()}..{used.max()}")
    return indices, valid


def _one_hot_weights(indices: np.ndarray, valid: np.ndarray | None, w: np.ndarray | None,
                     classes: int, axis: int) -> tuple[np.ndarray, float]:
    """Per entry, w[y] at its class y along ``axis`` and 0 elsewhere (0 for an ignored
    entry); and the sum of those w[y]."""
    if valid is None:  # every entry counts (picked None: each with weight 1)
        safe, picked = indices, None if w is None else w[indices]
    else:
        safe = np.where(valid, indices, 0)
        picked = valid.astype(np.float64) if w is None else w[safe] * valid
    rows = indices.size
    table = np.zeros((rows, classes))
    table[np.arange(rows), safe.reshape(-1)] = 1.0 if picked is None else picked.reshape(-1)
    total = float(rows) if picked is None else float(picked.sum())
    table = table.reshape(*indices.shape, classes)
    return (table if axis == indices.ndim else np.moveaxis(table, -1, axis)), total


def _weights(name: str, weight: Any, classes: int) -> np.ndarray | None:
    """The per-class weights as a float64 array, or None for all ones."""
    if weight is None:
        return None
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=np.float64)
    if w.shape != (classes,):
        raise ValueError(f"{name}: weight must hold one number per class, shape ({classes},), "
                         f"got {w.shape}")
    return w


def _smoothing(name: str, label_smoothing: Any) -> float:
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float)) \
            or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def _target_weights(name: str, shape: tuple[int, ...], target: Any, weight: Any,
                    ignore_index: int, smoothing: float, allow_probabilities: bool
                    ) -> tuple[np.ndarray, float]:
    """The loss as -sum(W * log p): the weights W (the input's shape) and the mean's
    divisor (the summed target weights; the number of samples for probabilities)."""
    axis = 0 if len(shape) == 1 else 1
    classes = shape[axis]
    w = _weights(name, weight, classes)
    w_axis = 1.0 if w is None else w.reshape([classes if i == axis else 1
                                              for i in range(len(shape))])
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if t.shape == shape and allow_probabilities and t.dtype.kind == "f":
        q = t * (1 - smoothing) + smoothing / classes
        samples = math.prod(shape) // classes
        return q * w_axis, float(samples)
    sample_shape = shape[:axis] + shape[axis + 1:]
    if t.shape != sample_shape:
        raise _mismatch(name, shape, t.shape)
    indices, valid = _indices(name, t, classes, ignore_index)
    weights, total = _one_hot_weights(indices, valid, w, classes, axis)
    if smoothing:
        counted = 1.0 if valid is None else np.expand_dims(valid, axis)
        spread = w_axis * counted * (smoothing / classes)
        weights = weights * (1 - smoothing) + spread
    return weights, total


def _values_loss(name: str, input: Any, target: Any, weight: Any, ignore_index: int,
                 reduction: str, smoothing: float) -> Any:
    logits, shape = _flatten(input, name, "input")
    if len(shape) not in (1, 2) or not logits:
        raise ValueError(f"{name}: Value logits must be a list (C,) or a list of lists "
                         f"(N, C), got shape {shape}")
    classes = shape[-1]
    rows = [logits[i:i + classes] for i in range(0, len(logits), classes)]
    w = _weights(name, weight, classes)
    w = np.ones(classes) if w is None else w
    t = np.asarray(_plain(target), dtype=np.float64)
    terms, total_weight = [], 0.0
    if t.shape == shape:
        for row, probs in zip(rows, t.reshape(len(rows), classes)):
            logp = values_log_softmax(row)
            q = probs * (1 - smoothing) + smoothing / classes
            terms.append(-sum((lp * float(qc * wc) for lp, qc, wc in zip(logp, q, w)),
                              Value(0.0)))
        total_weight = float(len(rows))
    elif t.shape == shape[:-1]:
        for row, k in zip(rows, _indices(name, t, classes, ignore_index)[0].reshape(-1)):
            if k == ignore_index:
                terms.append(Value(0.0))
                continue
            logp = values_log_softmax(row)
            term = -logp[k] * float(w[k] * (1 - smoothing))
            if smoothing:
                term = term - sum((lp * float(wc * smoothing / classes)
                                   for lp, wc in zip(logp, w)), Value(0.0))
            terms.append(term)
            total_weight += float(w[k])
    else:
        raise _mismatch(name, shape, t.shape)
    if reduction == "mean":
        total = sum(terms[1:], terms[0])
        return total / total_weight if total_weight else total * math.nan
    return _reduce_values(terms, shape[:-1], reduction)


def _plain(x: Any) -> Any:
    """A nested list of Values and numbers as plain numbers (targets carry no gradient)."""
    if isinstance(x, (list, tuple)):
        return [_plain(item) for item in x]
    return x.data if isinstance(x, (Value, Tensor)) else x


def _plain_labels(shape: tuple[int, ...], axis: int, target: Any, ignore_index: int
                  ) -> np.ndarray | None:
    """The targets as they are when they are integer class labels of the samples' shape
    (at least one) and ``ignore_index`` is no class, so that only a label out of range
    could be ignored; else None (the general path handles them)."""
    t = target.data if isinstance(target, Tensor) else target
    if not isinstance(t, np.ndarray) or t.dtype.kind not in "iu" or not t.size \
            or t.shape != shape[:axis] + shape[axis + 1:] or 0 <= ignore_index < shape[axis]:
        return None
    return t


def _checked_ignore(name: str, ignore_index: Any) -> int:
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{name}: ignore_index must be an int, got {ignore_index!r}")
    return int(ignore_index)


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """-log softmax(z)[y] (see the module docstring for weights, ignore_index,
    label_smoothing and probability targets), with the class axis 1 as PyTorch."""
    name = "cross_entropy"
    _check_reduction(name, reduction)
    smoothing = _smoothing(name, label_smoothing)
    ignore_index = _checked_ignore(name, ignore_index)
    if _has_value(input):
        return _values_loss(name, input, target, weight, ignore_index, reduction, smoothing)
    input = input if isinstance(input, Tensor) else Tensor(input)
    z = input.data  # (its shape and dtype without the Tensor properties' calls)
    if z.ndim == 0:
        raise ValueError(f"{name}: logits need a class axis, got shape ()")
    axis = 0 if z.ndim == 1 else 1
    plain = weight is None and not smoothing and reduction != "none"
    labels = _plain_labels(z.shape, axis, target, ignore_index) if plain else None
    if labels is not None:
        scale = 1.0 / labels.size if reduction == "mean" else 1.0
        try:  # which checks that every label is a class
            return softmax_cross_entropy(input, labels, axis, scale)
        except ValueError:
            pass  # some label is ignore_index, or out of range: the general path says which
    weights, divisor = _target_weights(name, z.shape, target, weight, ignore_index,
                                       smoothing, True)
    if reduction == "none":
        return -(input.log_softmax(axis=axis) * weights.astype(z.dtype)).sum(axis=axis)
    if reduction == "mean" and divisor:
        weights /= divisor  # weights is a fresh array
    loss = softmax_cross_entropy(input, weights.astype(z.dtype, copy=False), axis)
    return loss * math.nan if reduction == "mean" and not divisor else loss  # 0/0: PyTorch


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Any:
    """-w[y] * input[y]: the negative log-likelihood of log-probabilities ``input``
    (e.g. ``log_softmax`` output) at class indices ``target``, class axis 1."""
    name = "nll_loss"
    _check_reduction(name, reduction)
    ignore_index = _checked_ignore(name, ignore_index)
    input = input if isinstance(input, Tensor) else Tensor(input)
    if input.ndim == 0:
        raise ValueError(f"{name}: input needs a class axis, got shape ()")
    axis = 0 if input.ndim == 1 else 1
    weights, divisor = _target_weights(name, input.shape, target, weight, ignore_index, 0.0,
                                       False)
    terms = -(input * weights.astype(input.dtype)).sum(axis=axis)
    if reduction == "none":
        return terms
    total = terms.sum()
    if reduction == "sum":
        return total
    return total / divisor if divisor else total * math.nan  # nothing counts: 0/0, PyTorch
