"""``node_math``: the backend that runs an op's rules on graph nodes (create_graph=True).

The same rule text as on raw data, but every input, output and gradient is a Value or
a Tensor, so each arithmetic step of the backward pass is itself an op of the graph and
can be differentiated again. Comparisons look at the nodes' data and return plain
masks: they carry no gradient, as in PyTorch.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from .backends import array_math, scalar_math
from .graph import Node
from .ops import conv as _conv_ops


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Node) else x


def _raw(kind: Any) -> Any:
    return scalar_math if kind._is_scalar else array_math


def _compare(name: str) -> Any:
    def compare(a: Any, b: Any) -> Any:
        node = a if isinstance(a, Node) else b
        return getattr(_raw(type(node)), name)(_data(a), _data(b))
    return compare


def _method(name: str) -> Any:
    return lambda x, *args, **kwargs: getattr(x, name)(*args, **kwargs)


def _where(condition: Any, a: Any, b: Any) -> Any:
    node = a if isinstance(a, Node) else b
    return type(node)._where(condition, a, b)


def _zeros_like(x: Any) -> Any:
    return type(x)._constant_like(x, 0.0)


def _shape(x: Any) -> tuple[int, ...]:
    return np.shape(_data(x))


def _ndim(x: Any) -> int:
    return np.ndim(_data(x))


def _tie_share(x: Any, peak: Any, axes: tuple[int, ...]) -> np.ndarray:
    return array_math.tie_share(_data(x), _data(peak), axes)


def _power(a: Any, b: Any) -> Any:
    return a ** b


def _divide(a: Any, b: Any) -> Any:
    return a / b


def _expand_dims(x: Any, axes: Any) -> Any:
    return x.reshape(np.expand_dims(x.data, axes).shape)


def _squeeze(x: Any, axis: Any) -> Any:
    return x.reshape(np.squeeze(x.data, axis).shape)


def _swapaxes(x: Any, a: int, b: int) -> Any:
    axes = list(range(x.ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return x.permute(*axes)


def _split(g: Any, ends: Any, axis: int) -> tuple:
    bounds = [0, *(int(e) for e in ends), g.shape[axis]]
    lead = (slice(None),) * axis
    return tuple(g[(*lead, slice(start, stop))] for start, stop in zip(bounds, bounds[1:]))


def _unstack(g: Any, axis: int) -> tuple:
    lead = (slice(None),) * axis
    return tuple(g[(*lead, i)] for i in range(g.shape[axis]))


def _sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return x.sum(axis, keepdims)


node_math = SimpleNamespace(
    exp=_method("exp"), expm1=_method("expm1"), log=_method("log"), log1p=_method("log1p"),
    sqrt=_method("sqrt"), sigmoid=_method("sigmoid"), softplus=_method("softplus"),
    tanh=_method("tanh"), sin=_method("sin"), cos=_method("cos"), tan=_method("tan"),
    abs=_method("abs"), sign=_method("sign"), erf=_method("erf"), power=_power,
    divide=_divide, where=_where, zero_where=lambda mask, g: _where(mask, 0.0, g),
    # a forward's kept raw array (op.Saved) is no node: recompute it, recorded
    saved=lambda saved, recompute: recompute(),
    zeros_like=_zeros_like, greater=_compare("greater"),
    less=_compare("less"), less_equal=_compare("less_equal"), equal=_compare("equal"),
    greater_equal=_compare("greater_equal"),
    logical_and=np.logical_and, isnan=lambda x: np.isnan(_data(x)),
    maximum=lambda a, b: type(a)._maximum(a, b), minimum=lambda a, b: type(a)._minimum(a, b),
    sum=_sum, mean=lambda x, axis, keepdims: x.mean(axis, keepdims),
    amax=lambda x, axis, keepdims: x.max(axis, keepdims),
    prod=lambda x, axis, keepdims: x.prod(axis, keepdims),
    zero_masks=lambda x, axes: array_math.zero_masks(_data(x), axes),
    broadcast_to=_method("broadcast_to"), sum_to=_method("sum_to"),
    reshape=_method("reshape"), expand_dims=_expand_dims, squeeze=_squeeze,
    transpose=lambda x, axes: x.permute(*axes), swapaxes=_swapaxes,
    matmul=lambda a, b: a @ b, matmul_laid_out_like=lambda operand, x, y: x @ y,
    getitem=lambda x, index: x[index], scatter_add=_method("scatter_add"), split=_split,
    one_hot=lambda picks, like: array_math.one_hot(picks, _data(like)),  # a constant
    take=lambda x, picks: x.reshape(-1)[picks],
    unstack=_unstack, shape=_shape, ndim=_ndim, tie_share=_tie_share,
    cumsum=lambda x, axis: x.cumsum(axis), flip=lambda x, axis: x.flip(axis),
    # --- convolution and pooling (ops/conv.py): the ops applied to nodes ---
    pad_constant=lambda x, *params: type(x)._apply(_conv_ops.PAD, (x,), *params),
    unfold_windows=lambda x, *params: type(x)._apply(_conv_ops.UNFOLD, (x,), *params),
    fold_windows=lambda x, *params: type(x)._apply(_conv_ops.FOLD, (x,), *params),
    first_max_mask=lambda x, axis: array_math.first_max_mask(_data(x), axis),
)
