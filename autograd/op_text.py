"""What an operation is called and what its local derivative is, as text for learners.

The drawing, ``explain_backward`` and ``animate_backward`` read op information from a
node only through the functions below (``op_symbol``, ``forward_text``,
``derivative_texts``, ``forward_again``). The formulas themselves live on the op
records (``Op.formula`` in ``ops/``), written in the names of the op's input(s) and
output; ``g`` is the gradient arriving at the output (for Tensor ops whose local
derivative is not elementwise, the text says how ``g`` is sent back).
"""

from __future__ import annotations

from typing import Any

from .draw_format import fmt

INFIX = frozenset({"+", "-", "*", "/", "**"})


def op_symbol(node: Any) -> str:
    """The op's name as drawn: ``tanh``, ``+``; a power by a constant shows it (``** 2``)."""
    power = _constant_exponent(node)
    return node.op if power is None else f"** {fmt(power)}"


def is_ordered(node: Any) -> bool:
    """True when the order of the op's inputs matters (``a - b``), so edges are numbered."""
    return len(node.parents) > 1 and not node._op.commutative


def forward_text(node: Any, out: str, inputs: list[str]) -> str:
    """How ``node`` was computed, in the given names: ``o = tanh(n)``, ``c = a * b``."""
    op = node.op
    power = _constant_exponent(node)
    if power is not None:
        return f"{out} = {inputs[0]}^{fmt(power)}"
    if op == "neg":
        return f"{out} = -{inputs[0]}"
    if node._op.name == "weighted_sum":  # o = w1*x1 + w2*x2 + b
        pairs = [f"{w}*{x}" for w, x in zip(inputs[0::2], inputs[1::2])]
        return f"{out} = " + " + ".join(pairs + inputs[len(pairs) * 2:])
    if op in INFIX and len(inputs) == 2:
        return f"{out} = {inputs[0]} {op} {inputs[1]}"
    return f"{out} = {op}({', '.join(inputs)})"


def derivative_texts(node: Any, out: str, inputs: list[str]) -> list[str | None]:
    """d(out)/d(input) per input, the op record's ``formula`` in the given names."""
    op = node._op
    formulas = op.formula
    if op.variadic:
        if callable(formulas):
            return formulas(inputs)
        return [f"g's part for input {k + 1}" for k in range(len(inputs))]
    if len(formulas) != len(inputs):
        return [None] * len(inputs)
    power = _constant_exponent(node)
    if power is not None:
        rest = "" if power == 2 else f"^{fmt(power - 1)}"
        return [f"{fmt(power)}*{inputs[0]}{rest}"]
    names = {"y": out, "p": _param_text(node)}
    if len(inputs) == 1:
        names["x"] = inputs[0]
    else:
        names.update(zip("abc", inputs))
    return [formula.format(**names) for formula in formulas]


def forward_again(node: Any) -> Any:
    """The op applied again to its inputs' current data, or None if that is not known.

    Compared with ``node.data`` this tells whether an input (a parameter updated by an
    optimiser) changed after the graph was built.
    """
    op, parents = node._op, node.parents
    inputs = [p.data for p in parents]
    try:
        if op.variadic:  # a custom Function's forward runs only through apply(): None
            return op.forward(node.xp, inputs, *node._params)
        return op.forward(node.xp, *inputs, *node._params)
    except (TypeError, ValueError, ArithmeticError, IndexError, RuntimeError):
        return None


def _param_text(node: Any) -> str:
    params = node.op_params
    return fmt(params[0]) if params and isinstance(params[0], (int, float)) else ""


def _constant_exponent(node: Any) -> float | None:
    if node.op == "**" and len(node.parents) == 1:
        return node.op_params[0]
    return None
