"""``nn.summary(model, input_shape=None)``: a Keras-style table of a model.

One row per layer (the model's children; containers such as Sequential and ModuleList
are opened), with its output shape when ``input_shape`` (without the batch axis) is
given, and its number of parameters; then the totals. Buffers (running statistics)
count as non-trainable, as Keras counts them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Tensor, Value, no_grad

from .containers import ModuleList
from .layers import Sequential
from .metrics import as_array
from .module import Module, mode

WIDTH = 78


def _rows(model: Module) -> list[tuple[str, Module]]:
    rows, stack = [], list(reversed(list(model.named_children())))
    while stack:
        name, module = stack.pop()
        if isinstance(module, (Sequential, ModuleList)) and len(module):
            stack.extend((f"{name}.{child_name}", child) for child_name, child
                         in reversed(list(module.named_children())))
        else:
            rows.append((name, module))
    return rows or [("", model)]


def _count(module: Module) -> int:
    return sum(p.data.size if isinstance(p, Tensor) else 1 for p in module.parameters())


def _shape(output: Any, batched: bool) -> str:
    if isinstance(output, Tensor):
        shape = output.shape
        return str((None, *shape[1:])) if batched and shape else str(tuple(shape))
    if isinstance(output, Value):
        return "()"
    if isinstance(output, (list, tuple)):
        return str(as_array(output).shape)
    return type(output).__name__


def _output_shapes(model: Module, rows: list[tuple[str, Module]],
                   input_shape: tuple[int, ...]) -> dict[int, str]:
    """Run one forward pass on zeros (eval mode, no graph) and record each row's output."""
    shapes: dict[int, str] = {}
    params = model.parameters()
    scalar = bool(params) and all(isinstance(p, Value) for p in params)

    def record(module: Module, args: tuple, output: Any) -> None:
        shapes.setdefault(id(module), _shape(output, not scalar))

    handles = [module.register_forward_hook(record) for _, module in rows]
    try:
        with mode(False), no_grad():
            if scalar:
                model([0.0] * int(np.prod(input_shape)))
            else:
                dtype = next((p.dtype for p in params if isinstance(p, Tensor)), None)
                model(Tensor(np.zeros((1, *input_shape)), dtype=dtype))
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def summary(model: Module, input_shape: tuple[int, ...] | None = None,
            print_fn: Callable[[str], Any] | None = None) -> None:
    """Print the table (through ``print_fn``, default ``print``, one call per line)."""
    if not isinstance(model, Module):
        raise TypeError(f"summary: expected an nn.Module, got {type(model).__name__}")
    if input_shape is not None:
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        if not isinstance(input_shape, (tuple, list)) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in input_shape):
            raise ValueError(f"summary: input_shape must be a tuple of positive ints (without "
                             f"the batch axis), got {input_shape!r}")
    print_fn = print if print_fn is None else print_fn
    rows = _rows(model)
    shapes = _output_shapes(model, rows, tuple(input_shape)) if input_shape else {}
    trainable = _count(model)
    frozen = sum(b.data.size for b in model.buffers())
    lines = [f'Model: "{type(model).__name__}"', "=" * WIDTH,
             f"{'Layer (type)':<40}{'Output Shape':<24}{'Param #':>14}", "-" * WIDTH]
    for name, module in rows:
        label = f"{name} ({type(module).__name__})" if name else type(module).__name__
        shape = shapes.get(id(module), "?" if input_shape else "")
        lines.append(f"{label[:39]:<40}{shape[:23]:<24}{_count(module):>14,}")
    lines += ["=" * WIDTH, f"Total params: {trainable + frozen:,}",
              f"Trainable params: {trainable:,}", f"Non-trainable params: {frozen:,}",
              "-" * WIDTH]
    for line in lines:
        print_fn(line)
