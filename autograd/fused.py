"""A network's workhorses as one op each: the fully connected layer, a neuron's
weighted sum and the softmax cross-entropy loss.

Written with the elementary ops they would take four, 2n and eight nodes; as one op
(``ops/linalg.py``: LINEAR, ``ops/elementwise.py``: WEIGHTED_SUM, ``ops/shape.py``:
SOFTMAX_CROSS_ENTROPY) each is one node whose rules compute the gradient directly,
with fewer temporary arrays or objects. All are differentiable to any order, like every
op of the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .arguments import check_number, float_array, one_axis
from .backends import scalar_math
from .op import Saved
from .ops.elementwise import WEIGHTED_SUM
from .ops.linalg import LINEAR
from .ops.shape import LABEL_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY
from .tensor import Tensor, as_tensor, matmul
from .value import Value, _as_value


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, as ``torch.nn.functional.linear``.

    ``input`` is (..., in_features), ``weight`` (out_features, in_features), ``bias``
    (out_features,) or None. d/d input = g @ W, d/dW = g^T @ input summed over the
    batch, d/db = g summed over the batch.
    """
    weight = _tensor(weight, "linear", "weight")
    x = as_tensor(input, "linear", like=weight)
    w_shape, x_shape = weight.data.shape, x.data.shape  # (the properties cost a call each)
    if len(w_shape) != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got "
                         f"shape {w_shape}")
    if not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(f"linear: input of shape {x_shape} must have {w_shape[1]} "
                         f"features in its last axis (weight has shape {w_shape})")
    if bias is None:
        return matmul(x, weight.T)
    bias = _tensor(bias, "linear", "bias")
    if bias.data.shape != (w_shape[0],):
        raise ValueError(f"linear: bias must have shape ({w_shape[0]},), got "
                         f"{bias.shape}")
    return Tensor._apply(LINEAR, (x, weight, bias))


def weighted_sum(weights: Sequence[Any], inputs: Sequence[Any], bias: Any = None) -> Any:
    """``weights[0] * inputs[0] + ... + weights[n-1] * inputs[n-1] + bias`` as one node:
    a neuron's pre-activation. d/dw_i = x_i, d/dx_i = w_i, d/db = 1.

    ``weights`` and ``inputs`` are lists or tuples of the same length of Values and
    numbers (a Value), or of Tensors and numbers (a Tensor, broadcasting as ``*`` and
    ``+`` do); ``bias`` is one more such operand or None.
    """
    for name, seq in (("weights", weights), ("inputs", inputs)):
        if not isinstance(seq, (list, tuple)):
            raise TypeError(f"weighted_sum: {name} must be a list or tuple, got "
                            f"{type(seq).__name__}")
    n = len(weights)
    if n != len(inputs) or n == 0:
        raise ValueError(f"weighted_sum: needs as many inputs as weights, at least one; got "
                         f"{n} weights and {len(inputs)} inputs")
    parts = _operands(weights, inputs, bias)
    if set(map(type, parts)) != _ONLY_VALUES:
        tensor = next((part for part in parts if isinstance(part, Tensor)), None)
        if tensor is not None:
            return Tensor._apply(WEIGHTED_SUM, tuple(
                as_tensor(part, "weighted_sum", like=tensor) for part in parts))
        parts = [_as_value(part, "weighted_sum") for part in parts]
    data = WEIGHTED_SUM.forward(scalar_math, [part.data for part in parts])
    return Value._node(data, tuple(parts), WEIGHTED_SUM)


_ONLY_VALUES = {Value}


def _operands(weights: Sequence[Any], inputs: Sequence[Any], bias: Any) -> list[Any]:
    """w1, x1, w2, x2, ... (, b): WEIGHTED_SUM's operand order."""
    parts: list[Any] = [None] * (2 * len(weights))
    parts[0::2], parts[1::2] = weights, inputs
    if bias is not None:
        parts.append(bias)
    return parts


def softmax_cross_entropy(logits: Tensor, target: Any, axis: int = -1,
                          scale: float = 1.0) -> Tensor:
    """``-scale * sum(target_weights * log_softmax(logits, axis))`` as one 0-d node.

    ``target`` is either

    - class labels: integers in [0, C), the logits' shape without ``axis`` (C entries
      along it): the loss is ``scale * sum_i -log softmax(z_i)[y_i]`` and its gradient
      ``scale * (softmax(z) - onehot(y))``, the textbook pair (``scale`` 1/N: the mean);
    - target weights: a constant array of the logits' shape, the target distribution
      unnormalised (one-hot rows scaled by class weights, say). Entries of weight 0
      count for nothing even where a logit is -inf. The gradient is
      ``scale * (softmax(z) * sum_c w_c - w)`` along ``axis``.
    """
    name = "softmax_cross_entropy"
    logits = _tensor(logits, name, "logits")
    z = logits.data
    if z.ndim == 0:
        raise ValueError(f"{name}: logits need a class axis, got shape ()")
    axis = one_axis(axis, z.ndim, name)
    scale = check_number(scale, name, "scale")
    if isinstance(target, Tensor):
        target = target.data
    if not isinstance(target, np.ndarray):
        target = np.asarray(target)
    if target.dtype.kind in "iu":
        picks = _label_positions(target, z.shape, axis)
        return Tensor._apply(LABEL_CROSS_ENTROPY, (logits,), picks, scale, axis, Saved())
    weights = target
    if weights.dtype != z.dtype:
        weights = float_array(weights, z.dtype, name, copy=False)
    if weights.shape != z.shape:
        raise ValueError(f"{name}: target weights must have the logits' shape {z.shape}, "
                         f"got {weights.shape} (class labels: integers of shape "
                         f"{z.shape[:axis] + z.shape[axis + 1:]})")
    if scale != 1.0:
        weights = weights * scale
    row_totals = weights.sum(axis=axis, keepdims=True)
    return Tensor._apply(SOFTMAX_CROSS_ENTROPY, (logits,), weights, row_totals, axis, Saved())


def _label_positions(labels: np.ndarray, shape: tuple[int, ...], axis: int) -> np.ndarray:
    """The flat positions in an array of ``shape`` of each sample's labelled entry along
    ``axis``; ValueError unless every label is a class of that axis."""
    classes = shape[axis]
    if labels.shape != shape[:axis] + shape[axis + 1:]:
        raise ValueError(f"softmax_cross_entropy: class labels must have the logits' shape "
                         f"without axis {axis}, {shape[:axis] + shape[axis + 1:]}, got "
                         f"{labels.shape}")
    labels = labels.astype(np.int64, copy=False)
    # as unsigned, a negative label is huge: one maximum checks both ends
    if labels.size and labels.view(np.uint64).max() >= classes:
        raise ValueError(f"softmax_cross_entropy: class labels must be in [0, {classes}), "
                         f"found {labels.min()}..{labels.max()}")
    if axis == len(shape) - 1:  # (..., C): sample i's entries start at i * C
        return np.arange(0, labels.size * classes, classes) + labels.reshape(-1)
    grid = np.arange(math.prod(shape)).reshape(shape)
    return np.take_along_axis(grid, np.expand_dims(labels, axis), axis).reshape(-1)


def _tensor(x: Any, op: str, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")
    if x.data.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a floating Tensor, got dtype {x.dtype}")
    return x
