"""Tensor ops that reduce, reshape, select or join: each forward beside its VJPs.

Two pairs of ops are each other's transpose, so their rules close on themselves to
any order: ``broadcast_to`` / ``sum_to`` (copying along axes, summing them back) and
``getitem`` / ``scatter_add`` (selecting entries, adding them back where they came
from). ``axes`` are non-negative and sorted (Tensor checks them before applying).
"""

from __future__ import annotations

import math
from typing import Any

from ..op import KINK_AT_TIES, Op, Saved


def _expand(xp: Any, g: Any, axes: tuple[int, ...], keepdims: bool) -> Any:
    """Give a reduced gradient back its reduced axes (size 1), so that it broadcasts
    (a full reduction's 0-d gradient broadcasts as it is)."""
    return g if keepdims or xp.ndim(g) == 0 else xp.expand_dims(g, axes)


def _inverse(permutation: tuple[int, ...]) -> tuple[int, ...]:
    inverse = [0] * len(permutation)
    for position, axis in enumerate(permutation):
        inverse[axis] = position
    return tuple(inverse)


# --- reductions ------------------------------------------------------------------------

SUM = Op("sum", lambda xp, x, axes, keepdims: xp.sum(x, axis=axes, keepdims=keepdims),
         (lambda xp, g, x, y, axes, keepdims:
             xp.broadcast_to(_expand(xp, g, axes, keepdims), xp.shape(x)),),
         formula=("g spread over the summed axes",))
MEAN = Op("mean", lambda xp, x, axes, keepdims, count:
          xp.divide(xp.sum(x, axis=axes, keepdims=keepdims), count),
          (lambda xp, g, x, y, axes, keepdims, count:
              xp.broadcast_to(_expand(xp, g, axes, keepdims) / count, xp.shape(x)),),
          formula=("g / (entries averaged), spread",))
AMAX = Op("max", lambda xp, x, axes, keepdims: xp.amax(x, axis=axes, keepdims=keepdims),
          (lambda xp, g, x, y, axes, keepdims: _expand(xp, g, axes, keepdims)
              * xp.tie_share(x, _expand(xp, y, axes, keepdims), axes),),
          formula=("g at the maximum (ties share it)",), kinks=KINK_AT_TIES)
AMIN = Op("min", lambda xp, x, axes, keepdims: xp.amin(x, axis=axes, keepdims=keepdims),
          AMAX.vjp, formula=("g at the minimum (ties share it)",), kinks=KINK_AT_TIES)
LOGSUMEXP = Op("logsumexp", lambda xp, x, axes, keepdims: _logsumexp(xp, x, axes, keepdims),
               (lambda xp, g, x, y, axes, keepdims: _expand(xp, g, axes, keepdims)
                   * xp.exp(x - _expand(xp, y, axes, keepdims)),),
               formula=("g*softmax({x})",))
SOFTMAX = Op("softmax", lambda xp, x, axis: _softmax(xp, x, axis),
             (lambda xp, g, x, y, axis: y * (g - xp.sum(g * y, axis=axis, keepdims=True)),),
             formula=("{y}*(g - sum(g*{y}))",))
LOG_SOFTMAX = Op("log_softmax", lambda xp, x, axis: _log_softmax(xp, x, axis),
                 (lambda xp, g, x, y, axis:
                     g - xp.exp(y) * xp.sum(g, axis=axis, keepdims=True),),
                 formula=("g - softmax({x})*sum(g)",))


def _softmax_cross_entropy(xp: Any, z: Any, weights: Any, row_totals: Any, axis: int,
                           probs: Saved) -> Any:
    """-sum(weights * log_softmax(z)); an entry of weight 0 counts for nothing, even
    where its log-probability is -inf (PyTorch's nll picks, it does not multiply).
    softmax(z), which the gradient needs, is kept from the same exponentials."""
    if 0 in xp.shape(z):
        logp = z
        probs.keep(_softmax(xp, z, axis))
    else:
        shifted, exps, sums = _shifted_exps(xp, z, axis)
        logp = shifted - xp.log(sums)
        probs.keep(exps / sums)
    total = xp.sum(weights * logp)
    if not xp.isfinite(total):  # 0 * -inf is nan: redo it without those entries
        total = xp.sum(xp.zero_where(xp.equal(weights, 0.0), weights * logp))
    return -total


