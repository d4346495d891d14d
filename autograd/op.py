"""The one record every operation is: its forward rule beside its vector-Jacobian products.

An ``Op`` is written once against a backend ``xp`` (``backends.py``), so the same text
serves three purposes:

- forward on raw data: floats for Value (``xp = scalar_math``), arrays for Tensor
  (``xp = array_math``);
- the first-order backward pass, on the same raw data (fast, nothing recorded);
- the backward pass of ``grad(..., create_graph=True)``, on *nodes* (``xp = node_math``):
  the rule's arithmetic is then itself recorded, so gradients can be differentiated
  again, to any order.

The rule contract (``x`` inputs, ``y`` the output, ``g`` the gradient reaching ``y``)::

    forward(xp, *inputs, *params) -> y
    vjp[i](xp, g, *inputs, y, *params) -> the gradient reaching inputs[i]

one VJP per input, so the engine computes only those an input needs (JAX's
``defvjp``). A *variadic* op (concatenate, stack, a custom Function) has one rule for
all its inputs, returning a tuple. A VJP may return a gradient of the output's
broadcast shape: the engine un-broadcasts it to the input's shape.

The rest of the record is what drawing, testing and error messages read: ``symbol``
(what ``node.op`` says), ``formula`` (the local derivative, for ``explain_backward``),
``kinks`` (where the derivative jumps) and ``commutative``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

#: ``Op.kinks`` values: the derivative jumps where the input is 0, or where compared
#: entries tie; central differences straddle two slopes there.
KINK_AT_ZERO, KINK_AT_TIES = "zero", "ties"


@dataclass(frozen=True, eq=False)
class Op:
    """One operation: ``forward`` and one VJP per input (see the module docstring)."""

    name: str
    forward: Callable[..., Any]
    vjp: tuple[Callable[..., Any], ...]
    symbol: str = ""
    # One text per input; a variadic op gives a function of its inputs' names instead.
    formula: tuple[str, ...] | Callable[[list[str]], list[str]] = ()
    kinks: str = ""
    commutative: bool = False
    variadic: bool = False
    # Parameters bound into the rules by ``bind`` (a Value has no slot for them).
    bound: tuple = ()
    # ``(node, g) -> input gradients`` on raw data: the VJPs called on the inputs' data
    # (made once per op by ``_raw_rule``).
    raw_backward: Callable[[Any, Any], Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.symbol:
            object.__setattr__(self, "symbol", self.name)
        object.__setattr__(self, "raw_backward", _raw_rule(self))

    def bind(self, *params: Any) -> Op:
        """This op with ``params`` fixed: rules that take only inputs (and the output).

        A Value node has no slot for parameters (memory: every slot is 8 bytes on each
        of a million nodes), so ``leaky_relu(0.2)`` on a Value records
        ``LEAKY_RELU.bind(0.2)``; ``bound`` keeps the numbers for drawing.
        """
        vjps = tuple(_bound_rule(vjp, params) for vjp in self.vjp)
        return replace(self, forward=_bound_rule(self.forward, params), vjp=vjps,
                       bound=self.bound + params)

    def node_backward(self, node: Any, g: Any, xp: Any) -> Any:
        """The gradients reaching ``node``'s inputs as nodes: the rules run on ``xp``
        (``node_math``), so this backward step is itself recorded."""
        parents = node.parents
        if self.variadic:
            return self.vjp[0](xp, g, parents, node, *node._params)
        return [vjp(xp, g, *parents, node, *node._params) if parent.requires_grad else None
                for parent, vjp in zip(parents, self.vjp)]

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


class Saved:
    """An array a forward rule keeps for its VJP, as PyTorch's ``ctx.save_for_backward``.

    Passed to the op as a parameter, a fresh one per node. The forward fills it
    (``keep``; only its first run counts, so re-running a forward, as
    ``explain_backward`` does, never replaces it). A VJP asks its backend:
    ``xp.saved(saved, recompute)`` is the kept array on raw data, and ``recompute()`` on
    nodes, so that a recorded backward pass stays differentiable. ``recompute`` must
    give the numbers that were kept.
    """

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: Any = None

    def keep(self, value: Any) -> Any:
        if self.value is None:
            self.value = value
        return value

    def __repr__(self) -> str:
        return "Saved()"


def _bound_rule(rule: Callable[..., Any], params: tuple) -> Callable[..., Any]:
    return lambda *args: rule(*args, *params)


def _raw_rule(op: Op) -> Callable[[Any, Any], Any]:
    """``(node, g) -> input gradients`` on raw data: the first-order backward step.

    Specialised by arity once per op, since the engine calls it once per node.
    """
    vjps = op.vjp
    if op.variadic:
        (vjp,) = vjps
        return lambda node, g: vjp(node.xp, g, [p.data for p in node.parents], node.data,
                                   *node._params)
    # A call with ``*params`` costs more than the multiply it makes when params is
    # (): the common case gets a plain call.
    if len(vjps) == 1:
        (vjp,) = vjps

        def unary(node: Any, g: Any) -> tuple:
            (x,) = node.parents
            params = node._params
            if params:
                return (vjp(node.xp, g, x.data, node.data, *params),)
            return (vjp(node.xp, g, x.data, node.data),)
        return unary
    if len(vjps) == 2:
        left_vjp, right_vjp = vjps

        def binary(node: Any, g: Any) -> tuple:
            a, b = node.parents
            xp, ad, bd, y, params = node.xp, a.data, b.data, node.data, node._params
            if params:
                return (left_vjp(xp, g, ad, bd, y, *params) if a.requires_grad else None,
                        right_vjp(xp, g, ad, bd, y, *params) if b.requires_grad else None)
            return (left_vjp(xp, g, ad, bd, y) if a.requires_grad else None,
                    right_vjp(xp, g, ad, bd, y) if b.requires_grad else None)
        return binary
    if not vjps:
        raise ValueError(f"Op {op.name}: give one VJP per input, or variadic=True")

    def nary(node: Any, g: Any) -> list:
        parents, xp, y, params = node.parents, node.xp, node.data, node._params
        inputs = [p.data for p in parents]
        return [vjp(xp, g, *inputs, y, *params) if p.requires_grad else None
                for p, vjp in zip(parents, vjps)]
    return nary
