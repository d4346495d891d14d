"""Matrix product, with NumPy's rules for 1-D operands and batch broadcasting; and the
fully connected layer's ``linear`` as one op.

For C = A @ B: dL/dA = dL/dC @ B^T and dL/dB = A^T @ dL/dC. A 1-D operand is treated
as a row (left) or column (right) and the axis is dropped again, as ``matmul`` does;
batch axes broadcast, and the engine sums a gradient back over them.

For y = x @ W^T + b (x of shape (..., in), W (out, in), b (out,)): dL/dx = g @ W,
dL/dW = g^T @ x over all batch entries, dL/db = g summed over the batch axes. One
node instead of three (transpose, matmul, add) and no intermediate (N, out) array.
"""

from __future__ import annotations

import math
from typing import Any

from ..op import Op


def _grad_left(xp: Any, g: Any, a: Any, b: Any, y: Any) -> Any:
    a_ndim, b_ndim = xp.ndim(a), xp.ndim(b)
    if b_ndim == 1:                      # y[..., i] = sum_k a[..., i, k] b[k]
        return g * b if a_ndim == 1 else xp.expand_dims(g, -1) * b
    if a_ndim == 1:                      # y[..., j] = sum_k a[k] b[..., k, j]
        return xp.squeeze(xp.matmul(b, xp.expand_dims(g, -1)), -1)
    return xp.matmul_laid_out_like(a, g, xp.swapaxes(b, -1, -2))


def _grad_right(xp: Any, g: Any, a: Any, b: Any, y: Any) -> Any:
    a_ndim, b_ndim = xp.ndim(a), xp.ndim(b)
    if a_ndim == 1:
        return g * a if b_ndim == 1 else xp.expand_dims(a, -1) * xp.expand_dims(g, -2)
    if b_ndim == 1:
        return xp.squeeze(xp.matmul(xp.swapaxes(a, -1, -2), xp.expand_dims(g, -1)), -1)
    return xp.matmul_laid_out_like(b, xp.swapaxes(a, -1, -2), g)


MATMUL = Op("matmul", lambda xp, a, b: xp.matmul(a, b), (_grad_left, _grad_right),
            formula=("g @ {b}.T", "{a}.T @ g"))


def _linear_grad_weight(xp: Any, g: Any, x: Any, w: Any, b: Any, y: Any) -> Any:
    """g^T @ x with the batch axes flattened: the (out, in) sum over every sample."""
    if xp.ndim(x) == 2:
        return xp.matmul(xp.swapaxes(g, 0, 1), x)
    n_out, n_in = xp.shape(w)
    rows = math.prod(xp.shape(x)[:-1])
    return xp.matmul(xp.swapaxes(xp.reshape(g, (rows, n_out)), 0, 1),
                     xp.reshape(x, (rows, n_in)))


def _linear_grad_bias(xp: Any, g: Any, x: Any, w: Any, b: Any, y: Any) -> Any:
    """g summed over every batch axis (all but the last)."""
    ndim = xp.ndim(g)
    return xp.sum(g, axis=0 if ndim == 2 else tuple(range(ndim - 1)))


LINEAR = Op("linear", lambda xp, x, w, b: xp.linear(x, w, b),
            (lambda xp, g, x, w, b, y: xp.matmul(g, w), _linear_grad_weight,
             _linear_grad_bias),
            formula=("g @ {b}", "g.T @ {a}", "g summed over the batch"))