# d/dz of -sum_c w_c log softmax(z)_c = softmax(z) * sum_c w_c - w, along the class axis
# (softmax(z) as the forward kept it; recomputed on nodes).
SOFTMAX_CROSS_ENTROPY = Op(
    "softmax_cross_entropy", _softmax_cross_entropy,
    (lambda xp, g, z, y, weights, row_totals, axis, probs:
        (xp.saved(probs, lambda: _softmax(xp, z, axis)) * row_totals - weights) * g,),
    formula=("g * (softmax({x}) * sum(w) - w)",))


def _label_cross_entropy(xp: Any, z: Any, picks: Any, scale: float, axis: int,
                         probs: Saved) -> Any:
    """scale * sum_i (log sum_c e^(z_ic) - z_i[y_i]), the negative log-softmax of each
    sample's labelled logit; ``picks`` are those logits' flat positions in ``z``.
    softmax(z), which the gradient needs, is kept from the same exponentials."""
    if 0 in xp.shape(z):  # no sample: nothing to add up
        probs.keep(_softmax(xp, z, axis))
        return xp.sum(z) * scale
    shifted, exps, sums = _shifted_exps(xp, z, axis)
    probs.keep(exps / sums)
    labelled = xp.take(shifted, picks)  # z_i[y_i] - max_c z_ic
    return (xp.sum(xp.log(sums)) - xp.sum(labelled)) * scale


# The textbook gradient of softmax cross-entropy: (softmax(z) - onehot(y)) per sample.
LABEL_CROSS_ENTROPY = Op(
    "label_cross_entropy", _label_cross_entropy,
    (lambda xp, g, z, y, picks, scale, axis, probs:
        (xp.saved(probs, lambda: _softmax(xp, z, axis)) - xp.one_hot(picks, z)) * (g * scale),),
    formula=("g * scale * (softmax({x}) - onehot(labels))",))
CUMSUM = Op("cumsum", lambda xp, x, axis: xp.cumsum(x, axis=axis),
            (lambda xp, g, x, y, axis:
                xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis),),
            formula=("g summed from each entry to the end",))
CLONE = Op("clone", lambda xp, x: xp.copy(x), (lambda xp, g, x, y: g,), formula=("g",))
FLIP = Op("flip", lambda xp, x, axis: xp.flip(x, axis),
          (lambda xp, g, x, y, axis: xp.flip(g, axis),), formula=("g reversed",))


PROD = Op("prod", lambda xp, x, axes, keepdims: xp.prod(x, axis=axes, keepdims=keepdims),
          (lambda xp, g, x, y, axes, keepdims: _expand(xp, g, axes, keepdims)
              * _product_of_others(xp, x, _expand(xp, y, axes, keepdims), axes),),
          formula=("the product of the other entries",))
VAR = Op("var", lambda xp, x, axes, keepdims, divisor: _var(xp, x, axes, keepdims, divisor),
         (lambda xp, g, x, y, axes, keepdims, divisor:
             _var_grad(xp, _expand(xp, g, axes, keepdims), x, axes, divisor),),
         formula=("2 (x - mean) / (n - correction)",))
STD = Op("std", lambda xp, x, axes, keepdims, divisor:
         xp.sqrt(_var(xp, x, axes, keepdims, divisor)),
         (lambda xp, g, x, y, axes, keepdims, divisor: _var_grad(
             xp, _std_to_var(xp, _expand(xp, g, axes, keepdims), _expand(xp, y, axes, keepdims)),
             x, axes, divisor),),
         formula=("(x - mean) / ((n - correction) std), 0 where std is 0",))
NORM = Op("norm", lambda xp, x, p, axes, keepdims: _norm(xp, x, p, axes, keepdims),
          (lambda xp, g, x, y, p, axes, keepdims:
              _norm_grad(xp, _expand(xp, g, axes, keepdims), x,
                         _expand(xp, y, axes, keepdims), p, axes),),
          formula=("x |x|^(p-2) / |x|_p^(p-1), 0 where the norm is 0",))


def _var(xp: Any, x: Any, axes: tuple[int, ...], keepdims: bool, divisor: float) -> Any:
    centred = x - xp.mean(x, axis=axes, keepdims=True)
    return xp.divide(xp.sum(centred * centred, axis=axes, keepdims=keepdims), divisor)


