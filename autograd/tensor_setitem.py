"""What ``t[index] = value`` computes: ``t`` with the indexed entries replaced.

Written with differentiable ops so that it can be recorded: ``where(mask, placed, t)``,
``placed`` being ``value`` broadcast to ``t[index]``'s shape and scattered to its
positions (``scatter_add`` into zeros). The positions come from indexing an array of
flat positions with the same index (PyTorch's axis order, see ``index_steps``), so
every kind of index behaves as in ``t[index]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .graph import is_grad_enabled
from .tensor_shape_ops import index_steps, plain_index


def assigned(tensor: Any, index: Any, value: Any) -> Any:
    """A new Tensor: ``tensor`` with ``value`` written at ``index``."""
    from .tensor import as_tensor

    positions = np.arange(tensor.size).reshape(tensor.shape)
    try:
        for step in index_steps(plain_index(index), tensor.ndim):
            positions = positions[step]
    except IndexError as error:
        raise IndexError(f"setitem: {error} (tensor of shape {tensor.shape})") from None
    value = as_tensor(value, "setitem", like=tensor)
    try:
        value_here = np.broadcast_to(value.data, positions.shape)
    except ValueError:
        raise ValueError(f"setitem: a value of shape {value.shape} cannot be broadcast to "
                         f"the indexed shape {positions.shape}") from None
    flat = positions.reshape(-1)
    mask = np.zeros(tensor.size, dtype=bool)
    mask[flat] = True
    mask = mask.reshape(tensor.shape)
    recorded = is_grad_enabled() and (tensor.requires_grad or value.requires_grad)
    if not recorded or not value.requires_grad:
        data = tensor.data.copy()
        data.reshape(-1)[flat] = value_here.reshape(-1)  # a repeated position: the last wins
        placed = type(tensor)._constant(data)
        return type(tensor)._where(mask, placed, tensor) if recorded else placed
    if len(np.unique(flat)) != len(flat):
        raise ValueError("setitem: a value that requires grad cannot be written to a "
                         "position the index names more than once")
    size = (tensor.size,)
    scattered = value.broadcast_to(positions.shape).reshape(-1).scatter_add(flat, size)
    return type(tensor)._where(mask, scattered.reshape(tensor.shape), tensor)
