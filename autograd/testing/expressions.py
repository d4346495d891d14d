"""Random expression DAGs over Values (``expressions()``) and Tensors (``tensor_expressions()``).

An expression is a list of steps, each applying an op from a table (``ops.py``) to
earlier nodes: inputs or results of earlier steps. Any node may be used again, so the
graphs have shared sub-expressions (``t1 = x0 * x0; t2 = t1 + log(t1)``) and reused
inputs, the cases where a wrong accumulation of gradients shows.

The output is the last step plus every other *sink* (an input or step no later step
uses), summed over its entries for tensors: ``out = t5 + x1 + t3``. So every drawn op
lies on a path to the output and a gradient check exercises every backward rule.

While drawing, every candidate step is evaluated at the drawn inputs and only those
are offered where the op is differentiable (its ``params``) and the result stays
finite, of moderate size (|y| <= ``bound``) and, for tensors, small. So the
expression's gradient can be checked by central differences at its ``inputs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ..graph import no_grad
from ..tensor import Tensor
from ..value import Value
from .ops import TENSOR_OPS, VALUE_OPS, Op
from .strategies import arrays, broadcastable_shapes, values

#: Intermediate results stay within [-BOUND, BOUND], where float64 central differences
#: with eps=1e-6 are accurate to well within gradcheck's tolerances.
BOUND = 100.0


@dataclass(frozen=True)
class Step:
    """``op`` applied to the nodes numbered ``args`` (inputs first, then earlier steps)."""

    op: Op
    args: tuple[int, ...]
    param: Any


class Expression:
    """A random expression DAG and the point to differentiate it at.

    ``fn(*leaves)`` builds the expression from one leaf per input and returns its
    output, so ``gradcheck(expr.fn, expr.inputs)`` checks it; ``describe()`` shows it
    one step per line, then the output.
    """

    def __init__(self, inputs: Sequence[Any], steps: Sequence[Step]) -> None:
        self.inputs = list(inputs)
        self.steps = list(steps)

    @property
    def sinks(self) -> list[int]:
        """The nodes no step uses, in order; the last node (the last step) is always one."""
        used = {a for step in self.steps for a in step.args}
        return [k for k in range(len(self.inputs) + len(self.steps)) if k not in used]

    def nodes(self, *leaves: Any) -> list[Any]:
        """Every node built from ``leaves``: the leaves, each step, then the output.

        With a single sink the output is the last step itself, listed twice.
        """
        if len(leaves) != len(self.inputs):
            raise TypeError(f"Expression: expected {len(self.inputs)} leaves, got {len(leaves)}")
        built = list(leaves)
        for step in self.steps:
            built.append(step.op.apply(*(built[a] for a in step.args), step.param))
        *others, last = self.sinks
        output = built[last]
        for k in others:  # reduced to a scalar, so any shapes combine
            output = output + (built[k].sum() if isinstance(built[k], Tensor) else built[k])
        return built + [output]

    def fn(self, *leaves: Any) -> Any:
        """The output of the expression built from ``leaves``."""
        return self.nodes(*leaves)[-1]

    __call__ = fn

    def leaves(self, requires_grad: bool = True) -> list[Any]:
        """Fresh leaves holding the inputs (Values, or Tensors that require grad)."""
        return [Value(x) if isinstance(x, float) else Tensor(x, requires_grad=requires_grad)
                for x in self.inputs]

    @property
    def op_names(self) -> list[str]:
        """The names of the ops, step by step."""
        return [step.op.name for step in self.steps]

    def describe(self) -> str:
        """The inputs, one line per step (e.g. ``t2 = log(t1)``), then ``out = ...``."""
        names = [f"x{i}" for i in range(len(self.inputs))]
        lines = [f"{name} = {_show(x)}" for name, x in zip(names, self.inputs)]
        for k, step in enumerate(self.steps):
            name = f"t{len(self.inputs) + k}"
            lines.append(f"{name} = {step.op.describe([names[a] for a in step.args], step.param)}")
            names.append(name)
        reduce = "" if all(isinstance(x, float) for x in self.inputs) else ".sum()"
        *others, last = self.sinks
        lines.append("out = " + " + ".join([names[last]] + [names[k] + reduce for k in others]))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "Expression(\n  " + self.describe().replace("\n", "\n  ") + "\n)"


def _show(x: Any) -> str:
    if isinstance(x, float):
        return repr(x)
    text = np.array2string(np.asarray(x), separator=", ", precision=17, floatmode="unique")
    return f"np.array({text.replace(chr(10), '')})"


def _tame(data: Any, bound: float, max_size: int) -> bool:
    data = np.asarray(data)
    return (0 < data.size <= max_size and bool(np.all(np.isfinite(data)))
            and float(np.max(np.abs(data))) <= bound)


def _draw_steps(draw: st.DrawFn, leaves: list[Any], ops: Sequence[Op], min_ops: int,
                max_ops: int, bound: float, max_size: int) -> list[Step]:
    """Grow the DAG: pick operands, then one op among those defined and tame there."""
    nodes, steps = list(leaves), []
    for _ in range(draw(st.integers(min_ops, max_ops))):
        n = len(nodes)
        first = n - 1 - draw(st.integers(0, n - 1))  # shrinks towards the newest node
        second = draw(st.integers(0, n - 1))
        others = (second, (second + 1) % n)  # a third operand (linear's): the next node
        candidates = []  # per op, its tame applications; ops are drawn evenly
        for op in ops:
            args = (first, *others[:op.arity - 1])
            operands = [nodes[a] for a in args]
            tame = []
            for param in op.params(*(node.data for node in operands)):
                out = op.apply(*operands, param)
                if _tame(out.data, bound, max_size):
                    tame.append((Step(op, args, param), out))
            if tame:
                candidates.append(tame)
        if candidates:
            step, out = draw(st.sampled_from(draw(st.sampled_from(candidates))))
            steps.append(step)
            nodes.append(out)
    return steps


@st.composite
def expressions(draw: st.DrawFn, min_inputs: int = 1, max_inputs: int = 3,
                min_ops: int = 2, max_ops: int = 8,
                ops: Sequence[Op] = VALUE_OPS, inputs: st.SearchStrategy[float] | None = None,
                bound: float = BOUND) -> Expression:
    """Random expression DAGs over Values with ``min_ops`` to ``max_ops`` steps.

    ``ops`` restricts the op table (e.g. ``[op for op in VALUE_OPS if op.name != "pow"]``);
    ``inputs`` draws each input (default ``values()``).
    """
    element = values() if inputs is None else inputs
    points = draw(st.lists(element, min_size=min_inputs, max_size=max_inputs))
    with no_grad():
        steps = _draw_steps(draw, [Value(x) for x in points], ops, min_ops, max_ops, bound, 1)
    return Expression([float(x) for x in points], steps)


@st.composite
def tensor_expressions(draw: st.DrawFn, min_inputs: int = 1, max_inputs: int = 3,
                       min_ops: int = 2, max_ops: int = 6, ops: Sequence[Op] = TENSOR_OPS,
                       max_dims: int = 3,
                       max_side: int = 3, max_size: int = 48,
                       bound: float = BOUND) -> Expression:
    """Random expression DAGs over Tensors: inputs of mutually broadcastable shapes,
    combined by elementwise ops with broadcasting, reductions (sum, mean, max, min,
    logsumexp with axis/keepdims), softmax, reshape, transpose, indexing, matmul,
    concatenate, stack, where and maximum."""
    n = draw(st.integers(min_inputs, max_inputs))
    shapes = draw(broadcastable_shapes(n, max_dims=max_dims, max_side=max_side))
    points = [draw(arrays(shape)) for shape in shapes]
    with no_grad():
        leaves = [Tensor(p) for p in points]
        steps = _draw_steps(draw, leaves, ops, min_ops, max_ops, bound, max_size)
    return Expression(points, steps)
