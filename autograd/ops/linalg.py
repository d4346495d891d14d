"""Matrix product, with NumPy's rules for 1-D operands and batch broadcasting.

For C = A @ B: dL/dA = dL/dC @ B^T and dL/dB = A^T @ dL/dC. A 1-D operand is treated
as a row (left) or column (right) and the axis is dropped again, as ``matmul`` does;
batch axes broadcast, and the engine sums a gradient back over them.
"""

from __future__ import annotations

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
