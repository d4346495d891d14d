"""Errors raised inside a layer's forward name the layer and its settings.

``autograd.conv`` and ``nn.functional`` say which function refused an input
(``conv2d: expected ...``); a layer calls them inside ``reported_as(self)``, so the
message names the layer instead (``Conv2d(3, 16, kernel_size=(3, 3), ...): expected ...``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def describe(module: Any) -> str:
    """The layer as its repr's first line shows it: ``Conv2d(1, 16, kernel_size=(3, 3))``."""
    return f"{type(module).__name__}({module.extra_repr()})"


@contextmanager
def reported_as(module: Any) -> Iterator[None]:
    """Re-raise a ValueError, TypeError or IndexError with the layer named first."""
    try:
        yield
    except (ValueError, TypeError, IndexError) as error:
        message = str(error)
        function, colon, rest = message.partition(": ")
        if colon and function.isidentifier():  # drop the function's name: the layer's replaces it
            message = rest
        raise type(error)(f"{describe(module)}: {message}") from None
