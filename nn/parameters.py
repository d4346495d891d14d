"""What a parameter is (a trainable leaf), and resetting parameters' gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import Tensor, Value


def is_parameter(x: Any) -> bool:
    """A trainable leaf: a Value made by the user, or a leaf Tensor that requires grad."""
    if isinstance(x, Tensor):
        return x.requires_grad and not x.parents
    return isinstance(x, Value) and not x.parents


def zero_grads(params: Iterable[Value | Tensor], set_to_none: bool = True) -> None:
    """Reset gradients: a Tensor's to None, or to zeros (written into its gradient array
    when that is a writeable array of its shape and dtype, as PyTorch); a Value's to 0.0."""
    for p in params:
        if not isinstance(p, Tensor):
            p.grad = 0.0
        elif set_to_none:
            p.grad = None
        else:
            g, data = p.grad, p.data
            if type(g) is np.ndarray and g.flags.writeable and g.shape == data.shape \
                    and g.dtype == data.dtype:
                g.fill(0)
            else:
                p.grad = np.zeros_like(data)
