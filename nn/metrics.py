"""Metrics on predictions: numbers, not graphs (Tensors and Values are read as arrays)."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, Value


def as_array(x: Any) -> np.ndarray:
    """Tensors, Values and (nested) lists of them as a plain float array."""
    if isinstance(x, (Tensor, Value)):
        return np.asarray(x.data)
    if isinstance(x, (list, tuple)):
        return np.asarray([as_array(item) for item in x])
    return np.asarray(x)


def accuracy(y_pred: Any, y_true: Any, threshold: float | None = None) -> float:
    """The fraction of predictions equal to the true labels.

    ``y_true`` holds labels, or one-hot rows (argmax over the last axis is taken).
    ``y_pred`` holds labels, or scores/logits/probabilities with one more axis than the
    labels, whose argmax over the last axis is the prediction. For a single score per
    sample pass ``threshold`` (0.5 for probabilities, 0 for logits or ±1 margins): the
    prediction is score > threshold, as 1/0 — or as +1/-1 when the labels hold -1.
    Any nan among the predictions makes the accuracy nan (NumPy's argmax would pick
    the nan as the largest score and count it).
    """
    pred, true = as_array(y_pred), as_array(y_true)
    if pred.dtype.kind == "f" and np.isnan(pred).any():
        return float("nan")  # a nan score is no prediction: nan propagates, never an argmax
    if true.ndim >= 2:  # one-hot rows, or a trailing axis of size 1
        true = true[..., 0] if true.shape[-1] == 1 else true.argmax(axis=-1)
    if threshold is not None:
        if pred.size != true.size:
            raise ValueError(f"accuracy: with a threshold, predictions of shape {pred.shape} "
                             f"need one score per label (labels have shape {true.shape})")
        negative = -1 if np.any(true == -1) else 0
        pred = np.where(pred.reshape(true.shape) > threshold, 1, negative)
    elif pred.ndim == true.ndim + 1 and pred.shape[:-1] == true.shape and pred.shape[-1] > 1:
        pred = pred.argmax(axis=-1)
    elif pred.size == true.size:
        pred = pred.reshape(true.shape)
        if not np.all(np.mod(pred, 1) == 0):
            raise ValueError("accuracy: predictions hold one non-integer score per sample; "
                             "pass threshold= (0.5 for probabilities, 0 for logits)")
    else:
        raise ValueError(f"accuracy: predictions of shape {pred.shape} do not match labels "
                         f"of shape {true.shape}")
    if true.size == 0:
        raise ValueError("accuracy: no samples")
    return float(np.mean(pred == true))


METRICS = {"accuracy": accuracy, "acc": accuracy}
