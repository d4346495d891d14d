"""Custom ops with a planted bug in their backward, for tests that a check catches it."""

from collections.abc import Callable
from typing import Any

from autograd import Function


def planted(name: str, forward: Callable[[Any], Any],
            backward: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    """A one-input op: ``forward(x)`` on the input node, ``backward(x, g)`` its (wrong) VJP."""
    def forward_rule(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return forward(x)

    def backward_rule(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return backward(x, g)

    op = type(name, (Function,), {"forward": staticmethod(forward_rule),
                                  "backward": staticmethod(backward_rule)})
    return op.apply
