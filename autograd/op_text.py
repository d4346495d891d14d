"""What an operation is called and what its local derivative is, as text for learners.

The drawing, ``explain_backward`` and ``animate_backward`` read op information from a
node only through the functions below (``op_symbol``, ``forward_text``,
``derivative_texts``, ``forward_again``), so that when nodes carry richer op records
this is the one file to change. The formulas are written in the names of the op's
input(s) and output; ``g`` is the gradient arriving at the output (for Tensor ops whose
local derivative is not elementwise, the text says how ``g`` is sent back).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .draw_format import fmt

# d(out)/d(input) of one-input ops; {x} the input, {y} the output, {p} a parameter.
UNARY_DERIVATIVES: dict[str, str] = {
    "neg": "-1",
    "exp": "{y}",
    "log": "1/{x}",
    "sqrt": "1/(2*{y})",
    "tanh": "1 - {y}^2",
    "sigmoid": "{y}*(1 - {y})",
    "relu": "1 if {x} > 0 else 0",
    "leaky_relu": "1 if {x} > 0 else {p}",
    "softplus": "sigmoid({x})",
    "sin": "cos({x})",
    "cos": "-sin({x})",
    "abs": "sign({x})",
    "**": "{p}*{x}^({p} - 1)",  # a power by a constant p (shown simplified)
    # Tensor ops: how the gradient g of the output goes back to the input
    "sum": "g spread over the summed axes",
    "mean": "g / (entries averaged), spread",
    "max": "g at the maximum (ties share it)",
    "min": "g at the minimum (ties share it)",
    "reshape": "g reshaped back",
    "transpose": "g transposed back",
    "getitem": "g at the indexed entries, 0 elsewhere",
    "softmax": "{y}*(g - sum(g*{y}))",
    "log_softmax": "g - softmax({x})*sum(g)",
    "logsumexp": "g*softmax({x})",
}

# (d(out)/d(first input), d(out)/d(second input)); {a}, {b} the inputs, {y} the output.
BINARY_DERIVATIVES: dict[str, tuple[str, str]] = {
    "+": ("1", "1"),
    "-": ("1", "-1"),
    "*": ("{b}", "{a}"),
    "/": ("1/{b}", "-{a}/{b}^2"),
    "**": ("{b}*{a}^({b} - 1)", "{y}*ln({a})"),
    "maximum": ("1 if {a} > {b} else 0 (1/2 on a tie)", "1 if {b} > {a} else 0 (1/2 on a tie)"),
    "matmul": ("g @ {b}.T", "{a}.T @ g"),
    "where": ("g where the condition holds, else 0", "g where it does not, else 0"),
}

INFIX = frozenset({"+", "-", "*", "/", "**"})
# The inputs' order changes the result: edges into these ops are numbered.
NON_COMMUTATIVE = frozenset({"-", "/", "**", "matmul", "where", "concatenate", "stack"})


def op_symbol(node: Any) -> str:
    """The op's name as drawn: ``tanh``, ``+``; a power by a constant shows it (``** 2``)."""
    power = _constant_exponent(node)
    return node.op if power is None else f"** {fmt(power)}"


def is_ordered(node: Any) -> bool:
    """True when the order of the op's inputs matters (``a - b``), so edges are numbered."""
    return len(node.parents) > 1 and node.op in NON_COMMUTATIVE


def forward_text(node: Any, out: str, inputs: list[str]) -> str:
    """How ``node`` was computed, in the given names: ``o = tanh(n)``, ``c = a * b``."""
    op = node.op
    power = _constant_exponent(node)
    if power is not None:
        return f"{out} = {inputs[0]}^{fmt(power)}"
    if op == "neg":
        return f"{out} = -{inputs[0]}"
    if op in INFIX and len(inputs) == 2:
        return f"{out} = {inputs[0]} {op} {inputs[1]}"
    return f"{out} = {op}({', '.join(inputs)})"


def derivative_texts(node: Any, out: str, inputs: list[str]) -> list[str | None]:
    """d(out)/d(input) per input as a formula in the given names; None where unknown."""
    op = node.op
    if len(inputs) == 1:
        formula = UNARY_DERIVATIVES.get(op)
        if formula is None:
            return [None]
        power = _constant_exponent(node)
        if power is not None:
            rest = "" if power == 2 else f"^{fmt(power - 1)}"
            return [f"{fmt(power)}*{inputs[0]}{rest}"]
        param = _unary_param(node)
        return [formula.format(x=inputs[0], y=out, p="" if param is None else fmt(param))]
    pair = BINARY_DERIVATIVES.get(op)
    if pair is None or len(inputs) != 2:
        if op in ("concatenate", "stack"):
            return [f"g's part for input {k + 1}" for k in range(len(inputs))]
        return [None] * len(inputs)
    return [text.format(a=inputs[0], b=inputs[1], y=out) for text in pair]


def forward_again(node: Any) -> Any:
    """The op applied again to its inputs' current data, or None if that is not known.

    Compared with ``node.data`` this tells whether an input (a parameter updated by an
    optimiser) changed after the graph was built.
    """
    ctx = node._ctx
    parents = node.parents
    forward = getattr(ctx[0] if isinstance(ctx, tuple) and ctx else ctx, "forward", None)
    try:
        if node.op == "matmul":
            return np.matmul(parents[0].data, parents[1].data)
        if forward is None:
            return None
        if len(parents) == 1 and isinstance(ctx, tuple) and len(ctx) == 2:
            return forward(node.xp, parents[0].data, ctx[1])
        if len(parents) == 2:
            return forward(node.xp, parents[0].data, parents[1].data)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return None


def _constant_exponent(node: Any) -> float | None:
    if node.op == "**" and len(node.parents) == 1:
        return _unary_param(node)
    return None


def _unary_param(node: Any) -> float | None:
    ctx = node._ctx
    if isinstance(ctx, tuple) and len(ctx) == 2 and isinstance(ctx[1], (int, float)):
        return ctx[1]
    return None