def _var_grad(xp: Any, g: Any, x: Any, axes: tuple[int, ...], divisor: float) -> Any:
    """g 2 (x - mean) / divisor: the mean's own path adds sum(x - mean) = 0, so it is
    left out (as PyTorch), which keeps one inf from making every entry nan."""
    scale = 2.0 / divisor if divisor else math.inf
    return g * (x - xp.mean(x, axis=axes, keepdims=True)) * scale


def _std_to_var(xp: Any, g: Any, y: Any) -> Any:
    """d std = d var / (2 std), and 0 where std is 0 (as PyTorch, not inf)."""
    flat = xp.equal(y, 0.0)
    safe = xp.where(flat, xp.zeros_like(y) + 1.0, y)
    return xp.where(flat, xp.zeros_like(g), xp.divide(g, safe * 2.0))


def _product_of_others(xp: Any, x: Any, y: Any, axes: tuple[int, ...]) -> Any:
    """prod_{j != i} x_j for each entry i of the reduced slices, exact at zeros (as PyTorch).

    Without zeros it is y / x. In a slice with one zero, the zero's entry is the product
    P of the non-zero entries, and every other entry i is Z * P / x_i with Z the (zero)
    sum of the zero entries: 0, yet with the right derivative. Two zeros or more: 0.
    """
    is_zero, no_zero, one_zero = xp.zero_masks(x, axes)
    if no_zero.all():
        return xp.divide(y, x)
    zeros = xp.zeros_like(x)
    nonzero = xp.where(is_zero, zeros + 1.0, x)
    product = xp.prod(nonzero, axis=axes, keepdims=True)
    rest = xp.divide(product, nonzero)
    zero_sum = xp.sum(xp.where(is_zero, x, zeros), axis=axes, keepdims=True)
    single = xp.where(is_zero, product + zeros, rest * zero_sum)
    return xp.where(no_zero, rest, xp.where(one_zero, single, zeros))


def _norm(xp: Any, x: Any, p: float, axes: tuple[int, ...], keepdims: bool) -> Any:
    """(sum |x|^p)^(1/p); p = inf: max |x|, -inf: min |x|, 0: the count of non-zeros."""
    if p == 2:
        return xp.sqrt(xp.sum(x * x, axis=axes, keepdims=keepdims))
    if p == math.inf:
        return xp.amax(xp.abs(x), axis=axes, keepdims=keepdims)
    if p == -math.inf:
        return xp.amin(xp.abs(x), axis=axes, keepdims=keepdims)
    if p == 0:
        zeros = xp.zeros_like(x)  # nan counts as non-zero, as PyTorch
        return xp.sum(xp.where(xp.equal(x, 0.0), zeros, zeros + 1.0), axis=axes,
                      keepdims=keepdims)
    return xp.power(xp.sum(xp.power(xp.abs(x), p), axis=axes, keepdims=keepdims), 1.0 / p)


def _norm_grad(xp: Any, g: Any, x: Any, y: Any, p: float, axes: tuple[int, ...]) -> Any:
    """PyTorch's rules, branch by branch: 0 wherever the norm is 0."""
    if p == 0:
        return xp.zeros_like(x) * g
    if p == 1:
        return g * xp.sign(x)
    if p in (math.inf, -math.inf):
        return g * xp.sign(x) * xp.tie_share(xp.abs(x), y, axes)
    flat = xp.equal(y, 0.0)
    safe_y = xp.where(flat, xp.zeros_like(y) + 1.0, y)
    if p < 1:  # |x|^(p-1) is infinite at 0: PyTorch gives those entries 0
        safe_x = xp.where(xp.equal(x, 0.0), xp.zeros_like(x) + 1.0, xp.abs(x))
        slope = xp.where(xp.equal(x, 0.0), xp.zeros_like(x), xp.power(safe_x, p - 1.0))
        return xp.sign(x) * slope * (g * xp.power(safe_y, 1.0 - p))
    scale = xp.where(flat, xp.zeros_like(g), xp.divide(g, xp.power(safe_y, p - 1.0)))
    if p == 2:
        return x * scale
    if p < 2:
        return xp.sign(x) * xp.power(xp.abs(x), p - 1.0) * scale
    return x * xp.power(xp.abs(x), p - 2.0) * scale


