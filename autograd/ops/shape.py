"""Tensor ops that reduce, reshape, select or join: each forward beside its VJPs.

Two pairs of ops are each other's transpose, so their rules close on themselves to
any order: ``broadcast_to`` / ``sum_to`` (copying along axes, summing them back) and
``getitem`` / ``scatter_add`` (selecting entries, adding them back where they came
from). ``axes`` are non-negative and sorted (Tensor checks them before applying).
"""

from __future__ import annotations

from typing import Any

from ..op import KINK_AT_TIES, Op


def _expand(xp: Any, g: Any, axes: tuple[int, ...], keepdims: bool) -> Any:
    """Give a reduced gradient back its reduced axes (size 1), so that it broadcasts."""
    return g if keepdims else xp.expand_dims(g, axes)


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
MEAN = Op("mean", lambda xp, x, axes, keepdims, count: xp.mean(x, axis=axes, keepdims=keepdims),
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
LOG_SOFTMAX = Op("log_softmax", lambda xp, x, axis: x - _logsumexp(xp, x, (axis,), True),
                 (lambda xp, g, x, y, axis:
                     g - xp.exp(y) * xp.sum(g, axis=axis, keepdims=True),),
                 formula=("g - softmax({x})*sum(g)",))
CUMSUM = Op("cumsum", lambda xp, x, axis: xp.cumsum(x, axis=axis),
            (lambda xp, g, x, y, axis:
                xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis),),
            formula=("g summed from each entry to the end",))
FLIP = Op("flip", lambda xp, x, axis: xp.flip(x, axis),
          (lambda xp, g, x, y, axis: xp.flip(g, axis),), formula=("g reversed",))


def _logsumexp(xp: Any, x: Any, axes: tuple[int, ...], keepdims: bool) -> Any:
    """m + log(sum(e^(x - m))) with m the (finite) maximum: no overflow."""
    peak = xp.amax(x, axis=axes, keepdims=True) if 0 not in xp.shape(x) \
        else xp.zeros_like(xp.sum(x, axis=axes, keepdims=True))
    peak = xp.where(xp.isfinite(peak), peak, xp.zeros_like(peak))
    out = xp.log(xp.sum(xp.exp(x - peak), axis=axes, keepdims=True)) + peak
    return out if keepdims else xp.squeeze(out, axis=axes)


def _softmax(xp: Any, x: Any, axis: int) -> Any:
    exps = xp.exp(x - xp.amax(x, axis=axis, keepdims=True)) if 0 not in xp.shape(x) \
        else xp.exp(x)
    return exps / xp.sum(exps, axis=axis, keepdims=True)


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

SHAPE_OPS = (SUM, MEAN, AMAX, AMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, CUMSUM, FLIP, RESHAPE,
             TRANSPOSE, BROADCAST_TO, SUM_TO, GETITEM, SCATTER_ADD, CONCATENATE, STACK, WHERE)