def _logsumexp(xp: Any, x: Any, axes: tuple[int, ...], keepdims: bool) -> Any:
    """m + log(sum(e^(x - m))) with m the (finite) maximum: no overflow."""
    peak = xp.amax(x, axis=axes, keepdims=True) if 0 not in xp.shape(x) \
        else xp.zeros_like(xp.sum(x, axis=axes, keepdims=True))
    peak = xp.where(xp.isfinite(peak), peak, xp.zeros_like(peak))
    out = xp.log(xp.sum(xp.exp(x - peak), axis=axes, keepdims=True)) + peak
    return out if keepdims else xp.squeeze(out, axis=axes)


def _log_softmax(xp: Any, x: Any, axis: int) -> Any:
    """(x - m) - log(sum(e^(x - m))), m the maximum, inf included (as PyTorch: a row
    holding inf is nan, where logsumexp's finite shift would give -inf beside nan)."""
    if 0 in xp.shape(x):
        return x
    shifted, _, sums = _shifted_exps(xp, x, axis)
    return shifted - xp.log(sums)


def _softmax(xp: Any, x: Any, axis: int) -> Any:
    if 0 in xp.shape(x):
        exps = xp.exp(x)
        return exps / xp.sum(exps, axis=axis, keepdims=True)
    _, exps, sums = _shifted_exps(xp, x, axis)
    return exps / sums


def _shifted_exps(xp: Any, x: Any, axis: int) -> tuple[Any, Any, Any]:
    """x - m, e^(x - m) and its sum along ``axis``, m the maximum (x not empty)."""
    shifted = x - xp.amax(x, axis=axis, keepdims=True)
    exps = xp.exp(shifted)
    return shifted, exps, xp.sum(exps, axis=axis, keepdims=True)


# --- reshaping ------------------------------------------------------------------------

RESHAPE = Op("reshape", lambda xp, x, shape: xp.reshape(x, shape),
             (lambda xp, g, x, y, shape: xp.reshape(g, xp.shape(x)),), formula=("g reshaped back",))
TRANSPOSE = Op("transpose", lambda xp, x, axes: xp.transpose(x, axes),
               (lambda xp, g, x, y, axes: xp.transpose(g, _inverse(axes)),),
               formula=("g transposed back",))
BROADCAST_TO = Op("broadcast_to", lambda xp, x, shape: xp.broadcast_to(x, shape),
                  (lambda xp, g, x, y, shape: xp.sum_to(g, xp.shape(x)),),
                  formula=("g summed over the copies",))
SUM_TO = Op("sum_to", lambda xp, x, shape: xp.sum_to(x, shape),
            (lambda xp, g, x, y, shape: xp.broadcast_to(g, xp.shape(x)),),
            formula=("g spread over the summed axes",))

# --- selecting and joining --------------------------------------------------------------

GETITEM = Op("getitem", lambda xp, x, index: xp.getitem(x, index),
             (lambda xp, g, x, y, index: xp.scatter_add(g, index, xp.shape(x)),),
             formula=("g at the indexed entries, 0 elsewhere",))
SCATTER_ADD = Op("scatter_add", lambda xp, x, index, shape: xp.scatter_add(x, index, shape),
                 (lambda xp, g, x, y, index, shape: xp.getitem(g, index),),
                 formula=("g at the target entries",))
CONCATENATE = Op("concatenate", lambda xp, parts, axis, ends: xp.concatenate(parts, axis=axis),
                 (lambda xp, g, parts, y, axis, ends: xp.split(g, ends, axis),),
                 formula=("g's slice for each input",), variadic=True)
STACK = Op("stack", lambda xp, parts, axis: xp.stack(parts, axis=axis),
           (lambda xp, g, parts, y, axis: xp.unstack(g, axis),),
           formula=("g's slice for each input",), variadic=True)
WHERE = Op("where", lambda xp, a, b, condition: xp.where(condition, a, b),
           (lambda xp, g, a, b, y, condition: xp.where(condition, g, 0.0),
            lambda xp, g, a, b, y, condition: xp.where(condition, 0.0, g)),
           formula=("g where the condition holds, else 0", "g where it does not, else 0"))

SHAPE_OPS = (SUM, MEAN, AMAX, AMIN, PROD, VAR, STD, NORM, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX,
             SOFTMAX_CROSS_ENTROPY, LABEL_CROSS_ENTROPY, CUMSUM, CLONE, FLIP, RESHAPE,
             TRANSPOSE, BROADCAST_TO, SUM_TO, GETITEM, SCATTER_ADD, CONCATENATE, STACK, WHERE)
